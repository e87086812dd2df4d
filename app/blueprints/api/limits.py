"""Rate limits of the API (Flask-Limiter): token requests and orders.

The limits are configuration (API_TOKEN_RATE_LIMIT per account,
API_TOKEN_ADDRESS_RATE_LIMIT per client address, API_ORDER_RATE_LIMIT per
account). The decorators are created once: the limiter is shared by every app
built in this process, and one limit object keeps a request from counting twice.
"""

from flask import current_app, g, request
from flask_limiter.util import get_remote_address

from app.blueprints.api.auth import current_user_id
from app.extensions import limiter


def _config(name: str):
    return lambda: current_app.config[name]


def _account_of_token_request() -> str:
    body = request.get_json(silent=True)
    email = body.get("email") if isinstance(body, dict) else None
    return "email:" + (email.strip().lower() if isinstance(email, str) else "")


def _client_address() -> str:
    return "address:" + (get_remote_address() or "unknown")


def _account_of_caller() -> str:
    return f"user:{current_user_id()}"


token_requests_per_account = limiter.limit(
    _config("API_TOKEN_RATE_LIMIT"),
    key_func=_account_of_token_request,
    error_message="Too many token requests for this account; try again later.",
)
token_requests_per_address = limiter.limit(
    _config("API_TOKEN_ADDRESS_RATE_LIMIT"),
    key_func=_client_address,
    error_message="Too many token requests from this address; try again later.",
)


# Asking for a password reset: limited like logging in per address, and per email.
password_resets_per_address = limiter.limit(
    _config("LOGIN_RATE_LIMIT"),
    key_func=_client_address,
    error_message="Too many password reset requests from this address; try again later.",
)
password_resets_per_account = limiter.limit(
    _config("API_TOKEN_RATE_LIMIT"),
    key_func=_account_of_token_request,
    error_message="Too many password reset requests for this email; try again later.",
)


def _unless_replayed(response) -> bool:
    return not g.get("order_replayed", False)


def not_counted_as_an_order() -> None:
    """This request was a repeat answered from its Idempotency-Key: it placed nothing."""
    g.order_replayed = True


# Every checkout attempt counts, refused ones too, but not a repeat that got its
# original order back: a client retrying after a lost answer must not be locked
# out by its own retries. (A repeat that arrives when the limit is already used up
# is still refused until the window passes: the limit is checked before the view.)
orders_per_account = limiter.limit(
    _config("API_ORDER_RATE_LIMIT"),
    key_func=_account_of_caller,
    deduct_when=_unless_replayed,
    error_message="Too many orders in a short time; try again later.",
)
