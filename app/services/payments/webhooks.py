"""The provider's webhook events: the signature checked first, one small handler per type.

Each handler acts through settlement.py, which inserts the event id's unique row in
the transaction of the effect: a repeated event, even delivered five times at once,
is acted on once and answered 200 like the first.
"""

import logging

from sqlalchemy import select

from app.extensions import db
from app.models import Order, Payment
from app.services.payments import settlement
from app.services.payments.gateways import card_provider
from app.services.payments.providers import ProviderEvent

log = logging.getLogger(__name__)


def handle(provider_name: str, payload: bytes, signature: str | None) -> str:
    """Verify and act on one delivery; BadSignature (nothing done) if it is not the provider's."""
    event = card_provider(provider_name).verify_event(payload, signature)
    handler = HANDLERS.get(event.type)
    if handler is None or event.intent is None:
        return "ignored"
    payment = _payment_for(event)
    if payment is None:
        log.warning("webhook %s %s names no order of ours", event.type, event.id)
        return "unknown_intent"
    ref = settlement.EventRef(provider_name, event.id, event.type)
    try:
        return handler(payment, event, ref)
    except settlement.AlreadyActedOn:
        return "repeat"


def _succeeded(payment: Payment, event: ProviderEvent, ref: settlement.EventRef) -> str:
    return settlement.payment_succeeded(payment, event.intent, event=ref)


def _failed(payment: Payment, event: ProviderEvent, ref: settlement.EventRef) -> str:
    settlement.payment_failed(payment, event.intent, event=ref)
    return "failed"


HANDLERS = {
    "payment_intent.succeeded": _succeeded,
    "payment_intent.payment_failed": _failed,
}


def _payment_for(event: ProviderEvent) -> Payment | None:
    """The payment by its intent id; by the order number in the metadata if the id was never stored."""
    payment = db.session.scalar(select(Payment).where(Payment.intent_id == event.intent.id))
    if payment is None and event.intent.order_number:
        payment = db.session.scalar(
            select(Payment)
            .join(Order, Order.id == Payment.order_id)
            .where(Order.number == event.intent.order_number)
        )
    return payment
