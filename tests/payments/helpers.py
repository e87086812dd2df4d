"""Reading back what a payment did: the order, its payment, emails, stock and coupon use."""

from datetime import timedelta

from sqlalchemy import func, select, update

from app.extensions import db
from app.models import Coupon, Order, OrderEvent, OutboxMessage, Payment, Product, WebhookEvent
from app.models.types import utcnow
from app.services.payments.providers import minor_units
from tests.localstripe import signed_event


def fresh(order: Order) -> Order:
    db.session.expire_all()
    return db.session.get(Order, order.id)


def payment_of(order: Order) -> Payment:
    db.session.expire_all()
    return db.session.scalar(select(Payment).where(Payment.order_id == order.id))


def payment_emails(order: Order) -> list[OutboxMessage]:
    db.session.expire_all()
    return db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.order_id == order.id, OutboxMessage.kind == "payment_received"
        )
    ).all()


def events_of(order: Order, kind: str | None = None) -> list[str]:
    db.session.expire_all()
    statement = select(OrderEvent.message).where(OrderEvent.order_id == order.id).order_by(OrderEvent.id)
    if kind:
        statement = statement.where(OrderEvent.kind == kind)
    return list(db.session.scalars(statement))


def webhook_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(WebhookEvent))


def stock(product: Product) -> int:
    value = db.session.scalar(select(Product.stock).where(Product.id == product.id))
    db.session.rollback()
    return value


def used(coupon: Coupon) -> int:
    value = db.session.scalar(select(Coupon.used_count).where(Coupon.id == coupon.id))
    db.session.rollback()
    return value


def age(order: Order, minutes: float) -> None:
    """Make the order look placed `minutes` ago."""
    db.session.execute(
        update(Order).where(Order.id == order.id).values(created_at=utcnow() - timedelta(minutes=minutes))
    )
    db.session.commit()


def succeeded_event(localstripe, order: Order, **changes):
    """The intent as localstripe has it, in a signed payment_intent.succeeded event (built here)."""
    intent = localstripe.intent(payment_of(order).intent_id) | changes
    return signed_event(intent, "payment_intent.succeeded")


def expected_amount(order: Order) -> int:
    return minor_units(order.total_payable, order.currency)


def post_event(client, body: bytes, signature: str | None):
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["Stripe-Signature"] = signature
    return client.post("/payments/stripe/webhook", data=body, headers=headers)
