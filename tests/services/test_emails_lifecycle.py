"""The lifecycle's emails are queued with the status change that makes them due: once, and
never for a change that rolled back or was refused (docs/behaviour.md#order-emails)."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db, mail
from app.models import Order, OutboxMessage
from app.services.errors import InvalidTransition, ValidationFailed
from app.services.ordering import lifecycle
from app.services.ordering.placing import place_order
from app.services.payments import cancelling
from tests import factories


@pytest.fixture
def order(shopper, address) -> Order:
    factories.fill_cart(shopper, (factories.ProductFactory(price=Decimal("12.50")), 1))
    with mail.record_messages():
        return place_order(shopper.id, address.id).order


def owed_kinds(order: Order) -> list[str]:
    db.session.rollback()
    return list(
        db.session.scalars(
            select(OutboxMessage.kind).where(OutboxMessage.order_id == order.id).order_by(OutboxMessage.id)
        )
    )


def test_an_admins_cancel_emails_the_shopper_that_the_shop_cancelled(order, admin):
    with mail.record_messages() as sent:
        lifecycle.change_status(order, "cancelled", admin.id)

    (email,) = sent
    assert "We have cancelled your order" in email.body
    assert owed_kinds(order) == ["order_confirmation", "order_cancelled"]


def test_an_admins_cancel_through_the_payments_service_says_the_shop_cancelled(order, admin):
    with mail.record_messages() as sent:
        cancelling.cancel_order(
            order, admin.id, allowed_from=lifecycle.ADMIN_CANCELLABLE, reason=lifecycle.BY_STAFF
        )

    (email,) = sent
    assert "We have cancelled your order" in email.body


def test_the_admin_order_page_cancel_says_the_shop_cancelled(client, auth, order, admin):
    auth.login("admin@example.com")

    with mail.record_messages() as sent:
        client.post(f"/admin/orders/{order.number}/status", data={"status": "cancelled"})

    (email,) = sent
    assert "We have cancelled your order" in email.body


def test_a_cancel_that_rolls_back_queues_no_email(order):
    def fail() -> None:
        raise RuntimeError("the refund record could not be written")

    with mail.record_messages() as sent, pytest.raises(RuntimeError):
        lifecycle.cancel_order(order, None, also=fail)

    assert sent == []
    assert owed_kinds(order) == ["order_confirmation"]
    assert db.session.get(Order, order.id).status == "pending"


def test_a_status_change_that_rolls_back_queues_no_email(order, admin):
    lifecycle.change_status(order, "paid", admin.id)

    def fail() -> None:
        raise RuntimeError("something else in the transaction failed")

    with mail.record_messages() as sent, pytest.raises(RuntimeError):
        lifecycle.change_status(order, "shipped", admin.id, also=fail)

    assert sent == []
    assert owed_kinds(order) == ["order_confirmation"]


def test_a_refused_move_queues_no_email_and_stores_no_tracking(order, admin):
    with mail.record_messages() as sent, pytest.raises(InvalidTransition):
        lifecycle.ship_order(order, admin.id, "ups", "1Z999")  # still pending

    assert sent == []
    assert owed_kinds(order) == ["order_confirmation"]
    assert (db.session.get(Order, order.id).carrier, db.session.get(Order, order.id).tracking_number) == (
        None,
        None,
    )


def test_a_bad_tracking_number_changes_nothing(order, admin):
    lifecycle.change_status(order, "paid", admin.id)

    with pytest.raises(ValidationFailed) as refused:
        lifecycle.ship_order(order, admin.id, "ups", "1Z/999")

    assert list(refused.value.fields) == ["tracking_number"]
    assert db.session.get(Order, order.id).status == "paid"
    assert owed_kinds(order) == ["order_confirmation"]


def test_a_repeated_cancel_or_delivery_queues_one_email(order, admin):
    lifecycle.cancel_order(order, None)
    with pytest.raises(InvalidTransition):
        lifecycle.cancel_order(order, None)

    assert owed_kinds(order) == ["order_confirmation", "order_cancelled"]


def test_marking_shipped_without_the_form_still_emails_the_shopper(order, admin):
    """A move to shipped by any path (the status buttons, a bulk action) tells the shopper."""
    lifecycle.change_status(order, "paid", admin.id)

    with mail.record_messages() as sent:
        lifecycle.change_status(order, "shipped", admin.id)
        lifecycle.change_status(order, "delivered", admin.id)

    assert [email.subject for email in sent] == [
        f"Your order {order.number} is on its way",
        f"Your order {order.number} has been delivered",
    ]
