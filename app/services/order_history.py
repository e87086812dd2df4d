"""A shopper's order history: pages of their own orders, newest first."""

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Order


def orders_page(user_id: int, page: int = 1, per_page: int = 20) -> Pagination:
    """One page of the shopper's own orders, newest first, with their lines loaded (for item counts)."""
    statement = (
        select(Order)
        .where(Order.user_id == user_id)
        .order_by(Order.created_at.desc(), Order.id.desc())
        .options(selectinload(Order.items))
    )
    return db.paginate(statement, page=page, per_page=per_page, error_out=False, count=True)
