"""Managing coupons, as admins do it; the rules themselves live in coupons.build_coupon."""

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Coupon
from app.services.coupons import build_coupon, code_taken, create_coupon, find_coupon
from app.services.errors import NotFound, ValidationFailed


def list_coupons(*, page: int = 1, per_page: int = 50) -> Pagination:
    """A page of coupons, newest first."""
    statement = select(Coupon).order_by(Coupon.created_at.desc(), Coupon.id.desc())
    return db.paginate(statement, page=page, per_page=per_page, error_out=False, count=True)


def get_coupon(coupon_id: int) -> Coupon:
    coupon = db.session.get(Coupon, coupon_id)
    if coupon is None:
        raise NotFound("No such coupon.")
    return coupon


def add_coupon(code: str, **fields) -> Coupon:
    """Create a coupon (see coupons.build_coupon for the fields); raises ValidationFailed; commits.

    A code another admin saved meanwhile is refused as taken (coupons.create_coupon).
    """
    return create_coupon(code, **fields)


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
