"""A cart: one line per product; a shopper's, or a visitor's known by a cookie token."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.catalog import Product
from app.models.types import UTCDateTime, utcnow

MAX_QUANTITY = 999


class Cart(db.Model):
    __tablename__ = "carts"
    __table_args__ = (CheckConstraint("(user_id IS NULL) <> (visitor_token_hash IS NULL)", name="one_owner"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    # A visitor's cart: the SHA-256 of the random token in their cart cookie (SPEC section 10).
    visitor_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Every change to the lines touches it (the cart lock); visitor carts idle 30 days go.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, index=True)
    # The coupon applied at checkout, remembered until removed or an order is placed
    # (docs/behaviour.md#coupons); its rules are checked again each time it is shown.
    coupon_code: Mapped[str | None] = mapped_column(String(40))

    items: Mapped[list["CartItem"]] = relationship(
        back_populates="cart", order_by="CartItem.id", cascade="all, delete-orphan"
    )


class CartItem(db.Model):
    __tablename__ = "cart_items"
    __table_args__ = (
        UniqueConstraint("cart_id", "product_id"),
        CheckConstraint(f"quantity BETWEEN 1 AND {MAX_QUANTITY}", name="quantity_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cart_id: Mapped[int] = mapped_column(ForeignKey("carts.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    quantity: Mapped[int]

    cart: Mapped[Cart] = relationship(back_populates="items")
    product: Mapped[Product] = relationship()
