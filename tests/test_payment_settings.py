"""Payment settings (docs/payments.md): manual by default; stripe needs its keys to start."""

import pytest

from app import create_app
from config import ConfigError
from tests.conftest import _test_config

STRIPE_KEYS = {
    "STRIPE_SECRET_KEY": "sk_test_x",
    "STRIPE_PUBLISHABLE_KEY": "pk_test_x",
    "STRIPE_WEBHOOK_SECRET": "whsec_x",
}


def test_manual_is_the_default_and_needs_no_stripe_account(database_url):
    app = create_app(_test_config(database_url))
    assert app.config["PAYMENT_PROVIDER"] == "manual"
    assert app.config["PAYMENT_INSTRUCTIONS"] == "Pay on delivery."
    assert app.config["PAYMENT_TIMEOUT_MINUTES"] == 30
    assert app.config["STRIPE_JS_URL"] == "https://js.stripe.com/v3/"


@pytest.mark.parametrize("missing", sorted(STRIPE_KEYS))
def test_stripe_with_a_missing_key_refuses_to_start_naming_it(database_url, missing):
    settings = {**_test_config(database_url), **STRIPE_KEYS, "PAYMENT_PROVIDER": "stripe", missing: None}
    with pytest.raises(ConfigError) as refused:
        create_app(settings)
    assert missing in str(refused.value)


def test_stripe_with_its_keys_starts(database_url):
    app = create_app({**_test_config(database_url), **STRIPE_KEYS, "PAYMENT_PROVIDER": "stripe"})
    assert app.config["PAYMENT_PROVIDER"] == "stripe"


@pytest.mark.parametrize(
    ("name", "bad", "reason"),
    [
        ("PAYMENT_PROVIDER", "paypal", "Must be one of: manual, stripe"),
        ("PAYMENT_TIMEOUT_MINUTES", "0", "greater than or equal to 3"),
        ("PAYMENT_TIMEOUT_MINUTES", "half an hour", "Not a valid integer"),
        ("STRIPE_API_BASE", "api.stripe.com", "Not an http(s) origin"),
        ("STRIPE_JS_URL", "js.stripe.com/v3", "Not a valid URL"),
    ],
)
def test_a_bad_payment_setting_refuses_to_start_and_names_itself(database_url, name, bad, reason):
    with pytest.raises(ConfigError) as refused:
        create_app({**_test_config(database_url), name: bad})
    assert f"{name}={bad!r}" in str(refused.value)
    assert reason in str(refused.value)
