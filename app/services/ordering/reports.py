"""What admins read about orders: the filtered list, its CSV export, the dashboard figures."""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Order, OrderItem, Product, User
from app.models.orders import CANCELLED, DELIVERED, PAID, SHIPPED
from app.models.types import utcnow

CSV_HEADER = (
    "number",
    "created_at",
    "status",
    "email",
    "item_count",
    "subtotal",
    "discount",
    "shipping",
    "tax",
    "total_payable",
    "currency",
    "coupon_code",
)
CSV_CHUNK = 500
LOW_STOCK_THRESHOLD = 5
CHART_DAYS = 14
CENT = Decimal("0.01")
# The statuses whose money has arrived: revenue counts these orders only (docs/admin.md).
PAID_STATUSES = (PAID, SHIPPED, DELIVERED)


@dataclass(frozen=True)
class OrderFilter:
    """The admin's filter: every part optional; dates are whole UTC days, both ends included;
    `numbers`, when given, keeps those orders only (the bulk "Export selected")."""

    status: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    search: str = ""
    numbers: tuple[str, ...] = ()


def search_orders(filters: OrderFilter, *, page: int = 1, per_page: int = 20) -> Pagination:
    """A page of the orders matching `filters`, newest first, with shopper and lines loaded."""
    statement = (
        _filtered(select(Order).outerjoin(User, User.id == Order.user_id), filters)
        .options(selectinload(Order.user), selectinload(Order.items))
        .order_by(Order.created_at.desc(), Order.id.desc())
    )
    return db.paginate(statement, page=page, per_page=per_page, error_out=False, count=True)


def export_csv(filters: OrderFilter) -> Iterator[str]:
    """The CSV of every order matching `filters`, newest first, one line at a time.

    The query runs here, before the caller sends a byte: a failing one is an error
    response, not a download cut short. Rows are then fetched in chunks (yield_per),
    so a large export never sits in memory whole.
    """
    item_count = (
        select(func.coalesce(func.sum(OrderItem.quantity), 0))
        .where(OrderItem.order_id == Order.id)
        .correlate(Order)
        .scalar_subquery()
    )
    statement = _filtered(
        select(
            Order.number,
            Order.created_at,
            Order.status,
            func.coalesce(User.email, Order.email),
            item_count,
            Order.subtotal,
            Order.discount,
            Order.shipping,
            Order.tax,
            Order.total_payable,
            Order.currency,
            Order.coupon_code,
        ).outerjoin(User, User.id == Order.user_id),  # a guest's order has no user
        filters,
    ).order_by(Order.created_at.desc(), Order.id.desc())
    return _csv_lines(db.session.execute(statement.execution_options(yield_per=CSV_CHUNK)))


def _csv_lines(rows) -> Iterator[str]:
    yield _csv_line(CSV_HEADER)
    for row in rows:
        yield _csv_line(_csv_cells(row))


def _filtered(statement: Select, filters: OrderFilter) -> Select:
    """Apply the filter to a statement that already outer-joins Order to User (a guest's email
    is on the order)."""
    if filters.numbers:
        statement = statement.where(Order.number.in_(filters.numbers))
    if filters.status:
        statement = statement.where(Order.status == filters.status)
    if filters.date_from:
        statement = statement.where(Order.created_at >= _start_of(filters.date_from))
    if filters.date_to:
        statement = statement.where(Order.created_at < _start_of(filters.date_to + timedelta(days=1)))
    term = (filters.search or "").strip().lower()
    if term:
        pattern = "%" + _escape_like(term) + "%"
        statement = statement.where(
            or_(
                func.lower(Order.number).like(pattern, escape="\\"),
                func.lower(func.coalesce(User.email, Order.email)).like(pattern, escape="\\"),
            )
        )
    return statement


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _csv_cells(row) -> list[str]:
    number, created_at, status, email, items, *amounts, currency, coupon_code = row
    return [
        number,
        created_at.isoformat(),
        status,
        _spreadsheet_safe(email),
        str(items),
        *(f"{amount:.2f}" for amount in amounts),
        currency,
        _spreadsheet_safe(coupon_code or ""),
    ]


def _spreadsheet_safe(text: str) -> str:
    # A cell starting with = + - @ is run as a formula by spreadsheet programs.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv_line(cells) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(cells)
    return buffer.getvalue()


@dataclass(frozen=True)
class DayRevenue:
    """One UTC day: the paid orders placed that day and their total."""

    day: date
    revenue: Decimal
    orders: int


@dataclass(frozen=True)
class DashboardFigures:
    orders_today: int
    paid_orders_today: int
    revenue_today: Decimal
    days: list[DayRevenue] = field(default_factory=list)
    low_stock: list[Product] = field(default_factory=list)
    low_stock_threshold: int = LOW_STOCK_THRESHOLD


def dashboard_figures(now: datetime | None = None, *, low_stock_threshold: int = LOW_STOCK_THRESHOLD):
    """Today's orders (placed, not cancelled), today's paid orders and revenue, revenue per day for
    the last 14 UTC days, and the active products at or under the low-stock threshold."""
    today = (now or utcnow()).astimezone(UTC).date()
    days = daily_revenue(today, CHART_DAYS)
    return DashboardFigures(
        orders_today=_orders_placed_on(today),
        paid_orders_today=days[-1].orders,
        revenue_today=days[-1].revenue,
        days=days,
        low_stock=low_stock(low_stock_threshold),
        low_stock_threshold=low_stock_threshold,
    )


def low_stock(threshold: int = LOW_STOCK_THRESHOLD, *, limit: int = 50) -> list[Product]:
    """Active products with `threshold` or fewer in stock, the emptiest first."""
    return list(
        db.session.scalars(
            select(Product)
            .where(Product.is_active, Product.stock <= threshold)
            .order_by(Product.stock, Product.name, Product.id)
            .limit(limit)
        )
    )


def _orders_placed_on(day: date) -> int:
    return db.session.scalar(
        select(func.count(Order.id)).where(
            Order.status != CANCELLED,
            Order.created_at >= _start_of(day),
            Order.created_at < _start_of(day + timedelta(days=1)),
        )
    )


def daily_revenue(last_day: date, count: int) -> list[DayRevenue]:
    """Revenue and number of the paid orders (paid, shipped, delivered) placed on each UTC day,
    oldest first, in one query. A pending order has not brought money yet and a cancelled one
    never will: neither counts.

    Each day is a CASE over fixed bounds, so the query reads the same on SQLite and PostgreSQL
    whatever the server's time zone.
    """
    days = [last_day - timedelta(days=offset) for offset in range(count - 1, -1, -1)]
    columns = []
    for day in days:
        in_day = and_(
            Order.created_at >= _start_of(day), Order.created_at < _start_of(day + timedelta(days=1))
        )
        columns.append(func.coalesce(func.sum(case((in_day, Order.total_payable), else_=0)), 0))
        columns.append(func.coalesce(func.sum(case((in_day, 1), else_=0)), 0))
    row = db.session.execute(
        select(*columns).where(
            Order.status.in_(PAID_STATUSES),
            Order.created_at >= _start_of(days[0]),
            Order.created_at < _start_of(last_day + timedelta(days=1)),
        )
    ).one()
    return [
        DayRevenue(day, Decimal(str(row[2 * i])).quantize(CENT), int(row[2 * i + 1]))
        for i, day in enumerate(days)
    ]
