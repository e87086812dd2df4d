"""Bodies the API must refuse whole: numbers too long to read, chunked bodies over 64 KiB,
and bodies sent to operations that take none."""

import io
import json

from sqlalchemy import func, select

from app.extensions import db
from app.models import Address, ApiToken, CartItem, Order
from app.models.orders import CANCELLED, PENDING
from app.services.accounts import api_tokens
from tests import factories
from tests.api.conftest import error_of

ADDRESS = {
    "full_name": "Ada Shopper",
    "line1": "1 Road",
    "city": "Town",
    "postal_code": "N1 7AA",
    "country": "GB",
}


def chunked_post(api, path: str, body: bytes):
    """POST `body` as gunicorn hands a chunked request over: no Content-Length, the stream ended."""
    return api.client.post(
        path,
        input_stream=io.BytesIO(body),
        headers=api.headers({"Content-Type": "application/json", "Transfer-Encoding": "chunked"}),
        environ_overrides={"wsgi.input_terminated": True},
    )


def address_count() -> int:
    return db.session.scalar(select(func.count(Address.id)))


def test_an_integer_too_long_to_read_is_a_validation_error(api, product):
    response = api.client.post(
        "/api/v1/cart/items/",
        data='{"product_id": 1, "quantity": ' + "1" * 5000 + "}",
        headers=api.headers({"Content-Type": "application/json"}),
    )

    error = error_of(response)
    assert response.status_code == 400
    assert error["details"]["fields"] == {"body": ["A number in the body is too long."]}
    assert db.session.scalars(select(CartItem)).all() == []


def test_a_chunked_body_over_64_kib_is_413_and_saves_nothing(api):
    body = json.dumps(ADDRESS).encode()[:-1] + b" " * (64 * 1024) + b"}"

    response = chunked_post(api, "/api/v1/addresses/", body)

    assert response.status_code == 413
    assert error_of(response)["code"] == "payload_too_large"
    assert address_count() == 0


def test_a_chunked_body_cut_at_64_kib_is_not_read_as_the_whole_body(api):
    valid_start = json.dumps(ADDRESS).encode()[:-1] + b" " * (64 * 1024 - len(json.dumps(ADDRESS)))

    response = chunked_post(api, "/api/v1/addresses/", valid_start + b'}, "GARBAGE": ' + b"1" * 1000)

    assert response.status_code == 413
    assert address_count() == 0


def test_a_small_chunked_body_is_read(api):
    response = chunked_post(api, "/api/v1/addresses/", json.dumps(ADDRESS).encode())

    assert response.status_code == 201
    assert address_count() == 1


class TestOperationsThatTakeNoBody:
    def test_a_field_sent_to_cancel_is_refused_and_the_order_stays(self, api, shopper, address, product):
        factories.fill_cart(shopper, (product, 1))
        number = api.post("/api/v1/orders/", json={"address_id": address.id}).get_json()["number"]

        response = api.post(f"/api/v1/orders/{number}/cancel", json={"reason": "changed my mind"})

        error = error_of(response)
        assert response.status_code == 400
        assert error["details"]["fields"] == {"reason": ["Unknown field."]}
        assert db.session.scalar(select(Order.status).where(Order.number == number)) == PENDING

    def test_malformed_json_sent_to_cancel_is_refused(self, api, shopper, address, product):
        factories.fill_cart(shopper, (product, 1))
        number = api.post("/api/v1/orders/", json={"address_id": address.id}).get_json()["number"]

        response = api.client.post(
            f"/api/v1/orders/{number}/cancel",
            data="{bad",
            headers=api.headers({"Content-Type": "application/json"}),
        )

        assert response.status_code == 400
        assert "body" in error_of(response)["details"]["fields"]
        assert db.session.scalar(select(Order.status).where(Order.number == number)) == PENDING

    def test_an_empty_object_is_no_body(self, api, shopper, address, product):
        factories.fill_cart(shopper, (product, 1))
        number = api.post("/api/v1/orders/", json={"address_id": address.id}).get_json()["number"]

        response = api.post(f"/api/v1/orders/{number}/cancel", json={})

        assert response.status_code == 200
        assert response.get_json()["status"] == CANCELLED

    def test_a_field_sent_with_a_token_revocation_keeps_the_token(self, api, token):
        response = api.delete("/api/v1/auth/token", json={"everywhere": True})

        assert response.status_code == 400
        assert error_of(response)["details"]["fields"] == {"everywhere": ["Unknown field."]}
        assert db.session.get(ApiToken, api_tokens.verify_token(token).id).revoked_at is None

    def test_a_field_sent_to_remove_a_cart_line_keeps_the_line(self, api, shopper, product):
        factories.fill_cart(shopper, (product, 1))

        response = api.delete(f"/api/v1/cart/items/{product.id}", json={"quantity": 1})

        assert response.status_code == 400
        assert len(db.session.scalars(select(CartItem)).all()) == 1
