"""The domain errors a service raises, each with the answer the API gives it.

`http_status` and `code` are the API's status and error code (docs/api.md);
`details()` is what the API puts in the error body's `details`. Pages choose
their own words where a shopper needs different ones.

Messages are written in the shop's language (STORE_LOCALE) when the error is raised:
pages show them as they are, and so does the API's `message` (its codes stay English).
"""

from dataclasses import dataclass

from babel.numbers import format_decimal
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.services.ordering.statuses import status_label


class DefaultMessage:
    """An error class's own message, a plain string in the shop's language whenever it is
    read: `EmptyCart.message` as much as a raised error's (never a lazy string in a flash)."""

    def __init__(self, text):
        self.text = text

    def __get__(self, instance, owner=None) -> str:
        return str(self.text)


class ShopError(Exception):
    """A request the shop refuses, with a message for a person."""

    message = DefaultMessage(_l("The request was refused."))
    http_status = 400
    code = "validation_error"

    def __init__(self, message: str | None = None):
        self.message = str(message or self.message)
        super().__init__(self.message)

    def details(self) -> dict:
        """The machine-readable part of the refusal (the API's `details`)."""
        return {"fields": {}} if self.code == "validation_error" else {}


class NotFound(ShopError):
    message = DefaultMessage(_l("Not found."))
    http_status = 404
    code = "not_found"


class ValidationFailed(ShopError):
    """Bad input for one or more named fields."""

    def __init__(self, fields: dict[str, list[str]], message: str | None = None):
        super().__init__(message or _("Some fields are invalid."))
        self.fields = fields

    def details(self) -> dict:
        return {"fields": self.fields}


class AddressNotYours(ValidationFailed):
    def __init__(self):
        super().__init__(
            {"address_id": [_("Choose one of your own addresses.")]}, _("That address is not one of yours.")
        )


class CouponUnusable(ValidationFailed):
    """The coupon fails one rule of docs/behaviour.md#coupons; `reason` names the rule."""

    def __init__(self, reason: str, message: str):
        super().__init__({"coupon_code": [message]}, message)
        self.reason = reason


class OrderTooLarge(ValidationFailed):
    """An amount of the order's totals is over what a money column holds (Numeric(12, 2)).

    Reported on `cart`: the shopper's way out is a smaller cart. `totals` are the
    amounts as computed, for a page that shows them next to the refusal.
    """

    def __init__(self, limit, totals=None):
        message = _(
            "This order's total is over the most one order can hold (%(limit)s); please order fewer items.",
            # Outside an app (pure pricing tests) there is no shop locale: English then.
            limit=format_decimal(limit, locale=get_locale() or "en_US"),
        )
        super().__init__({"cart": [message]}, message)
        self.totals = totals


class EmptyCart(ShopError):
    message = DefaultMessage(_l("Your cart is empty."))
    code = "empty_cart"


@dataclass(frozen=True)
class ShortLine:
    product_id: int
    sku: str
    name: str
    requested: int
    available: int


class InsufficientStock(ShopError):
    """Some lines cannot be filled; only those lines are listed."""

    http_status = 409
    code = "insufficient_stock"

    def __init__(self, items: list[ShortLine]):
        names = ", ".join(
            _(
                "%(name)s (you asked for %(requested)s, %(available)s available)",
                name=line.name,
                requested=line.requested,
                available=line.available,
            )
            for line in items
        )
        super().__init__(_("Not enough stock for: %(lines)s.", lines=names))
        self.items = items

    def details(self) -> dict:
        return {
            "items": [
                {"product_id": i.product_id, "sku": i.sku, "requested": i.requested, "available": i.available}
                for i in self.items
            ]
        }


class InvalidTransition(ShopError):
    http_status = 409
    code = "invalid_transition"

    def __init__(self, current: str, target: str):
        super().__init__(
            _(
                "An order that is %(current)s cannot become %(target)s.",
                current=status_label(current).lower(),
                target=status_label(target).lower(),
            )
        )
        self.current = current
        self.target = target

    def details(self) -> dict:
        return {"status": self.current, "target": self.target}


class IdempotencyKeyReused(ShopError):
    message = "This Idempotency-Key was already used with a different request."
    http_status = 422
    code = "idempotency_key_reused"


class IdempotencyKeyInUse(ShopError):
    message = "A request with this Idempotency-Key is still being processed."
    http_status = 409
    code = "idempotency_key_in_use"


class InvalidLink(ShopError):
    """An emailed link that is forged, expired, already used or outdated: all look the same."""

    message = DefaultMessage(_l("This link is invalid or has expired. Please ask for a new one."))
    http_status = 404
    code = "not_found"
