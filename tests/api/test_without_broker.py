"""The shop as the README starts it: no broker, so tasks run in the web process."""

import logging

from sqlalchemy import select

from app.extensions import db, mail
from app.models import OutboxMessage
from app.models.orders import OUTBOX_SENT
from tests import factories


def test_the_first_order_without_a_broker_sends_its_email_and_logs_no_warning(api, shopper, address, caplog):
    product = factories.ProductFactory(price="19.99", stock=5)
    factories.fill_cart(shopper, (product, 1))
    caplog.set_level(logging.WARNING)

    with mail.record_messages() as outbox:
        response = api.post("/api/v1/orders/", json={"address_id": address.id})

    assert response.status_code == 201
    assert [message.subject for message in outbox] == [f"Your order {response.get_json()['number']}"]
    assert db.session.scalars(select(OutboxMessage.status)).all() == [OUTBOX_SENT]
    warnings = [f"{r.name}: {r.getMessage()}" for r in caplog.records if r.levelno >= logging.WARNING]
    assert warnings == []
