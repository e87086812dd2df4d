"""Placing an order: the seed's sequence as one all-or-nothing unit of work.

`place_order` checks what was asked, runs the unit of work (retried on a deadlock,
answered from its idempotency key on a repeat), and hands the confirmation email on
after the commit. The unit of work, `_order_from_cart`, runs the seed's steps as
one fixed list of statements, however many lines the cart holds (docs/behaviour.md#stock-and-order-creation):

1. lock the shopper's (or the guest's) cart row, so two checkouts of one cart run
   one at a time (and forget the coupon remembered on it: the order uses it or not);
2. read the cart lines with their products' current price and stock (refusing an
   empty cart or a short line before anything is written);
3. read the shipping address, or save the new one to the shopper's book (a guest's
   is copied onto the order only);
4. read the coupon (with the shopper's uses of it, a guest's counted by email) and
   compute the totals;
5. insert the order, its idempotency key, lines, event and outbox message (and a
   guest's link key);
6. empty the cart;
7. lock the lines' products in product-id order, take stock for every line in one
   guarded UPDATE (stock.py), then use the coupon with one guarded UPDATE: unlike
   the seed, the contended row locks are taken last, so they are held only until
   the commit.

The statements are built once (at import, or once per cart size) and run on the
session's connection: a checkout only binds its values, and the unit of work of
the ORM stays out of the way. The new order comes back as ORM objects made from
the values written, so showing it after the commit reads nothing (bench/README.md
has the figures).
"""

import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Connection, bindparam, insert, inspect, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.models import (
    Address,
    Coupon,
    IdempotencyKey,
    Order,
    OrderEvent,
    OrderItem,
    OutboxMessage,
)
from app.models.address_fields import ADDRESS_FIELD_NAMES, SHIP_COLUMN_NAMES
from app.models.orders import OUTBOX_PENDING, PENDING
from app.models.types import utcnow
from app.services.accounts.addresses import clean_address
from app.services.errors import (
    AddressNotYours,
    CouponUnusable,
    EmptyCart,
    IdempotencyKeyInUse,
    ShopError,
)
from app.services.ordering.cart import CartLine, cart_lines, clear_cart, lock_cart
from app.services.ordering.coupons import usable_coupon
from app.services.ordering.events import order_placed
from app.services.ordering.guests import (
    INSERT_ACCESS_KEY,
    Guest,
    access_key_row,
    add_access_key,
    hold_email,
    new_access_key,
)
from app.services.ordering.idempotency import earlier_order, request_fingerprint
from app.services.ordering.pricing import PricingRules, Totals, compute_totals, line_total
from app.services.ordering.stock import refuse_short_lines, take_stock
from app.services.transactions import run_with_retries

# Crockford's base32 without I, L, O, U: easy to read aloud, no sales volume leaked.
NUMBER_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

# The checkout's statements, built once (a checkout binds only its values).
ADDRESS_COLUMNS = [Address.__table__.c[name] for name in ADDRESS_FIELD_NAMES]
SHIPPING_ADDRESS = select(*ADDRESS_COLUMNS).where(
    Address.id == bindparam("address_id"), Address.user_id == bindparam("user_id")
)
SHOPPERS_ADDRESSES = select(*ADDRESS_COLUMNS).where(Address.user_id == bindparam("user_id"))
INSERT_ADDRESS = insert(Address)
INSERT_ORDER = insert(Order).returning(Order.id)
INSERT_KEY = insert(IdempotencyKey)
INSERT_EVENT = insert(OrderEvent).returning(OrderEvent.id)
INSERT_MESSAGE = insert(OutboxMessage).returning(OutboxMessage.id)
# A cart holds a product once, so the product id tells which line got which id.
INSERT_ITEMS = insert(OrderItem).returning(OrderItem.product_id, OrderItem.id)
USE_COUPON = (
    update(Coupon)
    .where(
        Coupon.id == bindparam("coupon_id"),
        Coupon.is_active,
        (Coupon.usage_limit.is_(None)) | (Coupon.used_count < Coupon.usage_limit),
    )
    .values(used_count=Coupon.used_count + 1)
)


@dataclass(frozen=True)
class PlacedOrder:
    order: Order
    created: bool  # False when an earlier request with the same key made it
    access_key: str | None = None  # a guest's order: the key of its private link, shown once


@dataclass
class OrderRequest:
    """What the shopper asked for, checked as far as it can be without the database."""

    user_id: int | None  # None for a guest
    address_id: int | None  # one of the shopper's saved addresses, or
    new_address: dict[str, str] | None  # a new address's fields, cleaned
    coupon_code: str | None
    idempotency_key: str | None
    request_hash: str | None
    guest: Guest | None = None  # a guest's checkout: their cart, email and address
    access_key: str | None = None  # the new guest order's link key

    @property
    def cart_owner(self):
        return self.guest.visitor if self.guest else self.user_id

    @property
    def guest_email(self) -> str | None:
        return self.guest.email if self.guest else None


def new_order_number() -> str:
    return "SO-" + "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(8))


def place_order(
    user_id: int | None,
    ship_to: int | dict[str, str] | None,
    coupon_code: str | None = None,
    *,
    idempotency_key: str | None = None,
    request_hash: str | None = None,
    guest: Guest | None = None,
) -> PlacedOrder:
    """Turn the shopper's cart into an order shipped to `ship_to`, all or nothing; commits.

    `ship_to` is the id of one of the shopper's addresses, or a new address's fields, saved
    to their address book in the order's own transaction. A guest's checkout (`guest`, with
    no user and no `ship_to`) orders the visitor's cart to the guest's address, with no
    account. With an idempotency key, a repeat returns the order the key first made.
    Raises ValidationFailed (a bad new address), EmptyCart, AddressNotYours,
    CouponUnusable, InsufficientStock, IdempotencyKeyReused or IdempotencyKeyInUse,
    having changed nothing.
    """
    if guest is not None:
        request = _guest_order_request(guest, coupon_code, idempotency_key, request_hash)
    else:
        request = _order_request(user_id, ship_to, coupon_code, idempotency_key, request_hash)
    unit_of_work = partial(_placed_once, request)
    placed = run_with_retries(unit_of_work) or run_with_retries(unit_of_work)
    if placed is None:
        raise IdempotencyKeyInUse()
    if placed.created:
        _announce_placed(placed.order)
    return placed


def _announce_placed(order: Order) -> None:
    """After the commit: tell the listeners (the confirmation email, payments) the order exists.

    Sent after the commit, so no listener acts on an order that rolled back; the
    sender is the app, as with Flask's own signals.
    """
    order_placed.send(current_app._get_current_object(), order=order)


def _order_request(user_id, ship_to, coupon_code, idempotency_key, request_hash) -> OrderRequest:
    """The request with its coupon code trimmed and a new address cleaned (ValidationFailed if bad)."""
    coupon_code = (coupon_code or "").strip() or None
    if isinstance(ship_to, int):
        address_id, new_address, asked = ship_to, None, {"address_id": ship_to}
    else:
        address_id, new_address = None, clean_address(ship_to)
        asked = {"address": new_address}
    if idempotency_key is not None and request_hash is None:
        request_hash = request_fingerprint({**asked, "coupon_code": coupon_code})
    return OrderRequest(user_id, address_id, new_address, coupon_code, idempotency_key, request_hash)


def _guest_order_request(guest: Guest, coupon_code, idempotency_key, request_hash) -> OrderRequest:
    """A guest's request: their address is already checked (guests.checked_guest)."""
    coupon_code = (coupon_code or "").strip() or None
    if idempotency_key is not None and request_hash is None:
        # The same visitor, email and address: a repeat from the same browser's form.
        asked = {"visitor": guest.visitor.token_hash, "email": guest.email, "address": guest.address}
        request_hash = request_fingerprint({**asked, "coupon_code": coupon_code})
    return OrderRequest(
        None, None, guest.address, coupon_code, idempotency_key, request_hash, guest, new_access_key()
    )


def _placed_once(request: OrderRequest) -> PlacedOrder | None:
    """The new order, or the one an earlier request with the same key made; None if that one is in flight."""
    try:
        order = _order_from_cart(request)
    except IntegrityError as exc:
        db.session.rollback()
        if request.idempotency_key is not None and "idempotency_keys" in str(exc.orig):
            return _replay(request)
        raise
    except ShopError:
        # A repeat finds the cart as the original left it, emptied (it may have waited
        # on the cart lock), or filled again since: the key answers before the cart does.
        db.session.rollback()
        placed = _replay(request) if request.idempotency_key else None
        if placed is None:
            raise
        return placed
    return PlacedOrder(order, created=True, access_key=request.access_key)


def _order_from_cart(request: OrderRequest) -> Order:
    """The unit of work, step by step as the module's docstring lists them; commits."""
    now = utcnow()
    connection = db.session.connection()  # one for the whole checkout: each lookup has a cost
    cart_id = lock_cart(request.cart_owner, connection, now, for_order=True)
    if cart_id is None:
        raise EmptyCart()
    lines = _lines_to_order(connection, request.cart_owner)
    shipping_address = _shipping_address(connection, request)
    subtotal = sum(line.line_total for line in lines)
    if request.guest and request.coupon_code:
        hold_email(connection, request.guest_email)  # before counting the email's uses of the coupon
    coupon = (
        usable_coupon(request.coupon_code, subtotal, request.user_id, request.guest_email)
        if request.coupon_code
        else None
    )
    totals = compute_totals(subtotal, coupon, PricingRules.from_config())
    order = _as_written(_insert_order(connection, request, now, lines, shipping_address, coupon, totals))
    clear_cart(cart_id, connection)
    take_stock(connection, lines)
    if coupon is not None:
        _use_coupon(connection, coupon)
    db.session.commit()
    # The committed order, its lines, event and email join the session as loaded: nothing
    # in them is computed by the database but the ids the inserts returned, so reloading
    # them to show the order would only cost queries (the save-update cascade adds them all).
    db.session.add(order)
    return order


def _lines_to_order(connection: Connection, owner) -> list[CartLine]:
    """The cart's lines; EmptyCart, or InsufficientStock naming every short line, before any write."""
    lines = cart_lines(owner, connection)
    if not lines:
        raise EmptyCart()
    refuse_short_lines(lines)
    return lines


def _shipping_address(connection: Connection, request: OrderRequest) -> dict:
    """The address as copied onto the order (ship_* columns): a saved one, or the new one, saved now."""
    if request.new_address is None:
        row = connection.execute(
            SHIPPING_ADDRESS, {"address_id": request.address_id, "user_id": request.user_id}
        ).first()
        if row is None:
            raise AddressNotYours()
        return dict(zip(SHIP_COLUMN_NAMES, row, strict=True))
    if request.guest is None:  # a guest has no address book
        _save_new_address(connection, request.user_id, request.new_address)
    return {
        ship: request.new_address[name]
        for ship, name in zip(SHIP_COLUMN_NAMES, ADDRESS_FIELD_NAMES, strict=True)
    }


def _save_new_address(connection: Connection, user_id: int, fields: dict[str, str]) -> None:
    """Add the address to the shopper's book unless it is there already; their first one is the default.

    In the order's transaction, after the cart lock: a refused order saves nothing, and a
    form posted twice (which waits on that lock) finds the address the first post saved.
    """
    saved = connection.execute(SHOPPERS_ADDRESSES, {"user_id": user_id}).all()
    if tuple(fields[name] for name in ADDRESS_FIELD_NAMES) in saved:
        return
    connection.execute(INSERT_ADDRESS, {**fields, "user_id": user_id, "is_default": not saved})


@dataclass(frozen=True)
class OrderRows:
    """The rows a checkout inserted, each with its id."""

    order: dict
    items: list[dict]
    event: dict
    message: dict


def _insert_order(
    connection: Connection,
    request: OrderRequest,
    now: datetime,
    lines: list[CartLine],
    shipping_address: dict,
    coupon: Coupon | None,
    totals: Totals,
) -> OrderRows:
    """Insert the order, its idempotency key, event, outbox message and lines: one INSERT each."""
    user_id = request.user_id
    order_row = {
        "number": new_order_number(),
        "user_id": user_id,
        "email": request.guest_email,
        "status": PENDING,
        "currency": totals.currency,
        "coupon_id": coupon.id if coupon else None,
        "coupon_code": coupon.code if coupon else None,
        "subtotal": totals.subtotal,
        "discount": totals.discount,
        "shipping": totals.shipping,
        "tax": totals.tax,
        "total_payable": totals.total_payable,
        **shipping_address,
        "created_at": now,
        "updated_at": now,
    }
    order_id = connection.scalar(INSERT_ORDER, order_row)
    if request.access_key is not None:
        connection.execute(INSERT_ACCESS_KEY, access_key_row(order_id, request.access_key, now))
    if request.idempotency_key is not None:
        key_row = {"user_id": user_id, "key": request.idempotency_key, "request_hash": request.request_hash}
        connection.execute(INSERT_KEY, {**key_row, "order_id": order_id, "created_at": now})
    event = {"order_id": order_id, "actor_id": user_id, "kind": "placed", "message": "Order placed."}
    event |= {"created_at": now, "id": connection.scalar(INSERT_EVENT, {**event, "created_at": now})}
    message = {"order_id": order_id, "kind": "order_confirmation", "status": OUTBOX_PENDING, "attempts": 0}
    message |= {"last_error": "", "created_at": now}
    message["id"] = connection.scalar(INSERT_MESSAGE, message)
    # All lines in one INSERT: the statement count must not grow with the cart.
    items = [_order_item(line, order_id) for line in lines]
    item_ids = dict(connection.execute(INSERT_ITEMS, items).all())
    items = [{**item, "id": item_ids[item["product_id"]]} for item in items]
    return OrderRows({**order_row, "id": order_id}, items, event, message)


def _as_written(rows: OrderRows) -> Order:
    """The new order as ORM objects made from the rows written: showing it reads nothing.

    Made before the products are locked, so the locks are held only for the stock
    and coupon updates and the commit; they join the session after the commit, so a
    refused checkout leaves nothing behind.
    """
    order = _row_object(Order, rows.order)
    set_committed_value(order, "items", [_row_object(OrderItem, item) for item in rows.items])
    set_committed_value(order, "events", [_row_object(OrderEvent, rows.event)])
    set_committed_value(order, "outbox_messages", [_row_object(OutboxMessage, rows.message)])
    set_committed_value(order, "payment", None)  # a card payment, if any, is opened after the commit
    return order


def _row_object(model, row: dict):
    """An ORM object as the ORM makes one it loads: no constructor, the values as loaded."""
    instance = inspect(model).class_manager.new_instance()
    instance.__dict__.update(row)
    make_transient_to_detached(instance)
    return instance


def _order_item(line: CartLine, order_id: int) -> dict:
    """An order line's row: the product's name, SKU and price as they are now."""
    return {
        "order_id": order_id,
        "product_id": line.product_id,
        "sku": line.sku,
        "name": line.name,
        "unit_price": line.unit_price,
        "quantity": line.quantity,
        "line_total": line_total(line.unit_price, line.quantity),
    }


def _use_coupon(connection: Connection, coupon: Coupon) -> None:
    """Count one use, guarded so that concurrency never passes the usage limit."""
    used = connection.execute(USE_COUPON, {"coupon_id": coupon.id}).rowcount
    if used != 1:
        raise CouponUnusable("used_up", _("This coupon has been used up."))


def _replay(request: OrderRequest) -> PlacedOrder | None:
    """The order an earlier request with this key made, as placed; None if the key may be used afresh.

    A guest gets a new key to it: the first one was shown only to the first request.
    """
    order = earlier_order(request.user_id, request.idempotency_key, request.request_hash)
    if order is None:
        return None
    access_key = add_access_key(order.id) if request.guest else None
    return PlacedOrder(order, created=False, access_key=access_key)
