"""Managing the catalog: products and their stock, as admins do it."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Product, StockAdjustment, User
from app.models.types import utcnow
from app.services.catalog.browsing import get_product
from app.services.catalog.product_input import (
    MAX_STOCK,
    as_sentence,
    description_problem,
    name_problem,
    price_from,
    sku_problem,
    stock_from,
)
from app.services.catalog.slugs import MAX_SLUG_LENGTH, slugify, unique_slug
from app.services.errors import NotFound, ValidationFailed
from app.services.transactions import run_with_retries

MAX_STOCK_CHANGE = 1_000_000
MAX_REASON_LENGTH = 200


@dataclass(frozen=True)
class ProductFields:
    name: str
    sku: str
    slug: str
    description: str
    price: Decimal
    is_active: bool


@dataclass(frozen=True)
class AdjustmentRecord:
    delta: int
    reason: str
    created_at: datetime
    actor_email: str | None


def create_product(
    *,
    name: str,
    sku: str,
    price,
    slug: str = "",
    description: str = "",
    is_active: bool = True,
    stock: int = 0,
    actor_id: int | None = None,
) -> Product:
    """Add a product; an opening stock is recorded as an adjustment. Raises ValidationFailed; commits."""
    fields = _checked_fields(None, name, sku, slug, description, price, is_active)
    try:
        stock = stock_from(stock)
    except ValueError as problem:
        raise ValidationFailed({"stock": [as_sentence(str(problem))]}, as_sentence(str(problem))) from None
    product = Product(**vars(fields), stock=stock)
    db.session.add(product)
    if stock:
        db.session.add(
            StockAdjustment(product=product, user_id=actor_id, delta=stock, reason="Opening stock")
        )
    _commit_refusing_duplicates(product.id, fields)
    return product


def update_product(
    product_id: int,
    *,
    name: str,
    sku: str,
    price,
    slug: str = "",
    description: str = "",
    is_active: bool = True,
) -> Product:
    """Change a product's details (never its stock: that is adjust_stock). Raises ValidationFailed;
    commits."""
    product = get_product(product_id, active_only=False)
    fields = _checked_fields(product_id, name, sku, slug, description, price, is_active)
    # Only changed columns are written, so concurrent stock decrements are untouched.
    for column, value in vars(fields).items():
        setattr(product, column, value)
    _commit_refusing_duplicates(product_id, fields)
    return product


def set_product_active(product_id: int, active: bool) -> Product:
    """Offer the product to shoppers again, or withdraw it; commits."""
    product = get_product(product_id, active_only=False)
    product.is_active = active
    db.session.commit()
    return product


def adjust_stock(product_id: int, delta: int, reason: str, actor_id: int | None) -> int:
    """Change stock by `delta` and record why; returns the new stock; commits.

    One relative, guarded UPDATE (`stock = stock + delta` where the result stays >= 0): it
    works on the row as it is when locked, so checkouts decrementing at the same time are
    never lost, and a change that would leave less than zero is refused.
    """
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if not isinstance(delta, int) or delta == 0 or abs(delta) > MAX_STOCK_CHANGE:
        errors["delta"] = [f"Enter a change other than zero, at most {MAX_STOCK_CHANGE:,} either way."]
    if not reason:
        errors["reason"] = ["Give a reason for the change."]
    elif len(reason) > MAX_REASON_LENGTH:
        errors["reason"] = [f"Keep the reason under {MAX_REASON_LENGTH} characters."]
    if errors:
        raise ValidationFailed(errors, " ".join(m for ms in errors.values() for m in ms))

    # The bound as stock >= -delta (or <= MAX_STOCK - delta), not on stock + delta: on
    # PostgreSQL the sum itself would overflow the INTEGER type near the column's top.
    stays_in_range = Product.stock >= -delta if delta < 0 else Product.stock <= MAX_STOCK - delta

    def unit_of_work() -> int:
        new_stock = db.session.scalar(
            update(Product)
            .where(Product.id == product_id, stays_in_range)
            .values(stock=Product.stock + delta, updated_at=utcnow())
            .returning(Product.stock)
            .execution_options(synchronize_session=False)
        )
        if new_stock is None:
            _refuse_adjustment(product_id, delta)
        db.session.add(StockAdjustment(product_id=product_id, user_id=actor_id, delta=delta, reason=reason))
        db.session.commit()
        return new_stock

    return run_with_retries(unit_of_work)


def recent_adjustments(product_id: int, limit: int = 10) -> list[AdjustmentRecord]:
    """The product's latest stock adjustments, newest first, with who made them."""
    rows = db.session.execute(
        select(StockAdjustment.delta, StockAdjustment.reason, StockAdjustment.created_at, User.email)
        .outerjoin(User, User.id == StockAdjustment.user_id)
        .where(StockAdjustment.product_id == product_id)
        .order_by(StockAdjustment.id.desc())
        .limit(limit)
    )
    return [AdjustmentRecord(*row) for row in rows]


def _refuse_adjustment(product_id: int, delta: int) -> None:
    current = db.session.scalar(select(Product.stock).where(Product.id == product_id))
    if current is None:
        raise NotFound("No such product.")
    if delta > 0:
        message = f"Stock cannot go above {MAX_STOCK:,}: {current:,} in stock, so the most you can add is "
        message += f"{MAX_STOCK - current:,}."
        raise ValidationFailed({"delta": [message]}, message)
    message = f"Stock cannot go below zero: {current} in stock, so the most you can remove is {current}."
    raise ValidationFailed({"delta": [message]}, message)


def _checked_fields(product_id, name, sku, slug, description, price, is_active) -> ProductFields:
    """Normalize and validate a product's fields (product_input.py), uniqueness of SKU and slug included."""
    errors: dict[str, list[str]] = {}
    name, sku, description = (name or "").strip(), (sku or "").strip(), (description or "").strip()
    for field, problem in (
        ("name", name_problem(name)),
        ("sku", sku_problem(sku)),
        ("description", description_problem(description)),
    ):
        if problem:
            errors[field] = [as_sentence(problem)]
    if "sku" not in errors and _taken(Product.sku, sku, product_id):
        errors["sku"] = [f"Another product already has SKU {sku}."]
    slug, slug_errors = _slug(product_id, slug, name)
    errors.update(slug_errors)
    try:
        amount = price_from(price)
    except ValueError as problem:
        errors["price"] = [as_sentence(str(problem))]
    if errors:
        raise ValidationFailed(errors, " ".join(m for ms in errors.values() for m in ms))
    return ProductFields(name, sku, slug, description, amount, bool(is_active))


def _slug(product_id, slug: str, name: str) -> tuple[str, dict[str, list[str]]]:
    """The slug the admin typed, or else one made from the name as an import makes it."""
    if not (slug or "").strip():
        return unique_slug(name, product_id=product_id), {}
    slug = slugify(slug)
    if not slug:
        return slug, {"slug": ["A slug needs letters or digits."]}
    if len(slug) > MAX_SLUG_LENGTH:
        return slug, {"slug": [f"Keep the slug under {MAX_SLUG_LENGTH} characters."]}
    if _taken(Product.slug, slug, product_id):
        return slug, {"slug": [f"Another product already uses the slug {slug}."]}
    return slug, {}


def _taken(column, value: str, product_id: int | None) -> bool:
    statement = select(Product.id).where(column == value)
    if product_id is not None:
        statement = statement.where(Product.id != product_id)
    return db.session.scalar(statement.limit(1)) is not None


def _commit_refusing_duplicates(product_id: int | None, fields: ProductFields) -> None:
    """Commit; a SKU or slug taken by a concurrent save is reported like any other duplicate."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        errors = {}
        if _taken(Product.sku, fields.sku, product_id):
            errors["sku"] = [f"Another product already has SKU {fields.sku}."]
        if _taken(Product.slug, fields.slug, product_id):
            errors["slug"] = [f"Another product already uses the slug {fields.slug}."]
        if not errors:
            raise
        raise ValidationFailed(errors, " ".join(m for ms in errors.values() for m in ms)) from None
