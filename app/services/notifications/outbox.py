"""Handing owed emails to the task broker, and delivering them exactly once.

An outbox message is written in the same transaction as what makes it due. It
is relayed to the broker right after the commit and again by the periodic relay
while it is still pending, so a broker outage loses nothing; delivery claims
the row first, so running the task twice sends one email.
"""

import logging
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
from app.services.notifications.publisher import OutboxPublisher

log = logging.getLogger(__name__)

# A message still unsent this long after it became due is left `failed` for an admin to
# look at (and resend): until then the relay tries it again every claim lease, however
# many attempts a mail-server outage takes. (A cap on attempts gave up within minutes:
# each failed delivery retries on its own as well, so the attempts add up fast.)
GIVE_UP_AFTER = timedelta(days=3)


def claim_lease() -> timedelta:
    """A delivery that neither finished nor failed within this time (its worker died)
    may be claimed again; it must outlast the slowest send (MAIL_TIMEOUT per step)."""
    return timedelta(seconds=current_app.config["OUTBOX_CLAIM_LEASE_SECONDS"])


def relay_grace() -> timedelta:
    """The periodic relay leaves fresh messages to the after-commit dispatch."""
    return timedelta(seconds=current_app.config["OUTBOX_RELAY_GRACE_SECONDS"])


def queue_email(
    kind: str,
    *,
    order_id: int | None = None,
    user_id: int | None = None,
    recipient: str | None = None,
    payload: dict | None = None,
) -> OutboxMessage:
    """An email owed, added to the caller's transaction: dispatch it after the commit."""
    message = OutboxMessage(
        kind=kind, order_id=order_id, user_id=user_id, recipient=recipient, payload=payload
    )
    db.session.add(message)
    return message


def dispatch_pending(messages: list[OutboxMessage]) -> None:
    """After commit: have each message delivered; never fails the caller (the relay catches up).

    With a broker the ids go to the process's publisher and the request returns at
    once (outbox_publisher.py); with none, the delivery runs here and now.
    """
    message_ids = [message.id for message in messages]
    if current_app.extensions["celery"].conf.task_always_eager:
        queue_delivery(message_ids)
        for message in messages:
            db.session.expire(message)  # the delivery changed the row in its own session
    else:
        _publisher().submit(message_ids)


def _publisher() -> OutboxPublisher:
    """The app's publisher, made on first use (a web process that takes no order has none)."""
    publisher = current_app.extensions.get("outbox_publisher")
    if publisher is None:
        celery = current_app.extensions["celery"]

        def publish(message_ids: list[int]) -> None:
            celery.send_task("app.tasks.queue_outbox_deliveries", args=(message_ids,))

        # setdefault: two first requests at once still share one publisher.
        publisher = current_app.extensions.setdefault("outbox_publisher", OutboxPublisher(publish))
    return publisher


def queue_delivery(message_ids: list[int]) -> None:
    from app.tasks import deliver_outbox_message

    for message_id in message_ids:
        try:
            deliver_outbox_message.delay(message_id)
        except Exception:  # the broker is down: the periodic relay will retry
            log.warning("could not queue outbox message %s; the relay will", message_id, exc_info=True)


def relay_pending(limit: int = 500) -> int:
    """Queue every message still owed and not given up: pending, or failed or claimed with
    no attempt for a lease (a failed one retries on its own meanwhile; a claimed one lost
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
    queue_delivery(list(owed))
    return len(owed)


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


# The order event a sent email leaves on its order's timeline.
SENT_EVENTS = {ORDER_CONFIRMATION: "Confirmation email sent.", ORDER_LINK: "Order link emailed."}


def mark_sent(message: OutboxMessage, order_id: int | None = None) -> None:
    """The email went out (to the order `order_id`, for a message that found it by its number)."""
    message.status = OUTBOX_SENT
    message.sent_at = utcnow()
    message.last_error = ""
    order_id = order_id or message.order_id
    if order_id is not None and message.kind in SENT_EVENTS:
        db.session.add(OrderEvent(order_id=order_id, kind="email", message=SENT_EVENTS[message.kind]))
    db.session.commit()


def mark_nothing_to_send(message: OutboxMessage, reason: str) -> None:
    """Done without an email: e.g. a reset asked for an email no account has."""
    message.status = OUTBOX_SENT
    message.last_error = reason[:1000]
    db.session.commit()


def mark_failed(message: OutboxMessage, error: str) -> None:
    message.status = OUTBOX_FAILED
    message.last_error = error[:1000]
    db.session.commit()


def resend_confirmation(order: Order, actor_id: int) -> OutboxMessage:
    """Queue the confirmation email again (a new outbox message); commits, then dispatches."""
    message = OutboxMessage(order_id=order.id, kind=ORDER_CONFIRMATION)
    db.session.add(message)
    db.session.add(
        OrderEvent(
            order_id=order.id, actor_id=actor_id, kind="email", message="Confirmation email queued again."
        )
    )
    db.session.commit()
    dispatch_pending([message])
    return message
