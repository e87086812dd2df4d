"""What a payment's outcome does to its order, exactly once however it is learnt.

A webhook, the reconciliation and a cancel may all learn that an intent succeeded,
at the same time. The order moves only through the lifecycle's guarded status
UPDATE (app/services/ordering/lifecycle.py), so one of them moves it; a webhook's
event id is inserted in the same transaction as its effect, so a repeat does nothing;
and a refund is claimed by a guarded UPDATE before the provider is asked, so it is
asked once. No provider call is made inside a transaction.
"""

import logging
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Order, OrderEvent, OutboxMessage, Payment, WebhookEvent
from app.models.orders import CANCELLED, OUTBOX_PENDING, PAID
from app.models.payments import (
    FAILED,
    REFUND_DONE,
    REFUND_FAILED,
    REFUND_OWED,
    REFUND_REQUESTED,
    REFUNDED,
    SUCCEEDED,
)
from app.models.types import utcnow
from app.services.errors import InvalidTransition
from app.services.notifications import outbox
from app.services.notifications.emails import PAYMENT_RECEIVED
from app.services.ordering import lifecycle
from app.services.payments.gateways import card_provider
from app.services.payments.intents import intent_status
from app.services.payments.providers import Intent, ProviderError, minor_units

log = logging.getLogger(__name__)

PAYMENT_EVENT = "payment"  # the order events' kind for everything the provider did


@dataclass(frozen=True)
class EventRef:
    """A webhook event to record as acted on, in the transaction of its effect."""

    provider: str
    id: str
    type: str


class AlreadyActedOn(Exception):
    """This webhook event id was acted on before (or is being, by a concurrent delivery)."""


def record_event(event: EventRef | None) -> None:
    """Insert the event's unique row now: a concurrent repeat waits here, then fails."""
    if event is None:
        return
    db.session.add(WebhookEvent(provider=event.provider, event_id=event.id, event_type=event.type))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise AlreadyActedOn(event.id) from None


def in_one_transaction(work, event: EventRef | None) -> None:
    """Run `work` with the event's row, and commit; a repeated event raises AlreadyActedOn."""
    try:
        record_event(event)
        work()
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise AlreadyActedOn(event.id if event else "") from None
    except BaseException:
        db.session.rollback()
        raise


def payment_succeeded(payment: Payment, intent: Intent, *, event: EventRef | None = None) -> str:
    """The intent succeeded: pending -> paid with its email, or a refund if the order was cancelled.

    Returns what was done: "paid", "already_paid", "refunding", "mismatch".
    Raises AlreadyActedOn for a repeated webhook event.
    """
    order = db.session.get(Order, payment.order_id)
    payment_id, order_id = payment.id, order.id
    expected = (minor_units(payment.amount, payment.currency), payment.currency.lower())
    if (intent.amount, intent.currency.lower()) != expected:
        _record_mismatch(order_id, intent, expected, event)
        return "mismatch"

    messages: list[OutboxMessage] = []

    def mark_paid_too() -> None:
        record_event(event)
        set_payment(payment_id, status=SUCCEEDED, failure_message="")
        message = OutboxMessage(
            order_id=order_id, kind=PAYMENT_RECEIVED, status=OUTBOX_PENDING, attempts=0, last_error=""
        )
        db.session.add(message)
        messages.append(message)

    try:
        lifecycle.change_status(
            order, PAID, None, kind=PAYMENT_EVENT, message="Payment received.", also=mark_paid_too
        )
    except InvalidTransition as refused:
        return _succeeded_on(refused.current, payment_id, order_id, intent, event)
    except IntegrityError:
        raise AlreadyActedOn(event.id if event else "") from None
    outbox.announce_owed(messages)
    return "paid"


def _succeeded_on(status: str, payment_id: int, order_id: int, intent: Intent, event: EventRef | None) -> str:
    """The intent succeeded on an order no longer pending: paid already, or cancelled (refund)."""
    if status != CANCELLED:

        def note_success() -> None:
            set_payment(payment_id, status=SUCCEEDED, failure_message="", only_if_open=True)

        in_one_transaction(note_success, event)
        return "already_paid"

    def owe_refund() -> None:
        set_payment(payment_id, status=SUCCEEDED, failure_message="", only_if_open=True)
        owed = db.session.execute(
            update(Payment)
            .where(Payment.id == payment_id, Payment.refund_status.is_(None))
            .values(refund_status=REFUND_OWED)
            .execution_options(synchronize_session=False)
        ).rowcount
        if owed:
            _event(
                order_id, f"Payment {intent.id} received after the order was cancelled; refunding it in full."
            )

    in_one_transaction(owe_refund, event)
    refund_owed(payment_id)
    return "refunding"


def _record_mismatch(
    order_id: int, intent: Intent, expected: tuple[int, str], event: EventRef | None
) -> None:
    amount, currency = expected

    def tell_admin() -> None:
        _event(
            order_id,
            f"Payment {intent.id} of {intent.amount} {intent.currency.upper()} (minor units) does not match "
            f"the order's {amount} {currency.upper()}: the order was NOT marked paid. Check it in Stripe "
            "and refund it there.",
        )

    in_one_transaction(tell_admin, event)


def payment_failed(payment: Payment, intent: Intent, *, event: EventRef | None = None) -> None:
    """A card was declined: an event says why; the order stays pending and payable."""
    reason = intent.failure_message or "The card payment failed."
    payment_id, order_id = payment.id, payment.order_id

    def note_failure() -> None:
        set_payment(payment_id, status=FAILED, failure_message=reason, only_if_open=True)
        _event(order_id, f"Card payment failed: {reason}")

    in_one_transaction(note_failure, event)


def note_status(payment: Payment, intent: Intent) -> None:
    """Keep the payment's status as the provider last told it (not past a final one)."""
    set_payment(payment.id, status=intent_status(intent), only_if_open=True)
    db.session.commit()


def refund_owed(payment_id: int) -> bool:
    """Refund a payment that landed on a cancelled order, if no one else is; True once refunded.

    The guarded claim (owed or failed -> requested) lets one process ask the provider;
    a refused refund is left `failed` with an event for the admin, and retried by the
    expiry task.
    """
    claimed = db.session.execute(
        update(Payment)
        .where(Payment.id == payment_id, Payment.refund_status.in_((REFUND_OWED, REFUND_FAILED)))
        .values(refund_status=REFUND_REQUESTED, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if not claimed:
        return False
    return _ask_for_refund(payment_id, keep_failure=True)


def claim_refund_for_cancel(payment_id: int) -> bool:
    """An admin's cancel of a paid order claims its refund (None -> requested); False if taken."""
    claimed = db.session.execute(
        update(Payment)
        .where(Payment.id == payment_id, Payment.refund_status.is_(None), Payment.status == SUCCEEDED)
        .values(refund_status=REFUND_REQUESTED, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return bool(claimed)


def _ask_for_refund(payment_id: int, *, keep_failure: bool) -> bool:
    payment = db.session.get(Payment, payment_id)
    provider, intent_id, order_id = payment.provider, payment.intent_id, payment.order_id
    number = db.session.scalar(select(Order.number).where(Order.id == order_id))
    db.session.commit()  # nothing open while the provider answers
    try:
        refund = card_provider(provider).refund(intent_id, order_number=number)
    except ProviderError as error:
        _refund_failed(payment_id, order_id, error.message)
        return False
    record_refund(payment_id, refund.id)
    db.session.commit()
    return True


def _refund_failed(payment_id: int, order_id: int, reason: str) -> None:
    set_payment(payment_id, refund_status=REFUND_FAILED, refund_error=reason[:1000])
    _event(order_id, f"Refund failed: {reason} It is tried again every few minutes; see docs/payments.md.")
    db.session.commit()


def record_refund(payment_id: int, refund_id: str) -> None:
    """Record the provider's refund on the payment and the timeline (in the caller's transaction)."""
    payment = db.session.get(Payment, payment_id)
    set_payment(
        payment_id,
        refund_status=REFUND_DONE,
        refund_id=refund_id,
        refunded_amount=payment.amount,
        refund_error="",
        status=REFUNDED,
    )
    _event(payment.order_id, f"Payment refunded in full ({refund_id}).")


def set_payment(payment_id: int, *, only_if_open: bool = False, **values) -> None:
    statement = update(Payment).where(Payment.id == payment_id)
    if only_if_open:  # a late or repeated report never takes back a success or a refund
        statement = statement.where(Payment.status.not_in((SUCCEEDED, REFUNDED)))
    db.session.execute(
        statement.values(**values, updated_at=utcnow()).execution_options(synchronize_session=False)
    )


def _event(order_id: int, message: str) -> None:
    db.session.add(OrderEvent(order_id=order_id, actor_id=None, kind=PAYMENT_EVENT, message=message))
