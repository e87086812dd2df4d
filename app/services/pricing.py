"""The money rules of SPEC section 1."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from flask import current_app

from app.models.coupons import PERCENT, Coupon
from app.models.types import ZERO

CENT = Decimal("0.01")


def to_cents(amount: Decimal) -> Decimal:
    """Round half-up to the cent, as every step of the totals does."""
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def _decimal(value) -> Decimal:
    """A configured rate as written: via str, so a float 0.075 is 0.075, not 0.07499999..."""
    return value if isinstance(value, Decimal) else Decimal(str(value))


@dataclass(frozen=True)
class PricingRules:
    tax_rate: Decimal
    shipping_flat_rate: Decimal
    free_shipping_threshold: Decimal
    currency: str

    @classmethod
    def from_config(cls) -> "PricingRules":
        config = current_app.config
        return cls(
            tax_rate=_decimal(config["TAX_RATE"]),
            shipping_flat_rate=to_cents(_decimal(config["SHIPPING_FLAT_RATE"])),
            free_shipping_threshold=to_cents(_decimal(config["FREE_SHIPPING_THRESHOLD"])),
            currency=config["STORE_CURRENCY"],
        )


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    discount: Decimal
    shipping: Decimal
    tax: Decimal
    total_payable: Decimal
    currency: str

    @property
    def discounted(self) -> Decimal:
        return self.subtotal - self.discount

    def as_dict(self) -> dict[str, Decimal | str]:
        return {
            "subtotal": self.subtotal,
            "discount": self.discount,
            "shipping": self.shipping,
            "tax": self.tax,
            "total_payable": self.total_payable,
            "currency": self.currency,
        }


def line_total(unit_price: Decimal, quantity: int) -> Decimal:
    return to_cents(unit_price * quantity)


def discount_for(coupon: Coupon | None, subtotal: Decimal) -> Decimal:
    """Percent: rounded share of the subtotal; fixed: never more than the subtotal."""
    if coupon is None:
        return ZERO
    if coupon.kind == PERCENT:
        return to_cents(subtotal * coupon.value / 100)
    return to_cents(min(coupon.value, subtotal))


def compute_totals(subtotal: Decimal, coupon: Coupon | None, rules: PricingRules | None = None) -> Totals:
    """Every amount of SPEC section 1 from the subtotal and the coupon."""
    rules = rules or PricingRules.from_config()
    subtotal = to_cents(subtotal)
    discount = discount_for(coupon, subtotal)
    discounted = subtotal - discount
    shipping = ZERO if discounted >= rules.free_shipping_threshold else rules.shipping_flat_rate
    tax = to_cents(discounted * rules.tax_rate)
    return Totals(
        subtotal=subtotal,
        discount=discount,
        shipping=shipping,
        tax=tax,
        total_payable=discounted + shipping + tax,
        currency=rules.currency,
    )
