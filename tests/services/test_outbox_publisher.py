"""Handing confirmation emails to the broker after the response, many per message."""

import threading
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db, mail
from app.models import OutboxMessage
from app.services.notifications.publisher import OutboxPublisher
from app.services.ordering.placing import place_order
from app.tasks import queue_outbox_deliveries
from tests.factories import ProductFactory, fill_cart
from tests.services.helpers import celery_not_eager


@pytest.fixture
def filled_cart(shopper):
    return fill_cart(shopper, (ProductFactory(price=Decimal("12.00"), stock=5), 2))


class Recorder:
    """Stands in for the broker: what each published message carried."""

    def __init__(self, fail_first: int = 0) -> None:
        self.messages: list[list[int]] = []
        self.fail_first = fail_first
        self.lock = threading.Lock()

    def __call__(self, message_ids: list[int]) -> None:
        with self.lock:
            if self.fail_first:
                self.fail_first -= 1
                raise ConnectionError("broker down")
            self.messages.append(list(message_ids))


def test_ids_from_many_requests_are_published_once_each_in_few_messages():
    broker = Recorder()
    publisher = OutboxPublisher(broker, linger=0.05)

    def request(first: int) -> None:
        for message_id in range(first, first + 25):
            publisher.submit([message_id])

    requests = [threading.Thread(target=request, args=(n * 100,)) for n in range(8)]
    for thread in requests:
        thread.start()
    for thread in requests:
        thread.join()
    publisher.flush()

    published = [message_id for message in broker.messages for message_id in message]
    assert sorted(published) == sorted(n * 100 + i for n in range(8) for i in range(25))
    assert len(broker.messages) < 200 / 10  # gathered, not one message per email


def test_a_broker_outage_loses_that_batch_to_the_relay_and_the_publisher_goes_on():
    broker = Recorder(fail_first=1)
    publisher = OutboxPublisher(broker, linger=0)
    publisher.submit([1])
    publisher.flush()
    publisher.submit([2, 3])
    publisher.flush()
    assert broker.messages == [[2, 3]]  # 1 stays pending in the outbox for the periodic relay


def test_with_a_broker_the_order_email_is_handed_over_and_delivered_once(app, shopper, address, filled_cart):
    broker = Recorder()
    app.extensions["outbox_publisher"] = OutboxPublisher(broker, linger=0)
    with celery_not_eager(app), mail.record_messages() as sent:
        placed = place_order(shopper.id, address.id)
        assert sent == []  # the request did not wait for the email
    message_id = db.session.scalars(select(OutboxMessage.id)).one()
    assert broker.messages == [[message_id]]

    with mail.record_messages() as sent:
        queue_outbox_deliveries(broker.messages[0])  # what the worker runs for the message
        queue_outbox_deliveries(broker.messages[0])  # delivered again: still one email
    assert len(sent) == 1
    assert placed.order.number in sent[0].subject + sent[0].body
