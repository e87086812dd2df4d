"""After its commit, the order service announces "order placed" (app/services/ordering/events.py);
the tasks side and any other listener (payments) act on it, the service knowing none of them."""

import pytest
from sqlalchemy import func, select

from app.extensions import db, mail
from app.models import Order
from app.services.errors import EmptyCart
from app.services.notifications.outbox import resend_confirmation
from app.services.ordering.events import order_placed
from app.services.ordering.placing import place_order
from app.tasks import relay_outbox
from tests.factories import ProductFactory, fill_cart


@pytest.fixture
def heard():
    """What a listener connected to order_placed was told, with the orders another
    connection could see at that moment (committed ones only)."""
    announcements = []

    def listener(sender, order, **extra):
        with db.engine.connect() as other_connection:
            committed = other_connection.scalar(select(func.count()).where(Order.number == order.number))
        announcements.append((order.number, committed))

    with order_placed.connected_to(listener):
        yield announcements


def test_a_placed_order_is_announced_once_after_its_commit(shopper, address, heard):
    fill_cart(shopper, (ProductFactory(), 1))

    with mail.record_messages() as sent:
        placed = place_order(shopper.id, address.id)

    assert heard == [(placed.order.number, 1)]
    assert len(sent) == 1  # the tasks side heard it too: the confirmation email


def test_a_refused_checkout_announces_nothing(shopper, address, heard):
    with pytest.raises(EmptyCart):
        place_order(shopper.id, address.id)

    assert heard == []


def test_a_repeated_request_announces_only_the_order_it_first_placed(shopper, address, heard):
    fill_cart(shopper, (ProductFactory(), 1))

    first = place_order(shopper.id, address.id, idempotency_key="announce-1")
    again = place_order(shopper.id, address.id, idempotency_key="announce-1")

    assert again.order.number == first.order.number
    assert heard == [(first.order.number, 1)]


def test_an_email_owed_again_by_an_admin_is_delivered_by_the_tasks_side(shopper, address, admin):
    fill_cart(shopper, (ProductFactory(), 1))
    placed = place_order(shopper.id, address.id)

    with mail.record_messages() as sent:
        resend_confirmation(placed.order, admin.id)

    assert [message.subject for message in sent] == [f"Your order {placed.order.number}"]


def test_beat_relays_owed_emails_with_the_task_itself(app):
    schedule = app.extensions["celery"].conf.beat_schedule
    assert schedule["relay-outbox"]["task"] == relay_outbox.name
    assert relay_outbox.name in app.extensions["celery"].tasks
