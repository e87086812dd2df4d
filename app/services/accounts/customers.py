"""What admins read about customers: accounts found by email or name, guests grouped by the email
on their orders, and each one's number of orders and paid total (docs/admin.md)."""

from dataclasses import dataclass, field
from decimal import Decimal

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Order, User
from app.services.errors import NotFound
from app.services.ordering.reports import PAID_STATUSES

RECENT_ORDERS = 50


@dataclass(frozen=True)
class Totals:
    """A customer's orders (any status) and the total of those paid (paid, shipped, delivered)."""

    order_count: int = 0
    paid_total: Decimal = Decimal("0.00")


@dataclass(frozen=True)
class CustomerRow:
    """One line of the customers list: an account (`user`) or a guest (`user` None, `email`)."""

    email: str
    totals: Totals
    user: User | None = None


@dataclass(frozen=True)
class CustomerPage:
    pagination: Pagination
    rows: list[CustomerRow]


@dataclass(frozen=True)
class CustomerDetail:
    user: User
    totals: Totals
    recent_orders: list[Order] = field(default_factory=list)


def search_accounts(term: str = "", *, page: int = 1, per_page: int = 20) -> CustomerPage:
    """A page of accounts whose email or name contains `term` (any case), newest first, each with
    their totals."""
    statement = select(User).order_by(User.created_at.desc(), User.id.desc())
    pattern = _like_pattern(term)
    if pattern:
        statement = statement.where(
            or_(
                func.lower(User.email).like(pattern, escape="\\"),
                func.lower(User.name).like(pattern, escape="\\"),
            )
        )
    pagination = db.paginate(statement, page=page, per_page=per_page, error_out=False, count=True)
    totals = _totals_by(Order.user_id, [user.id for user in pagination.items])
    rows = [CustomerRow(user.email, totals.get(user.id, Totals()), user) for user in pagination.items]
    return CustomerPage(pagination, rows)


def search_guests(term: str = "", *, page: int = 1, per_page: int = 20) -> CustomerPage:
    """A page of the emails guests ordered with (containing `term`), the latest buyer first, each
    with the totals of that email's guest orders."""
    statement = (
        select(Order.email)
        .where(Order.user_id.is_(None))
        .group_by(Order.email)
        .order_by(func.max(Order.created_at).desc(), Order.email)
    )
    pattern = _like_pattern(term)
    if pattern:
        statement = statement.where(func.lower(Order.email).like(pattern, escape="\\"))
    pagination = db.paginate(statement, page=page, per_page=per_page, error_out=False, count=True)
    totals = _totals_by(Order.email, list(pagination.items), guests_only=True)
    rows = [CustomerRow(email, totals.get(email, Totals())) for email in pagination.items]
    return CustomerPage(pagination, rows)


def customer_detail(user_id: int) -> CustomerDetail:
    """An account with its totals, addresses and latest orders; NotFound if there is none."""
    user = db.session.scalar(select(User).where(User.id == user_id).options(selectinload(User.addresses)))
    if user is None:
        raise NotFound("No such customer.")
    recent = db.session.scalars(
        select(Order)
        .where(Order.user_id == user_id)
        .options(selectinload(Order.items))
        .order_by(Order.created_at.desc(), Order.id.desc())
        .limit(RECENT_ORDERS)
    ).all()
    return CustomerDetail(user, _totals_by(Order.user_id, [user_id]).get(user_id, Totals()), list(recent))


def _totals_by(column, keys: list, *, guests_only: bool = False) -> dict:
    """Totals of the orders whose `column` is one of `keys`, by key, in one query."""
    if not keys:
        return {}
    paid_amount = case((Order.status.in_(PAID_STATUSES), Order.total_payable), else_=0)
    statement = (
        select(column, func.count(Order.id), func.coalesce(func.sum(paid_amount), 0))
        .where(column.in_(keys))
        .group_by(column)
    )
    if guests_only:
        statement = statement.where(Order.user_id.is_(None))
    return {
        key: Totals(count, Decimal(str(paid)).quantize(Decimal("0.01")))
        for key, count, paid in db.session.execute(statement)
    }


def _like_pattern(term: str) -> str | None:
    term = (term or "").strip().lower()
    if not term:
        return None
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
