"""The rules of the email outbox: what is owed, who may send it, and how it ended.

An outbox message is written in the same transaction as what makes it due. The
tasks side (app/tasks.py) hands it to the broker right after the commit, on the
`order_placed` or `emails_owed` signal, and again from the periodic relay while it
is still owed, so a broker outage loses nothing; delivery claims the row first, so
running the task twice sends one email.
"""

from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select, update

from app.extensions import db
from app.models import Order, OrderEvent, OutboxMessage
from app.models.orders import (
    ORDER_CONFIRMATION,
    ORDER_LINK,
    OUTBOX_FAILED,
    OUTBOX_PENDING,
    OUTBOX_SENDING,
    OUTBOX_SENT,
)
from app.models.types import utcnow
from app.services.notifications.events import emails_owed

# A message still unsent this long after it became due is left `failed` for an admin to
# look at (and resend): until then the relay tries it again every claim lease, however
# many attempts a mail-server outage takes (docs/decisions.md#giving-up-on-an-email).
GIVE_UP_AFTER = timedelta(days=3)

# What the order's timeline says once a message of each kind is sent (emails about no
# order, a password reset or verification, leave no event).
SENT_EVENTS = {
    ORDER_CONFIRMATION: "Confirmation email sent.",
    "payment_received": "Payment received email sent.",
    ORDER_LINK: "Order link emailed.",
}


def queue_email(
    kind: str,
    *,
    order_id: int | None = None,
    user_id: int | None = None,
    recipient: str | None = None,
    payload: dict | None = None,
) -> OutboxMessage:
    """An email owed, added to the caller's transaction: announce it after the commit (announce_owed)."""
    message = OutboxMessage(
        kind=kind, order_id=order_id, user_id=user_id, recipient=recipient, payload=payload
    )
    db.session.add(message)
    return message


def claim_lease() -> timedelta:
    """A delivery that neither finished nor failed within this time (its worker died)
    may be claimed again; it must outlast the slowest send (MAIL_TIMEOUT per step)."""
    return timedelta(seconds=current_app.config["OUTBOX_CLAIM_LEASE_SECONDS"])


def relay_grace() -> timedelta:
    """The periodic relay leaves fresh messages to the after-commit dispatch."""
    return timedelta(seconds=current_app.config["OUTBOX_RELAY_GRACE_SECONDS"])


def owed_message_ids(limit: int = 500) -> list[int]:
    """The messages still owed and not given up: pending, or failed or claimed with no
    attempt for a lease (a failed one retries on its own meanwhile; a claimed one lost
    its worker)."""
    now = utcnow()
    idle_since = now - claim_lease()
    owed = db.session.scalars(
        select(OutboxMessage.id)
        .where(
            OutboxMessage.created_at > now - GIVE_UP_AFTER,
            or_(
                (OutboxMessage.status == OUTBOX_PENDING) & (OutboxMessage.created_at < now - relay_grace()),
                (OutboxMessage.status.in_((OUTBOX_FAILED, OUTBOX_SENDING)))
                & (OutboxMessage.claimed_at < idle_since),
            ),
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    db.session.rollback()
    return list(owed)


def claim(message_id: int) -> OutboxMessage | None:
    """Mark the message as being sent, unless it is sent or another worker holds it."""
    now = utcnow()
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            or_(
                OutboxMessage.status.in_((OUTBOX_PENDING, OUTBOX_FAILED)),
                (OutboxMessage.status == OUTBOX_SENDING) & (OutboxMessage.claimed_at < now - claim_lease()),
            ),
        )
        .values(status=OUTBOX_SENDING, claimed_at=now, attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return db.session.get(OutboxMessage, message_id) if claimed else None


def mark_sent(message: OutboxMessage, order_id: int | None = None) -> None:
    """Record the email as sent, with an event on its order (`order_id` for a message that
    found its order by number); commits."""
    message.status = OUTBOX_SENT
    message.sent_at = utcnow()
    message.last_error = ""
    order_id = order_id or message.order_id
    if order_id is not None and message.kind in SENT_EVENTS:
        db.session.add(OrderEvent(order_id=order_id, kind="email", message=SENT_EVENTS[message.kind]))
    db.session.commit()


def mark_nothing_to_send(message: OutboxMessage, reason: str) -> None:
    """Done without an email: e.g. a reset asked for an email no account has; commits."""
    message.status = OUTBOX_SENT
    message.last_error = reason[:1000]
    db.session.commit()


def mark_failed(message: OutboxMessage, error: str) -> None:
    """Record a failed attempt and its error; the message stays owed (commits)."""
    message.status = OUTBOX_FAILED
    message.last_error = error[:1000]
    db.session.commit()


def resend_confirmation(order: Order, actor_id: int) -> OutboxMessage:
    """Owe the confirmation email again (a new outbox message); commits, then announces it."""
    message = OutboxMessage(order_id=order.id, kind=ORDER_CONFIRMATION)
    db.session.add(message)
    db.session.add(
        OrderEvent(
            order_id=order.id, actor_id=actor_id, kind="email", message="Confirmation email queued again."
        )
    )
    db.session.commit()
    announce_owed([message])
    return message


def announce_owed(messages: list[OutboxMessage]) -> None:
    """After the commit that made them owed: the tasks side delivers them (app/tasks.py)."""
    if messages:
        emails_owed.send(current_app._get_current_object(), messages=messages)
