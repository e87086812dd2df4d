"""Settings (docs/behaviour.md#configuration): a bad value stops the shop at start-up, naming the variable."""

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from app import create_app
from config import ConfigError
from tests.conftest import _test_config

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("name", "bad", "reason"),
    [
        ("TAX_RATE", "abc", "Not a valid number"),
        ("TAX_RATE", "-0.05", "greater than or equal to 0"),
        ("TAX_RATE", "8", "less than or equal to 1"),
        ("SHIPPING_FLAT_RATE", "NaN", "not permitted"),
        ("SHIPPING_FLAT_RATE", "-5", "greater than or equal to 0"),
        ("FREE_SHIPPING_THRESHOLD", "fifty", "Not a valid number"),
        ("FREE_SHIPPING_THRESHOLD", "49.991", "at most 2 decimal places"),
        ("SHIPPING_FLAT_RATE", "4.995", "at most 2 decimal places"),
        ("STORE_CURRENCY", "usdollars", "ISO 4217"),
        ("STORE_CURRENCY", "ABC", "ISO 4217"),
        ("STORE_ENV", "prod", "Must be one of: development, production"),
        ("MAIL_PORT", "smtp", "Not a valid integer"),
        ("MAIL_PORT", "70000", "less than or equal to 65535"),
        ("MAIL_USE_TLS", "treu", "Not a valid boolean"),
        ("MAIL_TIMEOUT", "0", "greater than 0"),
        ("API_TOKEN_TTL_HOURS", "0", "greater than or equal to 1"),
        ("API_TOKEN_TTL_HOURS", "1.5", "Not a valid integer"),
        ("API_ORDER_RATE_LIMIT", "lots", "Not a rate limit"),
        ("LOGIN_RATE_LIMIT", "10/fortnight", "Not a rate limit"),
        ("OUTBOX_RELAY_INTERVAL_SECONDS", "-3", "greater than 0"),
        ("OUTBOX_CLAIM_LEASE_SECONDS", "inf", "not permitted"),
        ("CATALOG_PAGE_CACHE_SECONDS", "five", "Not a valid integer"),
        ("CATALOG_PAGE_CACHE_SECONDS", "-1", "greater than or equal to 0"),
    ],
)
def test_a_bad_setting_refuses_to_start_and_names_itself(database_url, name, bad, reason):
    with pytest.raises(ConfigError) as refused:
        create_app({**_test_config(database_url), name: bad})

    assert f"{name}={bad!r}" in str(refused.value)
    assert reason in str(refused.value)


def test_every_bad_setting_is_named_at_once(database_url):
    with pytest.raises(ConfigError) as refused:
        create_app({**_test_config(database_url), "TAX_RATE": "8%", "MAIL_PORT": "x"})

    assert "TAX_RATE='8%'" in str(refused.value)
    assert "MAIL_PORT='x'" in str(refused.value)


def test_settings_written_as_text_become_their_values(database_url):
    app = create_app(
        {
            **_test_config(database_url),
            "TAX_RATE": "0.075",
            "SHIPPING_FLAT_RATE": "4.5",
            "MAIL_PORT": "2525",
            "MAIL_USE_TLS": "yes",
            "MAIL_TIMEOUT": "2.5",
            "CATALOG_PAGE_CACHE_SECONDS": "0",
            "TRUSTED_PROXIES": "1",
        }
    )

    assert app.config["TAX_RATE"] == Decimal("0.075")
    assert app.config["SHIPPING_FLAT_RATE"] == Decimal("4.5")
    assert app.config["MAIL_PORT"] == 2525
    assert app.config["MAIL_USE_TLS"] is True
    assert app.config["MAIL_TIMEOUT"] == 2.5
    assert app.config["CATALOG_PAGE_CACHE_SECONDS"] == 0
    assert app.config["TRUSTED_PROXIES"] == 1


def test_an_unset_mail_use_tls_is_off(database_url):
    app = create_app({**_test_config(database_url), "MAIL_USE_TLS": ""})

    assert app.config["MAIL_USE_TLS"] is False


def test_a_bad_setting_in_the_environment_stops_the_process_with_its_name():
    environment = {**os.environ, "TAX_RATE": "eight percent", "DATABASE_URL": "sqlite://"}

    started = subprocess.run(
        [sys.executable, "-c", "from app import create_app; create_app()"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert started.returncode != 0
    assert "ConfigError" in started.stderr
    assert "TAX_RATE='eight percent': Not a valid number." in started.stderr
