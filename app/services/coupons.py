"""Whether a coupon may be used (SPEC section 2), and creating coupons."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select

from app.extensions import db
from app.models import Coupon, Order
from app.models.coupons import FIXED, PERCENT
from app.models.orders import CANCELLED
from app.models.types import utcnow
from app.services.errors import CouponUnusable, ValidationFailed


def find_coupon(code: str) -> Coupon | None:
    """The coupon with this code, ignoring letter case and surrounding blanks."""
    return db.session.scalar(select(Coupon).where(func.upper(Coupon.code) == Coupon.normalize_code(code)))


def user_uses_of(coupon: Coupon, user_id: int) -> int:
    """How many of the shopper's orders used the coupon and are not cancelled."""
    return db.session.scalar(
        select(func.count(Order.id)).where(
            Order.user_id == user_id, Order.coupon_id == coupon.id, Order.status != CANCELLED
        )
    )


def check_coupon(
    coupon: Coupon | None,
    subtotal: Decimal,
    user_uses: int,
    now: datetime | None = None,
) -> Coupon:
    """Return the coupon if every rule holds, else raise CouponUnusable naming the rule."""
    now = now or utcnow()
    if coupon is None:
        raise CouponUnusable("unknown", "There is no coupon with that code.")
    if not coupon.is_active:
        raise CouponUnusable("inactive", "This coupon is no longer active.")
    if coupon.valid_from is not None and now < coupon.valid_from:
        raise CouponUnusable("not_yet_valid", "This coupon is not valid yet.")
    if coupon.valid_until is not None and now > coupon.valid_until:
        raise CouponUnusable("expired", "This coupon has expired.")
    if subtotal < coupon.min_order_amount:
        raise CouponUnusable(
            "below_minimum", f"This coupon needs an order of at least {coupon.min_order_amount}."
        )
    if coupon.usage_limit is not None and coupon.used_count >= coupon.usage_limit:
        raise CouponUnusable("used_up", "This coupon has been used up.")
    if coupon.per_user_limit is not None and user_uses >= coupon.per_user_limit:
        raise CouponUnusable("per_user_limit", "You have already used this coupon as often as allowed.")
    return coupon


def usable_coupon(code: str, subtotal: Decimal, user_id: int) -> Coupon:
    """Look the code up and check it for this shopper and subtotal."""
    coupon = find_coupon(code)
    user_uses = user_uses_of(coupon, user_id) if coupon and coupon.per_user_limit else 0
    return check_coupon(coupon, subtotal, user_uses)


def create_coupon(code: str, **fields) -> Coupon:
    """Add a coupon after checking the rules of SPEC section 7; commits."""
    coupon = build_coupon(code, **fields)
    db.session.add(coupon)
    db.session.commit()
    return coupon


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
            errors.setdefault("code", []).append(f"A coupon with code {code} already exists.")
    if (percent is None) == (amount is None):
        errors.setdefault("value", []).append("Give either a percent or an amount.")
    elif percent is not None and not (1 <= percent <= 100):
        errors.setdefault("percent", []).append("A percent must be between 1 and 100.")
    elif amount is not None and amount <= 0:
        errors.setdefault("amount", []).append("An amount must be more than zero.")
    if min_order is not None and min_order < 0:
        errors.setdefault("min_order", []).append("The minimum order cannot be negative.")
    if usage_limit is not None and usage_limit < 0:
        errors.setdefault("usage_limit", []).append("The usage limit cannot be negative.")
    if per_user_limit is not None and per_user_limit < 1:
        errors.setdefault("per_user_limit", []).append("The per-user limit must be at least 1.")
    if valid_from and valid_until and valid_until < valid_from:
        errors.setdefault("valid_until", []).append("The end must not be before the start.")
    if errors:
        raise ValidationFailed(errors, "; ".join(m for ms in errors.values() for m in ms))

    coupon = existing or Coupon(used_count=0)
    coupon.code = code
    coupon.kind = PERCENT if percent is not None else FIXED
    coupon.value = Decimal(percent if percent is not None else amount).quantize(Decimal("0.01"))
    coupon.min_order_amount = Decimal(min_order or 0).quantize(Decimal("0.01"))
    coupon.usage_limit = usage_limit
    coupon.per_user_limit = per_user_limit
    coupon.valid_from = valid_from
    coupon.valid_until = valid_until
    coupon.is_active = active
    return coupon
