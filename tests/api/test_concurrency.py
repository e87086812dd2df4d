"""Twenty concurrent POST /api/v1/orders/ with one Idempotency-Key make exactly one order."""

import threading

from sqlalchemy import func, select

from app.extensions import db
from app.models import IdempotencyKey, Order, Product
from tests import factories

REQUESTS = 20


def test_twenty_concurrent_repeats_of_one_key_create_one_order(app, api, shopper, address, product):
    factories.fill_cart(shopper, (product, 2))
    body = {"address_id": address.id}
    headers = {**api.headers(), "Idempotency-Key": "one-key"}
    barrier = threading.Barrier(REQUESTS)
    responses = [None] * REQUESTS

    def send(index: int) -> None:
        client = app.test_client()  # one client per thread; each request gets its own app context
        barrier.wait()
        responses[index] = client.post("/api/v1/orders/", json=body, headers=headers)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(REQUESTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    statuses = sorted(response.status_code for response in responses)
    created = [response for response in responses if response.status_code == 201]
    assert set(statuses) <= {201, 409}, statuses
    assert created, statuses
    assert {response.get_json()["number"] for response in created} == {created[0].get_json()["number"]}
    for response in responses:
        if response.status_code == 409:
            assert response.get_json()["error"]["code"] == "idempotency_key_in_use"
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Order.id))) == 1
    assert db.session.scalar(select(func.count(IdempotencyKey.id))) == 1
    assert db.session.scalar(select(Product.stock).where(Product.id == product.id)) == 8
