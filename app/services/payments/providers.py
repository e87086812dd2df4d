"""The interface a card payment provider meets, and the configured one.

A second provider is one more module with a class like stripe.StripeProvider,
named in PROVIDERS. `manual` takes no card: it has no class (manual.py).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

# Currencies whose smallest unit is not the hundredth (ISO 4217 exponents, as Stripe uses them).
ZERO_DECIMAL = {
    "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "MGA", "PYG",
    "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF",
}  # fmt: skip
THREE_DECIMAL = {"BHD", "JOD", "KWD", "OMR", "TND"}


def minor_units(amount: Decimal, currency: str) -> int:
    """The amount in the currency's smallest unit: cents for USD, yen for JPY."""
    code = currency.upper()
    exponent = 0 if code in ZERO_DECIMAL else 3 if code in THREE_DECIMAL else 2
    return int((amount * 10**exponent).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Intent:
    """A provider's payment intent as the shop needs it."""

    id: str
    status: str  # the provider's word: requires_payment_method, processing, succeeded, canceled...
    amount: int  # minor units
    currency: str  # lower case, as Stripe writes it
    client_secret: str | None = None
    failure_message: str = ""
    order_number: str | None = None


@dataclass(frozen=True)
class Refund:
    id: str
    amount: int  # minor units
    status: str


@dataclass(frozen=True)
class ProviderEvent:
    """A verified webhook event: its id, type and the intent it is about (None for other objects)."""

    id: str
    type: str
    intent: Intent | None


class ProviderError(Exception):
    """The provider refused or could not be reached; `message` is for a person."""

    def __init__(self, message: str, *, unreachable: bool = False):
        super().__init__(message)
        self.message = message
        self.unreachable = unreachable


class BadSignature(Exception):
    """A webhook whose signature is missing, wrong or too old."""


class CardProvider(Protocol):
    name: str

    def create_intent(self, *, order_number: str, amount: int, currency: str) -> Intent: ...
    def retrieve_intent(self, intent_id: str) -> Intent: ...
    def cancel_intent(self, intent_id: str, *, order_number: str) -> Intent: ...
    def refund(self, intent_id: str, *, order_number: str) -> Refund: ...
    def verify_event(self, payload: bytes, signature: str | None) -> ProviderEvent: ...
