"""Reading what the other processes committed, from the test's own session.

Each read runs in a transaction of its own and ends it, returning plain rows: an
open transaction would see stale data and hold locks that a fixture's DDL waits on.
"""

from sqlalchemy import func, select

from app.extensions import db
from app.models import Coupon, Order, OrderItem, OutboxMessage, Product


def _read(statement):
    db.session.rollback()
    try:
        return db.session.execute(statement).all()
    finally:
        db.session.rollback()


def outbox_messages():
    """(id, status, attempts, last_error) of every outbox message, oldest first."""
    m = OutboxMessage
    return _read(select(m.id, m.status, m.attempts, m.last_error).order_by(m.id))


def orders():
    """(number, status, coupon_code) of every order, oldest first."""
    return _read(select(Order.number, Order.status, Order.coupon_code).order_by(Order.id))


def stock_of(product_id: int) -> int:
    return _read(select(Product.stock).where(Product.id == product_id))[0][0]


def units_sold(product_id: int) -> int:
    total = func.coalesce(func.sum(OrderItem.quantity), 0)
    return _read(select(total).where(OrderItem.product_id == product_id))[0][0]


def coupon_uses(coupon_id: int) -> int:
    return _read(select(Coupon.used_count).where(Coupon.id == coupon_id))[0][0]
