"""A cart: read it, add to it, change and remove lines; a visitor's merged at login
(its remembered coupon too: cart_coupon.py).

A cart belongs to a shopper (their user id) or to a visitor without an account,
known by the random token of their cart cookie (SPEC section 10).
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Connection, bindparam, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import MAX_QUANTITY, Cart, CartItem, Product
from app.models.types import ZERO, utcnow
from app.services.errors import NotFound, ValidationFailed
from app.services.ordering.pricing import line_total
from app.services.transactions import run_with_retries

# A visitor's cart unused this long is deleted (the periodic task), as its cookie expires.
VISITOR_CART_LIFETIME = timedelta(days=30)


@dataclass(frozen=True)
class Visitor:
    """A visitor without an account, known by the random token of their cart cookie."""

    token: str

    @property
    def token_hash(self) -> str:
        # Only the hash is stored: a copy of the table opens nobody's cart.
        return hashlib.sha256(self.token.encode("utf-8", "surrogatepass")).hexdigest()


# Whose cart: a shopper's user id, or a visitor.
CartOwner = int | Visitor


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
VISITOR_CART_LINES = (
    select(*CART_LINES.selected_columns)
    .join(CartItem, CartItem.product_id == Product.id)
    .join(Cart, Cart.id == CartItem.cart_id)
    .where(Cart.visitor_token_hash == bindparam("token_hash"))
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
LOCK_VISITOR_CART = (
    update(Cart)
    .where(Cart.visitor_token_hash == bindparam("token_hash"))
    .values(updated_at=bindparam("now"))
    .returning(Cart.id)
)
# The same locks taken by placing an order, which also forgets the remembered coupon: the
# order uses it or not, and the cart starts afresh (rolled back with a refused order).
LOCK_CART_FOR_ORDER = LOCK_CART.values(coupon_code=None)
LOCK_VISITOR_CART_FOR_ORDER = LOCK_VISITOR_CART.values(coupon_code=None)


def cart_lines(owner: CartOwner, connection: Connection | None = None) -> list[CartLine]:
    """The cart's lines with their products' current data, in the order added (one query)."""
    connection = connection or db.session.connection()
    if isinstance(owner, Visitor):
        rows = connection.execute(VISITOR_CART_LINES, {"token_hash": owner.token_hash})
    else:
        rows = connection.execute(CART_LINES, {"user_id": owner})
    return [CartLine(*row) for row in rows]


def get_cart(owner: CartOwner) -> CartView:
    """The shopper's or visitor's cart with current prices (one query)."""
    return CartView(cart_lines(owner), current_app.config["STORE_CURRENCY"])


def item_count(owner: CartOwner) -> int:
    """How many items the cart holds, for the page header (one query)."""
    statement = select(func.coalesce(func.sum(CartItem.quantity), 0)).join(Cart, Cart.id == CartItem.cart_id)
    if isinstance(owner, Visitor):
        statement = statement.where(Cart.visitor_token_hash == owner.token_hash)
    else:
        statement = statement.where(Cart.user_id == owner)
    return db.session.scalar(statement)


def check_quantity(quantity, *, allow_zero: bool = False) -> int:
    """A quantity is an integer from 1 (or 0 where that removes) to 999."""
    low = 0 if allow_zero else 1
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not (low <= quantity <= MAX_QUANTITY):
        raise ValidationFailed(
            {
                "quantity": [
                    _("Quantity must be a whole number from %(low)s to %(high)s.", low=low, high=MAX_QUANTITY)
                ]
            }
        )
    return quantity


def add_to_cart(owner: CartOwner, product_id: int, quantity: int) -> CartView:
    """Add `quantity` of an active product to what the cart already holds; commits."""
    check_quantity(quantity)
    cart_id = _lock_or_create_cart(owner)
    product = db.session.get(Product, product_id)
    if product is None or not product.is_active:
        db.session.rollback()
        raise NotFound(_("That product is not available."))
    item = db.session.scalar(
        select(CartItem).where(CartItem.cart_id == cart_id, CartItem.product_id == product_id)
    )
    new_quantity = quantity + (item.quantity if item else 0)
    if new_quantity > MAX_QUANTITY:
        db.session.rollback()
        raise ValidationFailed(
            {
                "quantity": [
                    _(
                        "A cart line holds at most %(most)s; you have %(held)s.",
                        most=MAX_QUANTITY,
                        held=new_quantity - quantity,
                    )
                ]
            }
        )
    if item is None:
        db.session.add(CartItem(cart_id=cart_id, product_id=product_id, quantity=quantity))
    else:
        item.quantity = new_quantity
    db.session.commit()
    return get_cart(owner)


def set_quantity(owner: CartOwner, product_id: int, quantity: int) -> CartView:
    """Set a line's quantity; 0 removes it. A line not in the cart is NotFound; commits."""
    check_quantity(quantity, allow_zero=True)
    item = _locked_cart_item(owner, product_id)
    if quantity == 0:
        db.session.delete(item)
    else:
        item.quantity = quantity
    db.session.commit()
    return get_cart(owner)


def remove_from_cart(owner: CartOwner, product_id: int) -> None:
    """Remove a line; a line not in the cart is NotFound; commits."""
    db.session.delete(_locked_cart_item(owner, product_id))
    db.session.commit()


def merge_visitor_cart(user_id: int, visitor: Visitor) -> None:
    """At login or registration: add the visitor's lines to the shopper's cart (quantities
    add, at most 999 a line), and the visitor's coupon if one is applied, and delete the
    visitor's cart, in one transaction; commits.

    The shopper's cart is locked first, as a checkout locks it, so a merge waits for a
    checkout of that cart and lands wholly before or after it: no line is lost or
    ordered twice. Then the visitor's cart (a guest checkout of it waits, or is waited for).
    """

    def unit_of_work() -> None:
        cart_id = _lock_or_create_cart(user_id)
        connection = db.session.connection()
        visitor_cart_id = connection.scalar(
            LOCK_VISITOR_CART, {"token_hash": visitor.token_hash, "now": utcnow()}
        )
        if visitor_cart_id is None:
            db.session.rollback()
            return
        moving = dict(
            connection.execute(
                select(CartItem.product_id, CartItem.quantity).where(CartItem.cart_id == visitor_cart_id)
            ).all()
        )
        held = dict(
            connection.execute(
                select(CartItem.product_id, CartItem.quantity).where(CartItem.cart_id == cart_id)
            ).all()
        )
        for product_id, quantity in moving.items():
            if product_id in held:
                connection.execute(
                    update(CartItem)
                    .where(CartItem.cart_id == cart_id, CartItem.product_id == product_id)
                    .values(quantity=min(MAX_QUANTITY, held[product_id] + quantity))
                )
        new_lines = [
            {"cart_id": cart_id, "product_id": product_id, "quantity": quantity}
            for product_id, quantity in moving.items()
            if product_id not in held
        ]
        if new_lines:
            connection.execute(insert(CartItem), new_lines)
        # The lines explicitly: SQLite enforces no foreign key, so no cascade either.
        # The coupon the visitor applied comes along, the last one chosen.
        coupon_code = connection.scalar(select(Cart.coupon_code).where(Cart.id == visitor_cart_id))
        if coupon_code is not None:
            connection.execute(update(Cart).where(Cart.id == cart_id).values(coupon_code=coupon_code))
        connection.execute(CLEAR_CART, {"cart_id": visitor_cart_id})
        connection.execute(delete(Cart).where(Cart.id == visitor_cart_id))
        db.session.commit()

    run_with_retries(unit_of_work)


def delete_idle_visitor_carts(now=None) -> int:
    """Delete the visitors' carts unchanged for 30 days, with their lines; commits; how many."""
    idle = select(Cart.id).where(
        Cart.user_id.is_(None), Cart.updated_at < (now or utcnow()) - VISITOR_CART_LIFETIME
    )
    cart_ids = db.session.scalars(idle).all()
    if cart_ids:
        db.session.execute(delete(CartItem).where(CartItem.cart_id.in_(cart_ids)))
        db.session.execute(delete(Cart).where(Cart.id.in_(cart_ids)))
    db.session.commit()
    return len(cart_ids)


def clear_cart(cart_id: int, connection: Connection) -> None:
    """Empty the cart, in the caller's transaction (placing an order does)."""
    connection.execute(CLEAR_CART, {"cart_id": cart_id})


def lock_cart(
    owner: CartOwner,
    connection: Connection | None = None,
    now: datetime | None = None,
    *,
    for_order: bool = False,
) -> int | None:
    """Lock the cart row (a shopper's, or a visitor's) and return its id; None if there is no cart.
    `for_order`: placing an order, which forgets the cart's remembered coupon too.

    The checkout's first statement: a second checkout of the same cart waits here,
    then finds it empty. Every change to a cart's lines takes this lock first, so it
    waits for a checkout of the cart and is either ordered or left in the emptied cart
    (docs/decisions.md#the-cart-lock).
    """
    connection = connection or db.session.connection()
    if isinstance(owner, Visitor):
        statement = LOCK_VISITOR_CART_FOR_ORDER if for_order else LOCK_VISITOR_CART
        return connection.scalar(statement, {"token_hash": owner.token_hash, "now": now or utcnow()})
    statement = LOCK_CART_FOR_ORDER if for_order else LOCK_CART
    return connection.scalar(statement, {"shopper_id": owner, "now": now or utcnow()})


def _lock_or_create_cart(owner: CartOwner) -> int:
    """The id of the cart, locked; created on first use (safe if two requests race)."""
    cart_id = lock_cart(owner)
    if cart_id is not None:
        return cart_id
    try:
        with db.session.begin_nested():
            if isinstance(owner, Visitor):
                cart = Cart(visitor_token_hash=owner.token_hash)
            else:
                cart = Cart(user_id=owner)
            db.session.add(cart)
        return cart.id  # the new row stays locked by this transaction until it commits
    except IntegrityError:
        # Another request created it and committed (the unique key waited for that): lock it.
        return lock_cart(owner)


def _locked_cart_item(owner: CartOwner, product_id: int) -> CartItem:
    """The cart's line for the product, with the cart locked; NotFound (lock released) if none."""
    cart_id = lock_cart(owner)
    item = None
    if cart_id is not None:
        item = db.session.scalar(
            select(CartItem).where(CartItem.cart_id == cart_id, CartItem.product_id == product_id)
        )
    if item is None:
        db.session.rollback()
        raise NotFound(_("That product is not in your cart."))
    return item
