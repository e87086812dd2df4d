"""Helpers shared by the service tests: row counts, snapshots, statement counting."""

from contextlib import contextmanager
from decimal import Decimal

from sqlalchemy import event, func, select

from app.extensions import db
from app.models import Cart, CartItem, Coupon, IdempotencyKey, Order, OrderItem, OutboxMessage, Product


def count_rows(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def stock_of(*products: Product) -> list[int]:
    """Current stock read from the database, not from the session's copies."""
    ids = [product.id for product in products]
    rows = dict(db.session.execute(select(Product.id, Product.stock).where(Product.id.in_(ids))).all())
    db.session.rollback()
    return [rows[i] for i in ids]


def used_count_of(coupon: Coupon) -> int:
    value = db.session.scalar(select(Coupon.used_count).where(Coupon.id == coupon.id))
    db.session.rollback()
    return value


def cart_lines_of(user_or_id) -> list[tuple[int, int]]:
    user_id = getattr(user_or_id, "id", user_or_id)
    rows = db.session.execute(
        select(CartItem.product_id, CartItem.quantity)
        .join(Cart)
        .where(Cart.user_id == user_id)
        .order_by(CartItem.id)
    ).all()
    db.session.rollback()
    return [tuple(row) for row in rows]


def snapshot() -> dict:
    """Everything a checkout may change, to assert that a refused one changed nothing."""
    state = {
        "stock": dict(db.session.execute(select(Product.id, Product.stock)).all()),
        "used": dict(db.session.execute(select(Coupon.id, Coupon.used_count)).all()),
        "cart": sorted(db.session.execute(select(CartItem.cart_id, CartItem.product_id, CartItem.quantity))),
        "orders": count_rows(Order),
        "order_items": count_rows(OrderItem),
        "outbox": count_rows(OutboxMessage),
        "keys": count_rows(IdempotencyKey),
    }
    db.session.rollback()
    return state


@contextmanager
def celery_not_eager(app):
    """Tasks are only published, to an in-memory broker; none runs."""
    conf = app.extensions["celery"].conf
    saved = conf.task_always_eager, conf.broker_url
    conf.task_always_eager, conf.broker_url = False, "memory://"
    try:
        yield
    finally:
        publisher = app.extensions.get("outbox_publisher")
        if publisher is not None:
            publisher.flush()  # publish what it holds while the broker is still the memory one
        conf.task_always_eager, conf.broker_url = saved


@contextmanager
def counting_statements():
    """Collect every SQL statement sent to the database in the block."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def money(value: str) -> Decimal:
    return Decimal(value)
