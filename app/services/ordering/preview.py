"""What placing an order would cost now: the cart, its totals, and what would refuse them.

The checkout page and `GET /api/v1/checkout/preview` both show this one preview. The
page's coupon is the one remembered on the cart (cart_coupon.py): applied there, it
stays until removed, its rules checked again at every showing.
"""

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from flask_babel import gettext as _

from app.models import Coupon
from app.models.coupons import PERCENT
from app.services.errors import CouponUnusable, OrderTooLarge, ValidationFailed
from app.services.ordering import cart_coupon
from app.services.ordering.cart import CartOwner, CartView, Visitor, get_cart
from app.services.ordering.coupons import usable_coupon
from app.services.ordering.pricing import CENT, PricingRules, Totals, compute_totals, discount_for


@dataclass(frozen=True)
class CheckoutPreview:
    cart: CartView
    coupon: Coupon | None  # applied to the totals only when usable
    totals: Totals
    unusable_coupon: CouponUnusable | None
    too_large: OrderTooLarge | None  # the totals are then shown as computed
    coupon_code: str = ""  # the code asked for, usable or not
    # How much more to spend for free shipping; None when shipping is free already.
    free_shipping_gap: Decimal | None = None
    # How much more the coupon makes the shopper pay than no coupon would (it takes the
    # order under the free-shipping threshold); None when it saves them money.
    coupon_extra_cost: Decimal | None = None

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
        try:
            coupon = usable_coupon(code, cart.subtotal, _user_id(owner), guest_email)
        except CouponUnusable as refused:
            unusable_coupon = refused
    rules = PricingRules.from_config()
    try:
        totals = compute_totals(cart.subtotal, coupon, rules)
    except OrderTooLarge as refused:
        totals, too_large = refused.totals, refused
    return CheckoutPreview(
        cart,
        coupon,
        totals,
        unusable_coupon,
        too_large,
        code,
        free_shipping_gap(totals, rules, coupon),
        _coupon_extra_cost(totals, coupon, rules) if too_large is None else None,
    )


def preview_with_remembered_coupon(owner: CartOwner, guest_email: str | None = None) -> CheckoutPreview:
    """The checkout page's preview: with the coupon remembered on the cart, if any."""
    return preview_checkout(owner, cart_coupon.remembered_coupon(owner), guest_email)


def apply_coupon(owner: CartOwner, code: str | None, guest_email: str | None = None) -> CheckoutPreview:
    """Apply the coupon to the cart and remember it there; commits.

    Raises CouponUnusable naming the rule it fails, remembering nothing (the coupon
    applied before, if any, stays).
    """
    if not (code or "").strip():
        raise CouponUnusable("unknown", _("Enter a coupon code."))
    cart = get_cart(owner)
    coupon = usable_coupon(code.strip(), cart.subtotal, _user_id(owner), guest_email)
    cart_coupon.remember_coupon(owner, coupon.code)
    return preview_checkout(owner, coupon.code, guest_email)


def remove_coupon(owner: CartOwner, guest_email: str | None = None) -> CheckoutPreview:
    """Forget the cart's coupon; the preview without it; commits."""
    cart_coupon.forget_coupon(owner)
    return preview_checkout(owner, None, guest_email)


def free_shipping_gap(totals: Totals, rules: PricingRules, coupon: Coupon | None = None) -> Decimal | None:
    """How much more in the cart makes shipping free, with the coupon's discount growing
    along; None when shipping is free already, or never will be (a 100% coupon)."""
    if not totals.shipping:
        return None
    threshold = rules.free_shipping_threshold
    if coupon is None:
        needed = threshold
    elif coupon.kind == PERCENT:
        if coupon.value >= 100:
            return None
        # The smallest subtotal whose discounted amount reaches the threshold, to the cent.
        needed = (threshold * 100 / (100 - coupon.value)).quantize(CENT, rounding=ROUND_CEILING)
        while needed - discount_for(coupon, needed) < threshold:
            needed += CENT
    else:
        needed = threshold + coupon.value
    return needed - totals.subtotal


def free_shipping_gap_for(subtotal: Decimal) -> Decimal | None:
    """For the cart page: how much more, before any coupon, makes shipping free; None if it is."""
    rules = PricingRules.from_config()
    try:
        return free_shipping_gap(compute_totals(subtotal, None, rules), rules)
    except OrderTooLarge:
        return None


def _coupon_extra_cost(totals: Totals, coupon: Coupon | None, rules: PricingRules) -> Decimal | None:
    if coupon is None:
        return None
    without = compute_totals(totals.subtotal, None, rules)
    extra = totals.total_payable - without.total_payable
    return extra if extra > 0 else None


def _user_id(owner: CartOwner) -> int | None:
    return None if isinstance(owner, Visitor) else owner
