"""Placing an order: the seed's sequence as one all-or-nothing unit of work.

Every checkout runs the same fixed list of statements, however many lines the
cart holds (SPEC section 3):

1. lock the shopper's cart row, so two checkouts of one cart run one at a time;
2. read the cart lines with their products' current price and stock;
3. read the address and the coupon (with the shopper's uses of it);
4. insert the order, its idempotency key, lines, event and outbox message;
5. empty the cart;
6. lock the lines' products in product-id order, take stock for every line in
   one guarded UPDATE (stock.py), then use the coupon with one guarded UPDATE: the
   contended row locks are taken last, so they are held only until the commit.

The statements are built once (at import, or once per cart size) and run on the
session's connection: a checkout only binds its values, and the unit of work of
the ORM stays out of the way. The new order comes back as ORM objects made from
the values written, so showing it after the commit reads nothing (bench/README.md
has the figures).
"""

import secrets
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, func, insert, inspect, select, update
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
    User,
)
from app.models.orders import CANCELLED, OUTBOX_PENDING, PENDING
from app.models.types import utcnow
from app.services.errors import (
    AddressNotYours,
    CouponUnusable,
    EmptyCart,
    IdempotencyKeyInUse,
    ShopError,
)
from app.services.notifications import outbox
from app.services.ordering.cart import CartLine, cart_lines, clear_cart, lock_cart
from app.services.ordering.coupons import check_coupon
from app.services.ordering.guests import (
    INSERT_ACCESS_KEY,
    Guest,
    access_key_row,
    add_access_key,
    hold_email,
    new_access_key,
)
from app.services.ordering.idempotency import earlier_order, request_fingerprint
from app.services.ordering.pricing import PricingRules, compute_totals, line_total
from app.services.ordering.stock import refuse_short_lines, take_stock
from app.services.transactions import run_with_retries

# Crockford's base32 without I, L, O, U: easy to read aloud, no sales volume leaked.
NUMBER_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

# The checkout's statements, built once (a checkout binds only its values).
SHIPPING_ADDRESS = select(
    Address.full_name,
    Address.line1,
    Address.line2,
    Address.city,
    Address.postal_code,
    Address.country,
    Address.phone,
).where(Address.id == bindparam("address_id"), Address.user_id == bindparam("user_id"))
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


def new_order_number() -> str:
    return "SO-" + "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(8))


def place_order(
    user_id: int | None,
    address_id: int | None,
    coupon_code: str | None = None,
    *,
    idempotency_key: str | None = None,
    request_hash: str | None = None,
    guest: Guest | None = None,
) -> PlacedOrder:
    """Turn the shopper's cart, or a guest's (`guest`, with no user or address id), into an
    order, all or nothing; commits.

    With an idempotency key, a repeat returns the order the key first made.
    Raises EmptyCart, AddressNotYours, CouponUnusable, InsufficientStock or
    IdempotencyKeyReused, having changed nothing.
    """
    coupon_code = (coupon_code or "").strip() or None
    if idempotency_key is not None and request_hash is None:
        request_hash = request_fingerprint(
            {"address_id": address_id, "coupon_code": coupon_code, **_guest_fingerprint(guest)}
        )
    access_key = new_access_key() if guest else None

    def unit_of_work() -> PlacedOrder | None:
        try:
            order = _create_order(
                user_id, address_id, coupon_code, idempotency_key, request_hash, guest, access_key
            )
        except IntegrityError as exc:
            db.session.rollback()
            if idempotency_key is not None and "idempotency_keys" in str(exc.orig):
                return _replay(user_id, idempotency_key, request_hash, guest)
            raise
        except ShopError:
            # A repeat finds the cart as the original left it, emptied (it may have waited
            # on the cart lock), or filled again since: the key answers before the cart does.
            db.session.rollback()
            placed = _replay(user_id, idempotency_key, request_hash, guest) if idempotency_key else None
            if placed is None:
                raise
            return placed
        return PlacedOrder(order, created=True, access_key=access_key)

    placed = run_with_retries(unit_of_work) or run_with_retries(unit_of_work)
    if placed is None:
        raise IdempotencyKeyInUse()
    if placed.created:
        _queue_confirmation(placed.order)
    return placed


def _queue_confirmation(order: Order) -> None:
    """After the commit: hand the order's email to the broker, holding no connection meanwhile.

    With no broker the delivery runs right here, in its own session on a second pooled
    connection. The messages were made from the rows written (_as_written), so
    reading them starts no transaction here: were this session in one, concurrent
    checkouts could each hold one connection while waiting for another until the pool
    times out (and, on PostgreSQL, sit idle in a transaction during the send).
    """
    outbox.dispatch_pending(order.outbox_messages)


def _create_order(
    user_id, address_id, coupon_code, idempotency_key, request_hash, guest=None, access_key=None
) -> Order:
    rules = PricingRules.from_config()
    now = utcnow()
    connection = db.session.connection()  # one for the whole checkout: each lookup has a cost
    owner = guest.visitor if guest else user_id
    cart_id = _lock_cart(connection, owner, now)
    lines = cart_lines(owner, connection)
    if not lines:
        raise EmptyCart()
    refuse_short_lines(lines)
    if guest:
        shipping_address = guest.shipping_columns()
    else:
        shipping_address = _shipping_address(connection, user_id, address_id)
    subtotal = sum(line.line_total for line in lines)
    if guest and coupon_code:
        hold_email(connection, guest.email)  # before counting the email's uses of the coupon
    guest_email = guest.email if guest else None
    coupon = _usable_coupon(coupon_code, subtotal, user_id, guest_email) if coupon_code else None
    totals = compute_totals(subtotal, coupon, rules)

    order_row = {
        "number": new_order_number(),
        "user_id": user_id if guest is None else None,
        "email": guest_email,
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
    order = _as_written(_insert_order(connection, order_row, lines, idempotency_key, request_hash))
    if access_key is not None:
        connection.execute(INSERT_ACCESS_KEY, access_key_row(order.id, access_key, now))
    clear_cart(cart_id, connection)

    take_stock(connection, lines)
    if coupon is not None:
        _use_coupon(connection, coupon)
    db.session.commit()
    _keep_loaded(order)
    return order


@dataclass(frozen=True)
class OrderRows:
    """The rows a checkout inserted, each with its id."""

    order: dict
    items: list[dict]
    event: dict
    message: dict


def _insert_order(
    connection: Connection, order_row: dict, lines: list[CartLine], idempotency_key, request_hash
) -> OrderRows:
    """Insert the order, its idempotency key, event, outbox message and lines: one INSERT each."""
    order_id = connection.scalar(INSERT_ORDER, order_row)
    user_id, now = order_row["user_id"], order_row["created_at"]
    if idempotency_key is not None:
        key_row = {"user_id": user_id, "key": idempotency_key, "request_hash": request_hash}
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
    and coupon updates and the commit; they join the session after the commit
    (_keep_loaded), so a refused checkout leaves nothing behind.
    """
    order = _row_object(Order, rows.order)
    set_committed_value(order, "items", [_row_object(OrderItem, item) for item in rows.items])
    set_committed_value(order, "events", [_row_object(OrderEvent, rows.event)])
    set_committed_value(order, "outbox_messages", [_row_object(OutboxMessage, rows.message)])
    return order


def _row_object(model, row: dict):
    """An ORM object as the ORM makes one it loads: no constructor, the values as loaded."""
    instance = inspect(model).class_manager.new_instance()
    instance.__dict__.update(row)
    make_transient_to_detached(instance)
    return instance


def _keep_loaded(order: Order) -> None:
    """Attach the committed order, its lines, event and email to the session, as loaded.

    Nothing in them is computed by the database but the ids the inserts returned,
    so reloading them to show the order would only cost queries.
    """
    db.session.add(order)  # its lines, event and email follow (save-update cascade)


def _lock_cart(connection: Connection, owner, now) -> int:
    """Lock the cart row; a second checkout of the same cart waits here, then sees it empty."""
    cart_id = lock_cart(connection, owner, now)
    if cart_id is None:
        raise EmptyCart()
    return cart_id


def _shipping_address(connection: Connection, user_id: int, address_id: int) -> dict:
    """The shopper's address as copied onto the order (ship_* columns); AddressNotYours otherwise."""
    row = connection.execute(SHIPPING_ADDRESS, {"address_id": address_id, "user_id": user_id})
    address = row.mappings().first()
    if address is None:
        raise AddressNotYours()
    return {f"ship_{field}": value or "" for field, value in address.items()}


def _usable_coupon(code: str, subtotal, user_id: int | None, guest_email: str | None = None) -> Coupon:
    """The coupon and the shopper's live uses of it, read in one statement.

    A guest's uses are counted by email: the guest orders with it and the orders of the
    account that has it, if any.
    """
    if guest_email is None:
        whose = Order.user_id == user_id
    else:
        account = select(User.id).where(func.lower(User.email) == guest_email).scalar_subquery()
        whose = (Order.email == guest_email) | (Order.user_id == account)
    user_uses = (
        select(func.count(Order.id))
        .where(whose, Order.coupon_id == Coupon.id, Order.status != CANCELLED)
        .scalar_subquery()
    )
    row = db.session.execute(
        select(Coupon, user_uses).where(func.upper(Coupon.code) == Coupon.normalize_code(code))
    ).first()
    coupon, uses = row if row else (None, 0)
    return check_coupon(coupon, subtotal, uses)


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
        raise CouponUnusable("used_up", "This coupon has been used up.")


def _replay(user_id: int | None, key: str, request_hash: str | None, guest: Guest | None = None):
    """The order an earlier request with this key made, as placed; None if the key may be used afresh.

    A guest gets a new key to it: the first one was shown only to the first request.
    """
    order = earlier_order(None if guest else user_id, key, request_hash)
    if order is None:
        return None
    return PlacedOrder(order, created=False, access_key=add_access_key(order.id) if guest else None)


def _guest_fingerprint(guest: Guest | None) -> dict:
    """What makes a guest's repeat the same request: the same visitor, email and address."""
    if guest is None:
        return {}
    return {"visitor": guest.visitor.token_hash, "email": guest.email, "address": guest.address}
