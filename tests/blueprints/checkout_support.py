"""Shared set-up for the checkout and order page tests."""

from decimal import Decimal

from flask import session
from flask_login import login_user

from tests import factories

# The default rates (docs/behaviour.md#money-and-totals), pinned so the expected totals do not
# depend on the environment.
PRICING_CONFIG = {
    "TAX_RATE": Decimal("0.08"),
    "SHIPPING_FLAT_RATE": Decimal("5.00"),
    "FREE_SHIPPING_THRESHOLD": Decimal("50.00"),
    "STORE_CURRENCY": "USD",
}


def log_in(client, user) -> None:
    """Start a logged-in browser session for `user`, as the login page would."""
    with client.application.test_request_context(environ_base=client.environ_base):
        login_user(user)
        logged_in = dict(session)
    with client.session_transaction() as browser_session:
        browser_session.update(logged_in)


def saved_address(user, **fields):
    return factories.AddressFactory(user=user, is_default=True, **fields)


def flashes(client) -> list[str]:
    with client.session_transaction() as browser_session:
        return [message for _category, message in browser_session.get("_flashes", [])]
