"""The emails of SPEC section 10 go through the outbox: written with what makes them due,
sent once, kept when the broker is down, and never holding a secret at rest."""

from sqlalchemy import select

from app.extensions import db, mail
from app.models import OutboxMessage
from app.services.accounts.passwords import request_password_reset
from app.services.notifications.outbox import owed_message_ids
from app.tasks import deliver_outbox_message
from tests.services.helpers import celery_not_eager


def test_a_reset_asked_for_while_the_broker_is_down_is_sent_once_later(app, shopper):
    with celery_not_eager(app):
        request_password_reset(shopper.email)
    message = db.session.scalars(select(OutboxMessage)).one()
    assert (message.kind, message.status, message.recipient) == (
        "password_reset",
        "pending",
        "shopper@example.com",
    )
    message_id = message.id
    db.session.rollback()

    with mail.record_messages() as sent:
        deliver_outbox_message(message_id)
        deliver_outbox_message(message_id)

    assert len(sent) == 1
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message_id).status == "sent"


def test_the_outbox_row_holds_no_token(app, shopper):
    with celery_not_eager(app):
        request_password_reset(shopper.email)
    message = db.session.scalars(select(OutboxMessage)).one()
    message_id = message.id
    db.session.rollback()

    with mail.record_messages() as sent:
        deliver_outbox_message(message_id)

    token = sent[0].body.split("/auth/reset/")[1].split()[0]
    row = db.session.get(OutboxMessage, message_id)
    assert token not in repr((row.recipient, row.payload, row.last_error))


def test_a_reset_for_an_unknown_email_is_done_without_an_email(app):
    with celery_not_eager(app):
        request_password_reset("nobody@example.com")
    message_id = db.session.scalars(select(OutboxMessage.id)).one()
    db.session.rollback()

    with mail.record_messages() as sent:
        deliver_outbox_message(message_id)

    assert sent == []
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message_id).status == "sent"
    assert owed_message_ids() == []  # nothing owed any more
