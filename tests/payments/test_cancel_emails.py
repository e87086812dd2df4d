"""The cancellation email of a card order: after the payment's expiry, once however many runs."""

from sqlalchemy import select

from app.extensions import db, mail
from app.models import OutboxMessage
from app.services.payments import expiry
from tests.payments.helpers import age


def cancellation_emails(order) -> int:
    db.session.expire_all()
    return len(
        db.session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.order_id == order.id, OutboxMessage.kind == "order_cancelled"
            )
        ).all()
    )


def test_an_expired_payment_cancels_the_order_and_says_why_once(placed, localstripe):
    age(placed, 31)

    with mail.record_messages() as sent:
        expiry.run_once()
        expiry.run_once()

    (email,) = sent
    assert email.subject == f"Your order {placed.number} is cancelled"
    assert "We did not receive the payment for your order" in email.body
    assert cancellation_emails(placed) == 1
