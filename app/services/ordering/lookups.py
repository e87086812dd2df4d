"""Finding orders: one by its number (the shopper's own, or any for staff), and a shopper's history.

A shopper's own orders include the guest orders placed with their email once it is
verified (SPEC section 10): before that, anyone could claim an email's orders by
registering with it.
"""

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Order, User
from app.services.errors import NotFound
from app.services.ordering.guests import guest_order


def owned_by(user_id: int):
    """The condition for the shopper's orders: theirs, and guest orders with their verified email."""
    verified_email = (
        select(User.email).where(User.id == user_id, User.email_verified_at.is_not(None)).scalar_subquery()
    )
    return (Order.user_id == user_id) | (Order.user_id.is_(None) & (Order.email == verified_email))


def orders_page(user_id: int, page: int = 1, per_page: int = 20) -> Pagination:
    """One page of the shopper's own orders, newest first, with their lines loaded (for item counts)."""
    statement = (
        select(Order)
        .where(owned_by(user_id))
        .order_by(Order.created_at.desc(), Order.id.desc())
        .options(selectinload(Order.items))
    )
    return db.paginate(statement, page=page, per_page=per_page, error_out=False, count=True)


def shoppers_order(user_id: int, number: str) -> Order:
    """The shopper's own order; anyone else's is NotFound, never a hint that it exists."""
    order = db.session.scalar(select(Order).where(Order.number == number, owned_by(user_id)))
    if order is None:
        raise NotFound("No such order.")
    return order


def order_by_number(number: str) -> Order:
    order = db.session.scalar(select(Order).where(Order.number == number))
    if order is None:
        raise NotFound("No such order.")
    return order


def order_by_link_or_owner(number: str, user_id: int | None, key: str | None) -> Order:
    """The order a page may show: a guest's by its private link's key, else the shopper's own
    (user_id); NotFound otherwise."""
    if key is not None:
        return guest_order(number, key)
    if user_id is None:
        raise NotFound("No such order.")
    return shoppers_order(user_id, number)
