"""The money rules (docs/behaviour.md#money-and-totals)."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from flask import current_app

from app.models.coupons import PERCENT, Coupon
from app.models.types import ZERO
from app.services.errors import OrderTooLarge

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("9999999999.99")  # the most a Numeric(12, 2) money column holds


def amount_problem(amount: Decimal) -> str | None:
    """Why `amount` cannot be stored as money exactly as given, or None when it can.

    A phrase to follow the amount's name ("... has more than 2 decimal places."): the
    one rule for money typed in by a person, who must be told, not silently rounded
    (0.001 would be stored as 0.00). The sign is for the caller to check.
    """
    if not amount.is_finite():
        return "is not a number"
    if abs(amount) > MAX_AMOUNT:
        return f"cannot be more than {MAX_AMOUNT:,}"
    if amount != amount.quantize(CENT):
        return "has more than 2 decimal places"
    return None


def parse_decimal(value) -> Decimal | None:
    """A number exactly as a person wrote it (text, int or Decimal); None unless finite.

    The one parser of typed-in money and percents: the admin forms, the CSV import,
    the coupon rules and the CLI all read amounts through it.
    """
    if not isinstance(value, Decimal):
        try:
            value = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            return None
    return value if value.is_finite() else None


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

    def amounts(self) -> tuple[Decimal, ...]:
        """Every amount an order stores (each line total is at most the subtotal)."""
        return self.subtotal, self.discount, self.shipping, self.tax, self.total_payable

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
    """Every amount of the totals from the subtotal and the coupon (docs/behaviour.md#money-and-totals).

    Raises OrderTooLarge when an amount would not fit its column (each line total is
    at most the subtotal), before the caller writes anything.
    """
    rules = rules or PricingRules.from_config()
    subtotal = to_cents(subtotal)
    discount = discount_for(coupon, subtotal)
    discounted = subtotal - discount
    shipping = ZERO if discounted >= rules.free_shipping_threshold else rules.shipping_flat_rate
    tax = to_cents(discounted * rules.tax_rate)
    totals = Totals(
        subtotal=subtotal,
        discount=discount,
        shipping=shipping,
        tax=tax,
        total_payable=discounted + shipping + tax,
        currency=rules.currency,
    )
    if any(abs(amount) > MAX_AMOUNT for amount in totals.amounts()):
        raise OrderTooLarge(MAX_AMOUNT, totals)
    return totals
