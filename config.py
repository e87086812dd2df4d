"""Configuration read from environment variables (SPEC section 8)."""

import os
from decimal import Decimal
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_decimal(name: str, default: str) -> Decimal:
    return Decimal(os.environ.get(name, default))


class Config:
    """Settings shared by every environment; each one can be set in the environment."""

    STORE_ENV = os.environ.get("STORE_ENV", "development")
    SECRET_KEY = os.environ.get("SECRET_KEY")

    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{BASE_DIR / 'instance' / 'storefront.db'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}

    CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or None
    REDIS_URL = os.environ.get("REDIS_URL") or None
    # The confirmation-email outbox (app/services/outbox.py), in seconds: how often beat
    # relays owed emails, how long a fresh one is left to the after-commit dispatch, and
    # how long a delivery may run before another worker may take it over (its worker died).
    OUTBOX_RELAY_INTERVAL_SECONDS = float(os.environ.get("OUTBOX_RELAY_INTERVAL_SECONDS", "30"))
    OUTBOX_RELAY_GRACE_SECONDS = float(os.environ.get("OUTBOX_RELAY_GRACE_SECONDS", "10"))
    OUTBOX_CLAIM_LEASE_SECONDS = float(os.environ.get("OUTBOX_CLAIM_LEASE_SECONDS", "300"))
    # Rate limits count in Redis; while it is down they count in memory, so an outage
    # never refuses an order or a login, and a hung Redis fails fast.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 2}

    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "shop@storefront.test")
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", "30"))  # seconds per SMTP socket operation

    STORE_CURRENCY = os.environ.get("STORE_CURRENCY", "USD")
    TAX_RATE = _env_decimal("TAX_RATE", "0.08")
    SHIPPING_FLAT_RATE = _env_decimal("SHIPPING_FLAT_RATE", "5.00")
    FREE_SHIPPING_THRESHOLD = _env_decimal("FREE_SHIPPING_THRESHOLD", "50.00")

    API_TOKEN_TTL_HOURS = int(os.environ.get("API_TOKEN_TTL_HOURS", "720"))
    # Flask-Limiter limits of the JSON API: token requests per account (email) and
    # per client address, orders per account.
    API_TOKEN_RATE_LIMIT = os.environ.get("API_TOKEN_RATE_LIMIT", "10/minute")
    API_TOKEN_ADDRESS_RATE_LIMIT = os.environ.get("API_TOKEN_ADDRESS_RATE_LIMIT", "30/minute")
    API_ORDER_RATE_LIMIT = os.environ.get("API_ORDER_RATE_LIMIT", "30/minute")
    MAX_CONTENT_LENGTH = 64 * 1024
    # How many proxies (load balancer, TLS terminator) stand in front of the web processes.
    # Their X-Forwarded-For and X-Forwarded-Proto are believed (werkzeug's ProxyFix), so the
    # rate limits count per visitor, not per proxy. 0: visitors reach gunicorn directly, and
    # those headers, which anyone can send, are ignored.
    TRUSTED_PROXIES = os.environ.get("TRUSTED_PROXIES", "0")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = STORE_ENV == "production"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = STORE_ENV == "production"

    PRODUCTS_PER_PAGE = 12
    # How long each web process keeps the product list as anonymous visitors see it
    # (app/blueprints/shop/page_cache.py): a product selling out shows that much late at
    # most; admin changes clear it at once in the process that made them. 0 turns it off.
    CATALOG_PAGE_CACHE_SECONDS = int(os.environ.get("CATALOG_PAGE_CACHE_SECONDS", "5"))
    ORDERS_PER_PAGE = 20


class ConfigError(RuntimeError):
    """The configuration cannot run the shop safely."""


def check_config(config: dict) -> None:
    """Refuse to start in production without a secret key, or with a bad proxy count."""
    config["TRUSTED_PROXIES"] = _proxy_count(config.get("TRUSTED_PROXIES", 0))
    if config["STORE_ENV"] == "production" and not config.get("SECRET_KEY"):
        raise ConfigError("SECRET_KEY must be set when STORE_ENV=production")
    if not config.get("SECRET_KEY"):
        # Development only: a fixed key keeps sessions across restarts of the dev server.
        config["SECRET_KEY"] = "dev-only-not-secret"


def _proxy_count(value) -> int:
    try:
        count = int(str(value).strip())
    except ValueError:
        count = -1
    if not 0 <= count <= 5:
        raise ConfigError(f"TRUSTED_PROXIES must be a whole number from 0 to 5, not {value!r}")
    return count
