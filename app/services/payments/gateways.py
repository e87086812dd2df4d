"""Which card provider the shop uses: the one place that knows every provider module.

A second provider is one module beside stripe.py and one line in PROVIDERS.
"""

from flask import current_app

from app.services.payments.providers import CardProvider
from app.services.payments.stripe import StripeProvider

PROVIDERS = {"stripe": StripeProvider}


def configured_name() -> str:
    """The provider new orders are paid through (PAYMENT_PROVIDER)."""
    return current_app.config["PAYMENT_PROVIDER"]


def card_provider(name: str | None = None) -> CardProvider:
    """The provider's object for `name` (default: the configured one)."""
    return PROVIDERS[name or configured_name()].from_config(current_app.config)
