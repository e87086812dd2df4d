"""Stock: refused or taken when an order is placed, given back when one is cancelled.

Taking and giving back both lock the products' rows in product-id order first, in a
statement of their own, so checkouts and cancels of the same products queue instead of
deadlocking; the lock is FOR NO KEY UPDATE so that new order lines' key-share locks on
their products do not conflict with it (docs/decisions.md#locking-products-before-taking-stock).
"""

from functools import lru_cache

from sqlalchemy import Connection, Integer, bindparam, case, func, select, update

from app.extensions import db
from app.models import OrderItem, Product
from app.services.errors import InsufficientStock, ShortLine
from app.services.ordering.cart import CartLine


def refuse_short_lines(lines: list[CartLine]) -> None:
    """InsufficientStock listing every line the cart's own read shows short, before anything is written."""
    short = [_short_line(line, line.stock if line.is_active else 0) for line in lines if line.short]
    if short:
        raise InsufficientStock(short)


def take_stock(connection: Connection, lines: list[CartLine]) -> None:
    """Decrement every line's stock in one guarded UPDATE, or raise InsufficientStock.

    The guard re-checks `stock >= wanted` on the locked rows: stock never goes below zero.
    """
    wanted = {f"product_{i}": line.product_id for i, line in enumerate(lines)}
    connection.execute(_lock_products_statement(len(lines)), wanted)
    wanted |= {f"quantity_{i}": line.quantity for i, line in enumerate(lines)}
    taken = set(connection.scalars(_take_stock_statement(len(lines)), wanted))
    if len(taken) < len(lines):
        _raise_shortage([line for line in lines if line.product_id not in taken])


def return_stock(order_id: int) -> None:
    """Give every line's quantity back in one statement, rows locked in product-id order first."""
    product_ids = select(OrderItem.product_id).where(OrderItem.order_id == order_id)
    db.session.execute(
        select(Product.id)
        .where(Product.id.in_(product_ids))
        .order_by(Product.id)
        .with_for_update(key_share=True)
    )
    returned = (
        select(OrderItem.product_id, func.sum(OrderItem.quantity).label("quantity"))
        .where(OrderItem.order_id == order_id, OrderItem.product_id.is_not(None))
        .group_by(OrderItem.product_id)
        .cte("returned")
    )
    db.session.execute(
        update(Product)
        .where(Product.id == returned.c.product_id)
        .values(stock=Product.stock + returned.c.quantity)
        .execution_options(synchronize_session=False)
    )


@lru_cache(maxsize=64)
def _lock_products_statement(line_count: int):
    """Lock a cart's `line_count` products in id order, built once per cart size.

    Its own bound values, not an expanding IN list: that one is rendered anew at
    every execution.
    """
    ids = _product_ids(line_count)
    return select(Product.id).where(Product.id.in_(ids)).order_by(Product.id).with_for_update(key_share=True)


@lru_cache(maxsize=64)
def _take_stock_statement(line_count: int):
    """The guarded UPDATE for a cart of `line_count` lines, built once per cart size."""
    ids = _product_ids(line_count)
    wanted = case(
        *((Product.id == ids[i], bindparam(f"quantity_{i}", type_=Integer)) for i in range(line_count))
    )
    return (
        update(Product)
        .where(Product.id.in_(ids), Product.is_active, Product.stock >= wanted)
        .values(stock=Product.stock - wanted)
        .returning(Product.id)
    )


def _product_ids(line_count: int) -> list:
    """The bound values product_0, product_1, ... that both statements take the lines' products by."""
    return [bindparam(f"product_{i}", type_=Integer) for i in range(line_count)]


def _raise_shortage(lines: list[CartLine]) -> None:
    """Report what is available now for the lines the guarded UPDATE could not fill."""
    available = dict(
        db.session.execute(
            select(Product.id, case((Product.is_active, Product.stock), else_=0)).where(
                Product.id.in_([line.product_id for line in lines])
            )
        ).all()
    )
    raise InsufficientStock([_short_line(line, available.get(line.product_id, 0)) for line in lines])


def _short_line(line: CartLine, available: int) -> ShortLine:
    return ShortLine(line.product_id, line.sku, line.name, line.quantity, available)
