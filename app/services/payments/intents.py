"""Opening a card payment for an order once it has committed, and showing its state.

The intent is made after the order's commit (the `order_placed` signal), never
inside it: no database transaction or row lock is held while Stripe answers. If
Stripe cannot be reached then, the order stands and `ensure_intent` makes the
intent on the shopper's next visit to the pay page or the API.
"""

import logging

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Order, Payment
from app.models.orders import PENDING
from app.models.payments import CANCELED, FAILED, PROCESSING, REQUIRES_PAYMENT, SUCCEEDED
from app.services.ordering.events import order_placed
from app.services.payments import manual
from app.services.payments.gateways import card_provider, configured_name
from app.services.payments.providers import Intent, ProviderError, minor_units

log = logging.getLogger(__name__)

# The provider's intent status, as the order's `payment.status` says it (docs/payments.md).
INTENT_STATUSES = {
    "requires_payment_method": REQUIRES_PAYMENT,
    "requires_confirmation": REQUIRES_PAYMENT,
    "requires_action": REQUIRES_PAYMENT,
    "requires_capture": PROCESSING,
    "processing": PROCESSING,
    "succeeded": SUCCEEDED,
    "canceled": CANCELED,
}


def listen() -> None:
    """Open a payment for every order placed from now on (connecting twice is harmless)."""
    order_placed.connect(open_payment_for_placed_order)


def open_payment_for_placed_order(sender, order: Order, **_) -> None:
    """The `order_placed` receiver: never fails the checkout, which has committed already."""
    if configured_name() == manual.NAME:
        return
    try:
        ensure_intent(order)
    except Exception:
        log.exception("could not open the payment of order %s; the pay page will", order.number)
        db.session.rollback()


def ensure_intent(order: Order) -> Payment | None:
    """The order's card payment with its intent, made now if missing; None for a manual order.

    An order placed while the shop takes cards gets its Payment row at once (in its own
    short transaction), then the intent from the provider with no transaction open.
    Raises ProviderError when the provider cannot make the intent now.
    """
    payment = _payment_row(order)
    if payment is None or payment.intent_id is not None or order.status != PENDING:
        return payment
    payment_id, number, provider = payment.id, order.number, card_provider(payment.provider)
    amount, currency = minor_units(payment.amount, payment.currency), payment.currency
    db.session.commit()  # nothing open while the provider answers
    intent = provider.create_intent(order_number=number, amount=amount, currency=currency)
    db.session.execute(
        update(Payment)
        .where(Payment.id == payment_id, Payment.intent_id.is_(None))
        .values(intent_id=intent.id, client_secret=intent.client_secret, status=intent_status(intent))
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    db.session.refresh(payment)
    return payment


def _payment_row(order: Order) -> Payment | None:
    """The order's Payment; made (committed) for a pending order while the shop takes cards."""
    payment = order.payment
    if payment is not None or configured_name() == manual.NAME or order.status != PENDING:
        return payment
    payment = Payment(
        order_id=order.id,
        provider=configured_name(),
        amount=order.total_payable,
        currency=order.currency,
        status=REQUIRES_PAYMENT,
        failure_message="",
        refund_error="",
    )
    db.session.add(payment)
    try:
        db.session.commit()
    except IntegrityError:  # a second request opened it at the same moment
        db.session.rollback()
        payment = db.session.scalar(select(Payment).where(Payment.order_id == order.id))
    return payment


def intent_status(intent: Intent) -> str:
    """The provider's intent status in the shop's words; a declined card is `failed`."""
    if intent.status == "requires_payment_method" and intent.failure_message:
        return FAILED
    return INTENT_STATUSES.get(intent.status, REQUIRES_PAYMENT)


def payment_of(order: Order) -> Payment | None:
    """The order's card payment; None for a manual one (a new order's is known without a query)."""
    return order.payment


def is_payable(order: Order, payment: Payment | None) -> bool:
    """Can the shopper still pay this order by card?"""
    return (
        payment is not None
        and order.status == PENDING
        and payment.status in (REQUIRES_PAYMENT, FAILED)
        and payment.client_secret is not None
    )


def payment_json(order: Order, *, for_owner: bool) -> dict:
    """The order JSON's `payment` (docs/payments.md); the client secret only for the owner while
    payable (for whom an intent Stripe could not make before is made now)."""
    payment = payment_for_owner(order) if for_owner else payment_of(order)
    if payment is None:
        return {"provider": manual.NAME, "status": manual.payment_status(order.status)}
    body = {"provider": payment.provider, "status": payment.status}
    if for_owner and is_payable(order, payment):
        body["client_secret"] = payment.client_secret
        body["publishable_key"] = current_app.config["STRIPE_PUBLISHABLE_KEY"]
    return body


def payment_for_owner(order: Order) -> Payment | None:
    """The payment as the order's own shopper sees it: the intent made now if it is still owed."""
    try:
        return ensure_intent(order)
    except ProviderError as error:
        log.warning("no intent for order %s yet: %s", order.number, error.message)
        db.session.rollback()
        return payment_of(order)


def payment_instructions(order: Order) -> str | None:
    """What the confirmation page and email say about paying (None once nothing is owed)."""
    if order.status != PENDING:
        return None
    if payment_of(order) is None and configured_name() == manual.NAME:
        return current_app.config["PAYMENT_INSTRUCTIONS"]
    return _("Pay by card on your order's page.")
