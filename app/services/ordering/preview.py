"""What placing an order would cost now: the cart's totals with an optional coupon."""

from app.services.ordering.cart import get_cart
from app.services.ordering.coupons import usable_coupon
from app.services.ordering.pricing import Totals, compute_totals


def preview_totals(user_id: int, coupon_code: str | None = None) -> Totals:
    """The cart's totals by SPEC section 1; an unusable coupon raises CouponUnusable."""
    subtotal = get_cart(user_id).subtotal
    code = (coupon_code or "").strip()
    coupon = usable_coupon(code, subtotal, user_id) if code else None
    return compute_totals(subtotal, coupon)
