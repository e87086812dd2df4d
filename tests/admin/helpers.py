"""Reading what the admin tests assert on, straight from the database."""

from sqlalchemy import func, select

from app.extensions import db
from app.models import Order, OrderEvent, Product


def stock_of(product_id: int) -> int:
    """Stock as the database has it now (not the session's copy)."""
    db.session.rollback()
    return db.session.scalar(select(Product.stock).where(Product.id == product_id))


def status_of(number: str) -> str:
    db.session.rollback()
    return db.session.scalar(select(Order.status).where(Order.number == number))


def events_of(number: str) -> list[tuple[str, str, int | None]]:
    db.session.rollback()
    return [
        tuple(row)
        for row in db.session.execute(
            select(OrderEvent.kind, OrderEvent.message, OrderEvent.actor_id)
            .join(Order)
            .where(Order.number == number)
            .order_by(OrderEvent.id)
        )
    ]


def count(model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))
