"""Whether a coupon may be used (docs/behaviour.md#coupons), and managing coupons as admins do."""

from datetime import datetime
from decimal import Decimal

from flask import current_app
from flask_babel import format_currency
from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Coupon, Order, User
from app.models.coupons import FIXED, PERCENT
from app.models.orders import CANCELLED
from app.models.types import MAX_INT, utcnow
from app.services.errors import CouponUnusable, NotFound, ValidationFailed
from app.services.ordering.pricing import CENT, amount_problem, parse_decimal

MAX_LIMIT = MAX_INT  # usage limits are INTEGER columns


def find_coupon(code: str) -> Coupon | None:
    """The coupon with this code, ignoring letter case and surrounding blanks."""
    return db.session.scalar(select(Coupon).where(func.upper(Coupon.code) == Coupon.normalize_code(code)))


def check_coupon(
    coupon: Coupon | None,
    subtotal: Decimal,
    user_uses: int,
    now: datetime | None = None,
) -> Coupon:
    """Return the coupon if every rule holds, else raise CouponUnusable naming the rule."""
    now = now or utcnow()
    if coupon is None:
        raise CouponUnusable("unknown", _("There is no coupon with that code."))
    if not coupon.is_active:
        raise CouponUnusable("inactive", _("This coupon is no longer active."))
    if coupon.valid_from is not None and now < coupon.valid_from:
        raise CouponUnusable("not_yet_valid", _("This coupon is not valid yet."))
    if coupon.valid_until is not None and now > coupon.valid_until:
        raise CouponUnusable("expired", _("This coupon has expired."))
    if subtotal < coupon.min_order_amount:
        raise CouponUnusable(
            "below_minimum",
            _(
                "This coupon needs an order of at least %(amount)s.",
                amount=format_currency(coupon.min_order_amount, current_app.config["STORE_CURRENCY"]),
            ),
        )
    if coupon.usage_limit is not None and coupon.used_count >= coupon.usage_limit:
        raise CouponUnusable("used_up", _("This coupon has been used up."))
    if coupon.per_user_limit is not None and user_uses >= coupon.per_user_limit:
        raise CouponUnusable("per_user_limit", _("You have already used this coupon as often as allowed."))
    return coupon


def usable_coupon(
    code: str, subtotal: Decimal, user_id: int | None, guest_email: str | None = None
) -> Coupon:
    """The coupon with this code if every rule holds for this shopper and subtotal; CouponUnusable otherwise.

    The coupon and the shopper's live uses of it are read in one statement. A guest's
    uses are counted by email: the guest orders with it, and the orders of the account
    that has it, if any.
    """
    if guest_email is None:
        whose = Order.user_id == user_id
    else:
        account = select(User.id).where(func.lower(User.email) == guest_email).scalar_subquery()
        whose = (Order.email == guest_email) | (Order.user_id == account)
    user_uses = (
        select(func.count(Order.id))
        .where(whose, Order.coupon_id == Coupon.id, Order.status != CANCELLED)
        .scalar_subquery()
    )
    row = db.session.execute(
        select(Coupon, user_uses).where(func.upper(Coupon.code) == Coupon.normalize_code(code))
    ).first()
    coupon, uses = row if row else (None, 0)
    return check_coupon(coupon, subtotal, uses)


def create_coupon(code: str, **fields) -> Coupon:
    """Add a coupon after checking its rules (docs/behaviour.md#coupons); raises ValidationFailed; commits."""
    coupon = build_coupon(code, **fields)
    db.session.add(coupon)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        if find_coupon(coupon.code) is not None:
            # Another admin saved the same code between the check and the commit.
            raise code_taken(coupon.code) from None
        raise  # not a taken code: a rule build_coupon missed, which must not pass as one
    return coupon


def code_taken(code: str) -> ValidationFailed:
    """The refusal of a code that another coupon has, in any letter case."""
    message = f"A coupon with code {Coupon.normalize_code(code or '')} already exists."
    return ValidationFailed({"code": [message]}, message)


def build_coupon(
    code: str,
    *,
    percent=None,
    amount=None,
    min_order=Decimal("0.00"),
    usage_limit=None,
    per_user_limit=None,
    valid_from=None,
    valid_until=None,
    active=True,
    existing: Coupon | None = None,
) -> Coupon:
    """Validate coupon fields and return a new (or updated `existing`) coupon, unsaved."""
    errors: dict[str, list[str]] = {}
    code = Coupon.normalize_code(code or "")
    if not code:
        errors.setdefault("code", []).append("A code is required.")
    elif len(code) > 40:
        errors.setdefault("code", []).append("A code has at most 40 characters.")
    else:
        clash = find_coupon(code)
        if clash is not None and clash is not existing:
            errors.setdefault("code", []).extend(code_taken(code).fields["code"])
    if (percent is None) == (amount is None):
        errors.setdefault("value", []).append("Give either a percent or an amount.")
    elif percent is not None:
        errors.update(_percent_errors(percent))
    else:
        errors.update(_amount_errors("amount", "An amount", amount, must_be_positive=True))
    if min_order is not None:
        errors.update(_amount_errors("min_order", "The minimum order", min_order, must_be_positive=False))
    if usage_limit is not None and usage_limit < 0:
        errors.setdefault("usage_limit", []).append("The usage limit cannot be negative.")
    elif usage_limit is not None and usage_limit > MAX_LIMIT:
        errors.setdefault("usage_limit", []).append(f"The usage limit can be at most {MAX_LIMIT:,}.")
    if per_user_limit is not None and per_user_limit < 1:
        errors.setdefault("per_user_limit", []).append("The per-user limit must be at least 1.")
    elif per_user_limit is not None and per_user_limit > MAX_LIMIT:
        errors.setdefault("per_user_limit", []).append(f"The per-user limit can be at most {MAX_LIMIT:,}.")
    if valid_from and valid_until and valid_until < valid_from:
        errors.setdefault("valid_until", []).append("The end must not be before the start.")
    if errors:
        raise ValidationFailed(errors, "; ".join(m for ms in errors.values() for m in ms))

    coupon = existing or Coupon(used_count=0)
    coupon.code = code
    coupon.kind = PERCENT if percent is not None else FIXED
    coupon.value = parse_decimal(percent if percent is not None else amount).quantize(CENT)
    coupon.min_order_amount = parse_decimal(min_order or 0).quantize(CENT)
    coupon.usage_limit = usage_limit
    coupon.per_user_limit = per_user_limit
    coupon.valid_from = valid_from
    coupon.valid_until = valid_until
    coupon.is_active = active
    return coupon


def _percent_errors(percent) -> dict[str, list[str]]:
    """A percent off: 1 to 100, in hundredths at most, as the column keeps it (docs/behaviour.md#coupons)."""
    value = parse_decimal(percent)
    if value is None or not (1 <= value <= 100):
        return {"percent": ["A percent must be between 1 and 100."]}
    if amount_problem(value):
        return {"percent": ["A percent has at most 2 decimal places."]}
    return {}


def _amount_errors(field: str, name: str, amount, *, must_be_positive: bool) -> dict[str, list[str]]:
    """Money as typed: storable exactly (pricing.amount_problem), and more than zero or not negative."""
    value = parse_decimal(amount)
    if value is not None and must_be_positive and value <= 0:
        return {field: [f"{name} must be more than zero."]}
    if value is not None and value < 0:
        return {field: [f"{name} cannot be negative."]}
    problem = "is not a number" if value is None else amount_problem(value)
    return {field: [f"{name} {problem}."]} if problem else {}


# Managing coupons, as admins do it.


def list_coupons(*, page: int = 1, per_page: int = 50) -> Pagination:
    """A page of coupons, newest first."""
    statement = select(Coupon).order_by(Coupon.created_at.desc(), Coupon.id.desc())
    return db.paginate(statement, page=page, per_page=per_page, error_out=False, count=True)


def get_coupon(coupon_id: int) -> Coupon:
    coupon = db.session.get(Coupon, coupon_id)
    if coupon is None:
        raise NotFound("No such coupon.")
    return coupon


def update_coupon(coupon_id: int, code: str, **fields) -> Coupon:
    """Change a coupon's code, value, limits, dates or state; raises ValidationFailed; commits.

    Its uses so far are kept, so a usage limit below them is refused.
    """
    coupon = get_coupon(coupon_id)
    errors: dict[str, list[str]] = {}
    try:
        build_coupon(code, existing=coupon, **fields)
    except ValidationFailed as exc:
        errors = exc.fields
    if _below_uses(coupon, fields.get("usage_limit")):
        errors.setdefault("usage_limit", []).append(_below_uses_message(coupon))
    if errors:
        db.session.rollback()  # undo whatever build_coupon set on the coupon
        raise ValidationFailed(errors, " ".join(m for ms in errors.values() for m in ms))
    try:
        db.session.commit()
    except IntegrityError:
        # A concurrent save took the code, or a checkout used the coupon past the new limit.
        db.session.rollback()
        if _below_uses(get_coupon(coupon_id), fields.get("usage_limit")):
            message = _below_uses_message(coupon)
            raise ValidationFailed({"usage_limit": [message]}, message) from None
        clash = find_coupon(code or "")
        if clash is not None and clash.id != coupon_id:
            raise code_taken(code) from None
        raise  # neither: a rule build_coupon missed, which must not pass as a taken code
    return coupon


def set_coupon_active(coupon_id: int, active: bool) -> Coupon:
    """Switch a coupon off (shoppers can no longer use it) or on again; commits."""
    coupon = get_coupon(coupon_id)
    coupon.is_active = active
    db.session.commit()
    return coupon


def _below_uses(coupon: Coupon, usage_limit: int | None) -> bool:
    return usage_limit is not None and usage_limit < coupon.used_count


def _below_uses_message(coupon: Coupon) -> str:
    return f"The usage limit cannot be below the {coupon.used_count} uses so far."
