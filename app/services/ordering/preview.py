"""What placing an order would cost now: the cart, its totals, and what would refuse them.

The checkout page and `GET /api/v1/checkout/preview` both show this one preview.
"""

from dataclasses import dataclass

from app.models import Coupon
from app.services.errors import CouponUnusable, OrderTooLarge, ValidationFailed
from app.services.ordering.cart import CartOwner, CartView, Visitor, get_cart
from app.services.ordering.coupons import usable_coupon
from app.services.ordering.pricing import Totals, compute_totals


@dataclass(frozen=True)
class CheckoutPreview:
    cart: CartView
    coupon: Coupon | None  # applied to the totals only when usable
    totals: Totals
    unusable_coupon: CouponUnusable | None
    too_large: OrderTooLarge | None  # the totals are then shown as computed

    @property
    def refusal(self) -> ValidationFailed | None:
        """Why placing the order now would be refused on the totals' account, if it would."""
        return self.unusable_coupon or self.too_large

    def totals_or_refusal(self) -> Totals:
        """The totals; raises the refusal instead when there is one."""
        if self.refusal is not None:
            raise self.refusal
        return self.totals


def preview_checkout(
    owner: CartOwner, coupon_code: str | None = None, guest_email: str | None = None
) -> CheckoutPreview:
    """The shopper's (or visitor's) cart with its totals, and the coupon applied if every rule
    lets it be; a guest's uses of the coupon are counted by `guest_email`."""
    cart = get_cart(owner)
    code = (coupon_code or "").strip()
    coupon = unusable_coupon = too_large = None
    if code:
        user_id = None if isinstance(owner, Visitor) else owner
        try:
            coupon = usable_coupon(code, cart.subtotal, user_id, guest_email)
        except CouponUnusable as refused:
            unusable_coupon = refused
    try:
        totals = compute_totals(cart.subtotal, coupon)
    except OrderTooLarge as refused:
        totals, too_large = refused.totals, refused
    return CheckoutPreview(cart, coupon, totals, unusable_coupon, too_large)
