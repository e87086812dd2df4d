"""Orders, their lines and events, idempotency keys and the email outbox."""

from datetime import datetime
from decimal import Decimal
from operator import attrgetter

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.accounts import User
from app.models.address_fields import ADDRESS_FIELD_NAMES, SHIP_COLUMN_NAMES, address_columns
from app.models.types import Money, UTCDateTime, utcnow

PENDING, PAID, SHIPPED, DELIVERED, CANCELLED = "pending", "paid", "shipped", "delivered", "cancelled"
STATUSES = (PENDING, PAID, SHIPPED, DELIVERED, CANCELLED)

# docs/behaviour.md#order-statuses: every allowed move; anything else is refused.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    PENDING: (PAID, CANCELLED),
    PAID: (SHIPPED, CANCELLED),
    SHIPPED: (DELIVERED,),
    DELIVERED: (),
    CANCELLED: (),
}

# Reads the ship_* columns in ADDRESS_FIELDS' order.
_ship_values = attrgetter(*SHIP_COLUMN_NAMES)


class Order(address_columns("ship_"), db.Model):
    """An order, with its shipping address copied in (ship_* columns, one per address field)."""

    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'paid', 'shipped', 'delivered', 'cancelled')", name="status_known"
        ),
        Index("ix_orders_user_id_created_at", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(16), unique=True)
    # None for a guest's order, which carries the guest's email (lower-cased) instead.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    status: Mapped[str] = mapped_column(String(12), default=PENDING, index=True)
    currency: Mapped[str] = mapped_column(String(3))

    coupon_id: Mapped[int | None] = mapped_column(ForeignKey("coupons.id"), index=True)
    coupon_code: Mapped[str | None] = mapped_column(String(40))

    subtotal: Mapped[Decimal] = mapped_column(Money)
    discount: Mapped[Decimal] = mapped_column(Money)
    shipping: Mapped[Decimal] = mapped_column(Money)
    tax: Mapped[Decimal] = mapped_column(Money)
    total_payable: Mapped[Decimal] = mapped_column(Money)

    # Set when the order is marked shipped (app/services/ordering/carriers.py knows the carriers).
    carrier: Mapped[str | None] = mapped_column(String(40))
    tracking_number: Mapped[str | None] = mapped_column(String(64))

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    user: Mapped[User | None] = relationship()
    items: Mapped[list["OrderItem"]] = relationship(
        back_populates="order", order_by="OrderItem.id", cascade="all, delete-orphan"
    )
    events: Mapped[list["OrderEvent"]] = relationship(
        back_populates="order", order_by="OrderEvent.id", cascade="all, delete-orphan"
    )
    outbox_messages: Mapped[list["OutboxMessage"]] = relationship(
        back_populates="order", order_by="OutboxMessage.id"
    )
    # None for an order paid as `manual` (app/models/payments.py).
    payment: Mapped["Payment | None"] = relationship(back_populates="order")  # noqa: F821

    @property
    def shipping_address(self) -> dict[str, str]:
        return dict(zip(ADDRESS_FIELD_NAMES, _ship_values(self), strict=True))

    @property
    def is_guest_order(self) -> bool:
        return self.user_id is None

    @property
    def contact_email(self) -> str:
        """Where the order's emails go: the guest's email, or the shopper's account email."""
        return self.email if self.user_id is None else self.user.email

    @property
    def item_count(self) -> int:
        return sum(item.quantity for item in self.items)

    def can_become(self, status: str) -> bool:
        return status in TRANSITIONS[self.status]

    def __repr__(self) -> str:
        return f"<Order {self.number} {self.status}>"


class OrderItem(db.Model):
    """One line of an order, with the product as it was when the order was placed."""

    __tablename__ = "order_items"
    __table_args__ = (CheckConstraint("quantity >= 1", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id", ondelete="SET NULL"))
    sku: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    unit_price: Mapped[Decimal] = mapped_column(Money)
    quantity: Mapped[int]
    line_total: Mapped[Decimal] = mapped_column(Money)

    order: Mapped[Order] = relationship(back_populates="items")


class OrderEvent(db.Model):
    """Who did what to an order, and when."""

    __tablename__ = "order_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    order: Mapped[Order] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class OrderAccessKey(db.Model):
    """A key to a guest's order (SPEC section 10): the link's random key, stored only as a SHA-256.

    An order may have several: the checkout's redirect, each confirmation and each
    link found at /orders/find carry their own, so no key is ever kept in plain text.
    """

    __tablename__ = "order_access_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IdempotencyKey(db.Model):
    """At most one order per (user, key): the unique constraints decide races.

    A guest's keys (no user) are unique among guests' keys: NULLs never clash in the
    (user_id, key) constraint, so a partial index does that job.
    """

    __tablename__ = "idempotency_keys"
    __table_args__ = (
        UniqueConstraint("user_id", "key"),
        Index(
            "uq_idempotency_keys_guest_key",
            "key",
            unique=True,
            sqlite_where=text("user_id IS NULL"),
            postgresql_where=text("user_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    order: Mapped[Order] = relationship()


OUTBOX_PENDING, OUTBOX_SENDING, OUTBOX_SENT, OUTBOX_FAILED = "pending", "sending", "sent", "failed"

# What an outbox message sends (app/services/notifications/emails.py builds each).
ORDER_CONFIRMATION = "order_confirmation"  # order_id
ORDER_LINK = "order_link"  # recipient, payload {"number"}: asked for at /orders/find
VERIFY_EMAIL = "verify_email"  # user_id
PASSWORD_RESET = "password_reset"  # recipient: asked for at /auth/forgot, maybe nobody's
ORDER_CANCELLED = "order_cancelled"  # order_id, payload {"reason"}: who cancelled (lifecycle.py)
ORDER_SHIPPED = "order_shipped"  # order_id
ORDER_DELIVERED = "order_delivered"  # order_id


class OutboxMessage(db.Model):
    """An email owed, written in the transaction that makes it due.

    The relay hands pending rows to the broker; the task marks them sent. So an
    email is neither lost when the broker is down nor sent for a rolled-back order.
    No secret is stored here: the links with a token or key are made when the email is.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed')", name="status_known"),
        Index("ix_outbox_messages_status_created_at", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    recipient: Mapped[str | None] = mapped_column(String(254))
    payload: Mapped[dict | None] = mapped_column(JSON)
    kind: Mapped[str] = mapped_column(String(40), default=ORDER_CONFIRMATION)
    status: Mapped[str] = mapped_column(String(10), default=OUTBOX_PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    order: Mapped[Order | None] = relationship(back_populates="outbox_messages")
    user: Mapped[User | None] = relationship()
