"""Payments taken through a provider (docs/payments.md), and the webhook events acted on."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.orders import Order
from app.models.types import Money, UTCDateTime, utcnow

# A payment's status as the order JSON shows it (docs/payments.md).
REQUIRES_PAYMENT, PROCESSING, SUCCEEDED, FAILED = "requires_payment", "processing", "succeeded", "failed"
REFUNDED, CANCELED = "refunded", "canceled"
PAYMENT_STATUSES = (REQUIRES_PAYMENT, PROCESSING, SUCCEEDED, FAILED, REFUNDED, CANCELED)

# The shop's own record of a refund, since a refund must never be asked for twice:
# owed (a payment landed on a cancelled order), requested (one process is asking the
# provider now), refunded, or failed (the provider refused; retried, and an admin told).
REFUND_OWED, REFUND_REQUESTED, REFUND_DONE, REFUND_FAILED = "owed", "requested", "refunded", "failed"


class Payment(db.Model):
    """One order's payment through a provider other than manual: its intent and refund."""

    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint(
            "status IN ('requires_payment', 'processing', 'succeeded', 'failed', 'refunded', 'canceled')",
            name="status_known",
        ),
        CheckConstraint(
            "refund_status IS NULL OR refund_status IN ('owed', 'requested', 'refunded', 'failed')",
            name="refund_status_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), unique=True)
    provider: Mapped[str] = mapped_column(String(20))
    intent_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    client_secret: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(20), default=REQUIRES_PAYMENT)
    amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    failure_message: Mapped[str] = mapped_column(Text, default="")
    refund_status: Mapped[str | None] = mapped_column(String(10))
    refund_id: Mapped[str | None] = mapped_column(String(255))
    refunded_amount: Mapped[Decimal | None] = mapped_column(Money)
    refund_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    order: Mapped[Order] = relationship(back_populates="payment")

    def __repr__(self) -> str:
        return f"<Payment {self.provider} {self.intent_id} {self.status}>"


class WebhookEvent(db.Model):
    """A provider's event id acted on: inserted in the transaction of its effect, so once only."""

    __tablename__ = "payment_webhook_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(20))
    event_id: Mapped[str] = mapped_column(String(255), unique=True)
    event_type: Mapped[str] = mapped_column(String(80))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
