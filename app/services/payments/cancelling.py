"""Cancelling an order that is paid, or payable, by card (docs/payments.md).

A pending order is cancelled first (stock and coupon back, in one transaction),
then its intent is cancelled at the provider; if the money landed meanwhile, the
settlement refunds it. A paid order is refunded first, with no transaction open,
and cancelled in the transaction that records the refund; a refused refund
refuses the cancel and changes nothing.
"""

import logging

from app.extensions import db
from app.models import Order, Payment
from app.models.orders import PAID, PENDING
from app.models.payments import CANCELED, REFUND_REQUESTED, SUCCEEDED
from app.services.errors import InvalidTransition, ShopError
from app.services.ordering import lifecycle
from app.services.payments import settlement
from app.services.payments.gateways import card_provider
from app.services.payments.intents import payment_of
from app.services.payments.providers import ProviderError

log = logging.getLogger(__name__)


class RefundRefused(ShopError):
    """The provider would not refund, so the order was not cancelled."""


def cancel_order(
    order: Order,
    actor_id: int | None,
    *,
    allowed_from=lifecycle.SHOPPER_CANCELLABLE,
    reason: str = lifecycle.BY_SHOPPER,
) -> Order:
    """Cancel as lifecycle.cancel_order does, refunding or closing the card payment too."""
    payment = payment_of(order)
    if payment is None:
        return lifecycle.cancel_order(order, actor_id, allowed_from=allowed_from, reason=reason)
    if order.status == PAID and PAID in allowed_from:
        return _refund_then_cancel(order, payment, actor_id, reason)
    try:
        lifecycle.cancel_order(
            order, actor_id, allowed_from=tuple(s for s in allowed_from if s == PENDING), reason=reason
        )
    except InvalidTransition as refused:
        if refused.current == PAID and PAID in allowed_from:  # paid a moment ago
            return _refund_then_cancel(order, payment, actor_id, reason)
        raise
    close_intent(payment)
    db.session.refresh(order)
    return order


def close_intent(payment: Payment) -> None:
    """After an unpaid order's cancel: cancel its intent; if it had succeeded, refund it."""
    payment_id, intent_id, provider = payment.id, payment.intent_id, payment.provider
    order_id = payment.order_id
    number = db.session.get(Order, order_id).number
    db.session.commit()
    if intent_id is None:
        settlement.set_payment(payment_id, status=CANCELED, only_if_open=True)
        db.session.commit()
        return
    try:
        intent = card_provider(provider).cancel_intent(intent_id, order_number=number)
    except ProviderError as error:
        try:
            intent = card_provider(provider).retrieve_intent(intent_id)
        except ProviderError:
            log.warning("could not cancel intent %s of order %s: %s", intent_id, number, error.message)
            return  # the expiry task's reconciliation looks again
    if intent.status == "succeeded":
        settlement.payment_succeeded(db.session.get(Payment, payment_id), intent)
        return
    settlement.note_status(db.session.get(Payment, payment_id), intent)


def _refund_then_cancel(order: Order, payment: Payment, actor_id: int | None, reason: str) -> Order:
    payment_id = payment.id
    if payment.status != SUCCEEDED and not _took_money(payment):
        # Marked paid by hand (no card payment): cancel, and close the intent.
        lifecycle.cancel_order(order, actor_id, allowed_from=(PAID,), reason=reason)
        close_intent(db.session.get(Payment, payment_id))
        db.session.refresh(order)
        return order
    if not settlement.claim_refund_for_cancel(payment_id):
        db.session.refresh(payment)
        if payment.refund_status == REFUND_REQUESTED:
            raise RefundRefused("A refund of this order is being made right now; reload in a moment.")
        raise RefundRefused("This order's payment cannot be refunded (it is not a received payment).")
    provider, intent_id, number = payment.provider, payment.intent_id, order.number
    db.session.commit()
    try:
        refund = card_provider(provider).refund(intent_id, order_number=number)
    except ProviderError as error:
        settlement.set_payment(payment_id, refund_status=None)  # nothing changed: it may be tried again
        db.session.commit()
        raise RefundRefused(
            f"Stripe refused the refund, so the order was not cancelled: {error.message}"
        ) from None

    def record() -> None:
        settlement.record_refund(payment_id, refund.id)

    try:
        return lifecycle.cancel_order(
            order,
            actor_id,
            allowed_from=(PAID,),
            message="Order cancelled and refunded in full; stock and coupon use returned.",
            also=record,
            reason=reason,
        )
    except InvalidTransition:
        # Shipped in the meantime: the money went back all the same, so say so.
        record()
        db.session.commit()
        raise


def _took_money(payment: Payment) -> bool:
    """Ask the provider whether the intent succeeded after all (then the payment says so too)."""
    provider, intent_id = card_provider(payment.provider), payment.intent_id
    db.session.commit()
    if intent_id is None:
        return False
    try:
        intent = provider.retrieve_intent(intent_id)
    except ProviderError as error:
        raise RefundRefused(
            f"Stripe could not be asked about this payment, so nothing changed: {error.message}"
        ) from None
    if intent.status != "succeeded":
        return False
    settlement.note_status(db.session.get(Payment, payment.id), intent)
    return True
