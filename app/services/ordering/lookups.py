"""Finding orders: one by its number (the shopper's own, or any for staff), and a shopper's history."""

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Order
from app.services.errors import NotFound


def orders_page(user_id: int, page: int = 1, per_page: int = 20) -> Pagination:
    """One page of the shopper's own orders, newest first, with their lines loaded (for item counts)."""
    statement = (
        select(Order)
        .where(Order.user_id == user_id)
        .order_by(Order.created_at.desc(), Order.id.desc())
        .options(selectinload(Order.items))
    )
    return db.paginate(statement, page=page, per_page=per_page, error_out=False, count=True)


def shoppers_order(user_id: int, number: str) -> Order:
    """The shopper's own order; anyone else's is NotFound, never a hint that it exists."""
    order = db.session.scalar(select(Order).where(Order.number == number, Order.user_id == user_id))
    if order is None:
        raise NotFound("No such order.")
    return order


def order_by_number(number: str) -> Order:
    order = db.session.scalar(select(Order).where(Order.number == number))
    if order is None:
        raise NotFound("No such order.")
    return order
