"""The periodic relay (the relay_outbox task): an owed email is tried again until it is sent,
however many attempts a long mail-server outage has taken, and given up only days later."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.extensions import db, mail
from app.models import OutboxMessage
from app.models.orders import OUTBOX_FAILED, OUTBOX_SENT
from app.models.types import utcnow
from app.services.notifications import outbox
from app.services.ordering.placing import place_order
from app.tasks import relay_outbox
from tests.factories import ProductFactory, fill_cart


@pytest.fixture
def message_id(shopper, address) -> int:
    """An order's confirmation, placed and sent (no broker: at once), its id."""
    fill_cart(shopper, (ProductFactory(), 1))
    place_order(shopper.id, address.id)
    return db.session.scalars(select(OutboxMessage.id)).one()


def failed_long_ago(message_id: int, *, due_for: timedelta, attempts: int) -> None:
    """As if every delivery so far had failed, the last one an hour ago."""
    now = utcnow()
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(
            status=OUTBOX_FAILED,
            attempts=attempts,
            created_at=now - due_for,
            claimed_at=now - timedelta(hours=1),
            sent_at=None,
        )
    )
    db.session.commit()


def status_of(message_id: int) -> str:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message_id).status


def test_an_email_that_failed_many_times_in_an_outage_is_sent_once_the_server_is_back(message_id):
    failed_long_ago(message_id, due_for=timedelta(hours=2), attempts=200)

    with mail.record_messages() as sent:
        relayed = relay_outbox()

    assert relayed == 1
    assert len(sent) == 1
    assert status_of(message_id) == OUTBOX_SENT


def test_an_email_still_unsent_days_after_its_order_is_left_for_an_admin(message_id):
    failed_long_ago(message_id, due_for=outbox.GIVE_UP_AFTER + timedelta(minutes=1), attempts=3)

    with mail.record_messages() as sent:
        relayed = relay_outbox()

    assert relayed == 0
    assert sent == []
    assert status_of(message_id) == OUTBOX_FAILED
