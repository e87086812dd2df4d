"""Expiry and reconciliation of card payments (docs/payments.md), run by beat and the CLI.

For each pending card order older than two minutes the provider is asked for its
intent first: a succeeded one (a missed webhook) makes the order paid. Past
PAYMENT_TIMEOUT_MINUTES an unpaid one has its intent cancelled at the provider,
and only then the order (the lifecycle's guarded cancel: stock and coupon back
once, however many runs race). A cancelled order whose intent Stripe could not
cancel then is looked at again (its money, if it came, refunded), and refunds
still owed are asked for again.
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select

from app.extensions import db
from app.models import Order, Payment
from app.models.orders import CANCELLED, PENDING
from app.models.payments import (
    CANCELED,
    FAILED,
    PROCESSING,
    REFUND_FAILED,
    REFUND_OWED,
    REFUND_REQUESTED,
    REQUIRES_PAYMENT,
)
from app.models.types import utcnow
from app.services.errors import InvalidTransition
from app.services.ordering import lifecycle
from app.services.payments import settlement
from app.services.payments.gateways import card_provider
from app.services.payments.intents import ensure_intent
from app.services.payments.providers import ProviderError

log = logging.getLogger(__name__)

RECONCILE_AFTER = timedelta(minutes=2)
# A refund claimed this long ago and never recorded lost its process: ask again.
STALE_REFUND_CLAIM = timedelta(minutes=10)
BATCH = 200


@dataclass
class Outcome:
    paid: list[str] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    refunded: list[str] = field(default_factory=list)
    unreachable: list[str] = field(default_factory=list)


def run_once(now=None) -> Outcome:
    """One pass of reconciliation, expiry and owed refunds; safe to run twice at once."""
    now = now or utcnow()
    timeout = timedelta(minutes=current_app.config["PAYMENT_TIMEOUT_MINUTES"])
    outcome = Outcome()
    for payment_id, number, created_at in _pending_card_orders(now - RECONCILE_AFTER):
        try:
            _settle_one(payment_id, number, expired=created_at < now - timeout, outcome=outcome)
        except ProviderError as error:
            log.warning("payment of order %s not checked: %s", number, error.message)
            outcome.unreachable.append(number)
            db.session.rollback()
    for payment_id, number in _open_intents_of_cancelled_orders():
        try:
            if _close_left_open(payment_id, number) == "refunding":
                outcome.refunded.append(number)
        except ProviderError as error:
            log.warning("intent of cancelled order %s not checked: %s", number, error.message)
            outcome.unreachable.append(number)
            db.session.rollback()
    for payment_id, number in _refunds_to_retry(now):
        if settlement.refund_owed(payment_id):
            outcome.refunded.append(number)
    return outcome


def _pending_card_orders(placed_before) -> list[tuple[int, str, object]]:
    rows = db.session.execute(
        select(Payment.id, Order.number, Order.created_at)
        .join(Order, Order.id == Payment.order_id)
        .where(Order.status == PENDING, Order.created_at < placed_before)
        .order_by(Order.created_at)
        .limit(BATCH)
    ).all()
    db.session.commit()
    return [tuple(row) for row in rows]


def _settle_one(payment_id: int, number: str, *, expired: bool, outcome: Outcome) -> None:
    payment = db.session.get(Payment, payment_id)
    order = db.session.get(Order, payment.order_id)
    if payment.intent_id is None:
        payment = ensure_intent(order)  # idempotent at the provider: finds one made before a crash
    provider = card_provider(payment.provider)
    intent_id = payment.intent_id
    db.session.commit()
    intent = provider.retrieve_intent(intent_id)
    if intent.status == "succeeded":
        _paid(payment_id, intent, number, outcome)
        return
    if not expired:
        return
    if intent.status != "canceled":
        try:
            intent = provider.cancel_intent(intent_id, order_number=number)
        except ProviderError:
            intent = provider.retrieve_intent(intent_id)  # it may have succeeded this very moment
            if intent.status == "succeeded":
                _paid(payment_id, intent, number, outcome)
                return
            raise
    _expire(payment_id, number, outcome)


def _paid(payment_id: int, intent, number: str, outcome: Outcome) -> None:
    if settlement.payment_succeeded(db.session.get(Payment, payment_id), intent) == "paid":
        outcome.paid.append(number)


def _expire(payment_id: int, number: str, outcome: Outcome) -> None:
    payment = db.session.get(Payment, payment_id)
    order = db.session.get(Order, payment.order_id)

    def close_payment() -> None:
        settlement.set_payment(payment_id, status=CANCELED, only_if_open=True)

    try:
        lifecycle.cancel_order(
            order,
            None,
            allowed_from=(PENDING,),
            kind=settlement.PAYMENT_EVENT,
            message="Payment not received in time; order cancelled, stock and coupon use returned.",
            also=close_payment,
            reason=lifecycle.UNPAID,
        )
    except InvalidTransition:
        return  # another run, the shopper or the webhook got there first
    outcome.cancelled.append(number)


def _open_intents_of_cancelled_orders() -> list[tuple[int, str]]:
    """Cancelled orders whose intent was not seen cancelled (Stripe was down at the cancel)."""
    rows = db.session.execute(
        select(Payment.id, Order.number)
        .join(Order, Order.id == Payment.order_id)
        .where(
            Order.status == CANCELLED,
            Payment.intent_id.is_not(None),
            Payment.status.in_((REQUIRES_PAYMENT, PROCESSING, FAILED)),
        )
        .limit(BATCH)
    ).all()
    db.session.commit()
    return [tuple(row) for row in rows]


def _close_left_open(payment_id: int, number: str) -> str:
    """Cancel the intent of a cancelled order; if its payment went through after all, refund it."""
    payment = db.session.get(Payment, payment_id)
    provider, intent_id = card_provider(payment.provider), payment.intent_id
    db.session.commit()
    intent = provider.retrieve_intent(intent_id)
    if intent.status not in ("succeeded", "canceled"):
        try:
            intent = provider.cancel_intent(intent_id, order_number=number)
        except ProviderError:
            intent = provider.retrieve_intent(intent_id)
    if intent.status == "succeeded":
        return settlement.payment_succeeded(db.session.get(Payment, payment_id), intent)
    settlement.note_status(db.session.get(Payment, payment_id), intent)
    return intent.status


def _refunds_to_retry(now) -> list[tuple[int, str]]:
    rows = db.session.execute(
        select(Payment.id, Order.number)
        .join(Order, Order.id == Payment.order_id)
        .where(
            or_(
                Payment.refund_status.in_((REFUND_OWED, REFUND_FAILED)),
                (Payment.refund_status == REFUND_REQUESTED) & (Payment.updated_at < now - STALE_REFUND_CLAIM),
            )
        )
        .limit(BATCH)
    ).all()
    db.session.commit()
    return [tuple(row) for row in rows]
