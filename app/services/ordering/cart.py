"""The shopper's cart: read it, add to it, change and remove lines."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from flask import current_app
from sqlalchemy import Connection, bindparam, delete, select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import MAX_QUANTITY, Cart, CartItem, Product
from app.models.types import ZERO, utcnow
from app.services.errors import NotFound, ValidationFailed
from app.services.ordering.pricing import line_total


@dataclass(frozen=True)
class CartLine:
    product_id: int
    sku: str
    name: str
    slug: str
    unit_price: Decimal
    quantity: int
    stock: int
    is_active: bool

    @property
    def line_total(self) -> Decimal:
        return line_total(self.unit_price, self.quantity)

    @property
    def short(self) -> bool:
        return not self.is_active or self.quantity > self.stock


@dataclass(frozen=True)
class CartView:
    lines: list[CartLine]
    currency: str

    @property
    def subtotal(self) -> Decimal:
        return sum((line.line_total for line in self.lines), ZERO)

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.lines)

    def __bool__(self) -> bool:
        return bool(self.lines)


# Built once: a request only binds the shopper (SQLAlchemy keeps the SQL compiled).
CART_LINES = (
    select(
        Product.id,
        Product.sku,
        Product.name,
        Product.slug,
        Product.price,
        CartItem.quantity,
        Product.stock,
        Product.is_active,
    )
    .join(CartItem, CartItem.product_id == Product.id)
    .join(Cart, Cart.id == CartItem.cart_id)
    .where(Cart.user_id == bindparam("user_id"))
    .order_by(CartItem.id)
)
CLEAR_CART = delete(CartItem).where(CartItem.cart_id == bindparam("cart_id"))
# The shopper's cart row, locked: see lock_cart.
LOCK_CART = (
    update(Cart)
    .where(Cart.user_id == bindparam("shopper_id"))
    .values(updated_at=bindparam("now"))
    .returning(Cart.id)
)


def cart_lines(user_id: int, connection: Connection | None = None) -> list[CartLine]:
    """The cart's lines with their products' current data, in the order added (one query)."""
    rows = (connection or db.session.connection()).execute(CART_LINES, {"user_id": user_id})
    return [CartLine(*row) for row in rows]


def get_cart(user_id: int) -> CartView:
    """The shopper's cart with current prices (one query)."""
    return CartView(cart_lines(user_id), current_app.config["STORE_CURRENCY"])


def check_quantity(quantity, *, allow_zero: bool = False) -> int:
    """A quantity is an integer from 1 (or 0 where that removes) to 999."""
    low = 0 if allow_zero else 1
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not (low <= quantity <= MAX_QUANTITY):
        raise ValidationFailed(
            {"quantity": [f"Quantity must be a whole number from {low} to {MAX_QUANTITY}."]}
        )
    return quantity


def add_to_cart(user_id: int, product_id: int, quantity: int) -> CartView:
    """Add `quantity` of an active product to what the cart already holds; commits."""
    check_quantity(quantity)
    cart_id = _lock_or_create_cart(user_id)
    product = db.session.get(Product, product_id)
    if product is None or not product.is_active:
        db.session.rollback()
        raise NotFound("That product is not available.")
    item = db.session.scalar(
        select(CartItem).where(CartItem.cart_id == cart_id, CartItem.product_id == product_id)
    )
    new_quantity = quantity + (item.quantity if item else 0)
    if new_quantity > MAX_QUANTITY:
        db.session.rollback()
        raise ValidationFailed(
            {"quantity": [f"A cart line holds at most {MAX_QUANTITY}; you have {new_quantity - quantity}."]}
        )
    if item is None:
        db.session.add(CartItem(cart_id=cart_id, product_id=product_id, quantity=quantity))
    else:
        item.quantity = new_quantity
    db.session.commit()
    return get_cart(user_id)


def set_quantity(user_id: int, product_id: int, quantity: int) -> CartView:
    """Set a line's quantity; 0 removes it. A line not in the cart is NotFound; commits."""
    check_quantity(quantity, allow_zero=True)
    item = _locked_cart_item(user_id, product_id)
    if quantity == 0:
        db.session.delete(item)
    else:
        item.quantity = quantity
    db.session.commit()
    return get_cart(user_id)


def remove_from_cart(user_id: int, product_id: int) -> None:
    """Remove a line; a line not in the cart is NotFound; commits."""
    db.session.delete(_locked_cart_item(user_id, product_id))
    db.session.commit()


def clear_cart(cart_id: int, connection: Connection) -> None:
    """Empty the cart, in the caller's transaction (placing an order does)."""
    connection.execute(CLEAR_CART, {"cart_id": cart_id})


def lock_cart(user_id: int, connection: Connection | None = None, now: datetime | None = None) -> int | None:
    """Lock the shopper's cart row and return its id; None if they have no cart.

    The checkout's first statement: a second checkout of the same cart waits here,
    then finds it empty. Every change to a cart's lines takes this lock first, so it
    waits for a checkout of the cart and is either ordered or left in the emptied cart
    (docs/decisions.md#the-cart-lock).
    """
    connection = connection or db.session.connection()
    return connection.scalar(LOCK_CART, {"shopper_id": user_id, "now": now or utcnow()})


def _lock_or_create_cart(user_id: int) -> int:
    """The id of the shopper's cart, locked; created on first use (safe if two requests race)."""
    cart_id = lock_cart(user_id)
    if cart_id is not None:
        return cart_id
    try:
        with db.session.begin_nested():
            cart = Cart(user_id=user_id)
            db.session.add(cart)
        return cart.id  # the new row stays locked by this transaction until it commits
    except IntegrityError:
        # Another request created it and committed (the unique key waited for that): lock it.
        return lock_cart(user_id)


def _locked_cart_item(user_id: int, product_id: int) -> CartItem:
    """The cart's line for the product, with the cart locked; NotFound (lock released) if none."""
    cart_id = lock_cart(user_id)
    item = None
    if cart_id is not None:
        item = db.session.scalar(
            select(CartItem).where(CartItem.cart_id == cart_id, CartItem.product_id == product_id)
        )
    if item is None:
        db.session.rollback()
        raise NotFound("That product is not in your cart.")
    return item
