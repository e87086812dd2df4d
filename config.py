"""Configuration read from environment variables (docs/behaviour.md#configuration).

`Config` holds each setting as the environment gives it, as text; `check_config`
turns the whole configuration (the environment and what create_app was given)
into typed values, and refuses to start, naming every bad setting, rather than
run with a negative tax rate or fail at the first order.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pycountry
from babel import Locale, UnknownLocaleError
from limits import parse_many
from marshmallow import Schema, ValidationError, fields, validate

PAYMENT_PROVIDERS = ("manual", "stripe")
STRIPE_KEYS = ("STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY", "STRIPE_WEBHOOK_SECRET")

BASE_DIR = Path(__file__).resolve().parent


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
    # The confirmation-email outbox (app/services/notifications/outbox.py), in seconds: how often beat
    # relays owed emails, how long a fresh one is left to the after-commit dispatch, and
    # how long a delivery may run before another worker may take it over (its worker died).
    OUTBOX_RELAY_INTERVAL_SECONDS = os.environ.get("OUTBOX_RELAY_INTERVAL_SECONDS", "30")
    OUTBOX_RELAY_GRACE_SECONDS = os.environ.get("OUTBOX_RELAY_GRACE_SECONDS", "10")
    OUTBOX_CLAIM_LEASE_SECONDS = os.environ.get("OUTBOX_CLAIM_LEASE_SECONDS", "300")
    # Rate limits count in Redis; while it is down they count in memory, so an outage
    # never refuses an order or a login, and a hung Redis fails fast.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 2}

    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = os.environ.get("MAIL_PORT", "25")
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "false")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "shop@storefront.test")
    MAIL_TIMEOUT = os.environ.get("MAIL_TIMEOUT", "30")  # seconds per SMTP socket operation
    # The shop's address as shoppers reach it: emailed links (order, reset, verification)
    # start with it, since an email is made on a worker with no request to take it from.
    STORE_URL = os.environ.get("STORE_URL", "http://localhost:5000")
    # SPEC section 10: visitors may check out without an account.
    GUEST_CHECKOUT = os.environ.get("GUEST_CHECKOUT", "true")
    # The rate limit of /orders/find per email (per client address it is LOGIN_RATE_LIMIT).
    ORDER_FIND_EMAIL_RATE_LIMIT = os.environ.get("ORDER_FIND_EMAIL_RATE_LIMIT", "5/hour")

    # The shop as shoppers see it: its name in the header, titles and emails, an optional
    # logo image, and the locale its pages, emails, money and dates are written in.
    STORE_NAME = os.environ.get("STORE_NAME", "Storefront")
    STORE_LOGO_URL = os.environ.get("STORE_LOGO_URL") or None
    STORE_LOCALE = os.environ.get("STORE_LOCALE", "en_US")
    STORE_CURRENCY = os.environ.get("STORE_CURRENCY", "USD")
    TAX_RATE = os.environ.get("TAX_RATE", "0.08")
    SHIPPING_FLAT_RATE = os.environ.get("SHIPPING_FLAT_RATE", "5.00")
    FREE_SHIPPING_THRESHOLD = os.environ.get("FREE_SHIPPING_THRESHOLD", "50.00")

    API_TOKEN_TTL_HOURS = os.environ.get("API_TOKEN_TTL_HOURS", "720")

    # Payments (docs/payments.md): manual (pay on delivery, an admin marks paid) or stripe.
    PAYMENT_PROVIDER = os.environ.get("PAYMENT_PROVIDER", "manual")
    PAYMENT_INSTRUCTIONS = os.environ.get("PAYMENT_INSTRUCTIONS", "Pay on delivery.")
    PAYMENT_TIMEOUT_MINUTES = os.environ.get("PAYMENT_TIMEOUT_MINUTES", "30")
    # How often beat runs the expiry and reconciliation (app/services/payments/expiry.py).
    PAYMENT_EXPIRY_INTERVAL_SECONDS = os.environ.get("PAYMENT_EXPIRY_INTERVAL_SECONDS", "60")
    STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY") or None
    STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY") or None
    STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET") or None
    STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "https://api.stripe.com")
    STRIPE_JS_URL = os.environ.get("STRIPE_JS_URL", "https://js.stripe.com/v3/")
    # Flask-Limiter limits: wrong passwords on the login page per visitor; in the JSON
    # API, token requests per account (email) and per client address, orders per account.
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10/minute")
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
    CATALOG_PAGE_CACHE_SECONDS = os.environ.get("CATALOG_PAGE_CACHE_SECONDS", "5")
    ORDERS_PER_PAGE = 20

    # Product images (SPEC section 11): `local` files under instance/media (MEDIA_ROOT), or `s3`.
    MEDIA_STORAGE = os.environ.get("MEDIA_STORAGE", "local")
    MEDIA_ROOT = os.environ.get("MEDIA_ROOT") or None
    S3_BUCKET = os.environ.get("S3_BUCKET") or None
    S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL") or None
    S3_PUBLIC_URL = os.environ.get("S3_PUBLIC_URL") or None
    S3_REGION = os.environ.get("S3_REGION") or os.environ.get("AWS_DEFAULT_REGION") or None
    # The shop's own address, for absolute image URLs in emails (the request's host otherwise).
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL") or None


class ConfigError(RuntimeError):
    """The configuration cannot run the shop safely."""


def _currency_code(code: str) -> None:
    if not (len(code) == 3 and code.isupper() and pycountry.currencies.get(alpha_3=code)):
        raise ValidationError("Not an ISO 4217 currency code, like USD or EUR.")


def _locale(name: str) -> None:
    try:
        locale = Locale.parse(name)
    except (ValueError, UnknownLocaleError):
        raise ValidationError("Not a locale, like en_US or de_DE.") from None
    # English is written in the code; any other language needs its catalog, or the shop would
    # show English words with, say, French money and dates (docs/translations.md).
    catalogs = BASE_DIR / "app" / "translations"
    if locale.language != "en" and not any((catalogs / code).is_dir() for code in (name, locale.language)):
        shipped = ", ".join(sorted(path.name for path in catalogs.iterdir() if path.is_dir()))
        raise ValidationError(f"No translation for {name} in app/translations/ (shipped: en_US, {shipped}).")


def _rate_limit(limit: str) -> None:
    try:
        parse_many(limit)
    except ValueError:
        raise ValidationError("Not a rate limit, like 10/minute or 100 per hour.") from None


def _whole_cents(amount) -> None:
    if amount.as_tuple().exponent < -2:
        raise ValidationError("An amount of money has at most 2 decimal places.")


def _http_origin(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path.strip("/"):
        raise ValidationError("Not an http(s) origin, like https://api.stripe.com.")


def _logo_url(url: str) -> None:
    parts = urlsplit(url)
    is_web_url = parts.scheme in ("http", "https") and bool(parts.netloc)
    is_path = url.startswith("/") and not url.startswith("//")
    if not (is_web_url or is_path) or any(character.isspace() for character in url):
        raise ValidationError("Not an image address: an http(s) URL or a path starting with /.")


def _seconds(*, above_zero: bool = True) -> fields.Float:
    return fields.Float(validate=validate.Range(min=0, min_inclusive=not above_zero))


def _amount(*, cents: bool = False, **limits) -> fields.Decimal:
    return fields.Decimal(validate=[validate.Range(**limits), *([_whole_cents] if cents else [])])


class Settings(Schema):
    """What each setting may be; loading the text of each gives its typed value."""

    STORE_ENV = fields.String(validate=validate.OneOf(["development", "production"]))
    MAIL_PORT = fields.Integer(validate=validate.Range(min=1, max=65535))
    MAIL_USE_TLS = fields.Boolean(falsy=fields.Boolean.falsy | {""})
    MAIL_TIMEOUT = _seconds()
    STORE_URL = fields.Url(require_tld=False, schemes={"http", "https"})
    GUEST_CHECKOUT = fields.Boolean(falsy=fields.Boolean.falsy | {""})
    ORDER_FIND_EMAIL_RATE_LIMIT = fields.String(validate=_rate_limit)
    STORE_NAME = fields.String(validate=validate.Length(min=1, max=80))
    STORE_LOGO_URL = fields.String(allow_none=True, validate=[validate.Length(max=2000), _logo_url])
    STORE_LOCALE = fields.String(validate=_locale)
    STORE_CURRENCY = fields.String(validate=_currency_code)
    TAX_RATE = _amount(min=0, max=1)  # a fraction: 0.08 is 8%
    SHIPPING_FLAT_RATE = _amount(min=0, cents=True)
    FREE_SHIPPING_THRESHOLD = _amount(min=0, cents=True)
    API_TOKEN_TTL_HOURS = fields.Integer(validate=validate.Range(min=1))
    LOGIN_RATE_LIMIT = fields.String(validate=_rate_limit)
    API_TOKEN_RATE_LIMIT = fields.String(validate=_rate_limit)
    API_TOKEN_ADDRESS_RATE_LIMIT = fields.String(validate=_rate_limit)
    API_ORDER_RATE_LIMIT = fields.String(validate=_rate_limit)
    TRUSTED_PROXIES = fields.Integer(validate=validate.Range(min=0, max=5))
    OUTBOX_RELAY_INTERVAL_SECONDS = _seconds()
    OUTBOX_RELAY_GRACE_SECONDS = _seconds(above_zero=False)
    OUTBOX_CLAIM_LEASE_SECONDS = _seconds()
    CATALOG_PAGE_CACHE_SECONDS = fields.Integer(validate=validate.Range(min=0))  # 0: off
    PAYMENT_PROVIDER = fields.String(validate=validate.OneOf(PAYMENT_PROVIDERS))
    PAYMENT_INSTRUCTIONS = fields.String(validate=validate.Length(max=1000))
    PAYMENT_TIMEOUT_MINUTES = fields.Integer(validate=validate.Range(min=3, max=7 * 24 * 60))
    PAYMENT_EXPIRY_INTERVAL_SECONDS = _seconds()
    STRIPE_API_BASE = fields.String(validate=_http_origin)
    STRIPE_JS_URL = fields.Url(require_tld=False, schemes={"http", "https"})
    MEDIA_STORAGE = fields.String(validate=validate.OneOf(["local", "s3"]))


SETTINGS = Settings()


def check_config(config: dict) -> None:
    """Type every setting, or refuse to start naming each bad one; production needs a secret
    key, and stripe its three keys."""
    given = {name: config[name] for name in SETTINGS.fields if name in config}
    try:
        config.update(SETTINGS.load(given))
    except ValidationError as error:
        problems = [f"{name}={given[name]!r}: {' '.join(error.messages[name])}" for name in error.messages]
        raise ConfigError("Bad settings, so the shop will not start:\n  " + "\n  ".join(problems)) from None
    if config["PAYMENT_PROVIDER"] == "stripe":
        missing = [name for name in STRIPE_KEYS if not config.get(name)]
        if missing:
            raise ConfigError(
                "PAYMENT_PROVIDER=stripe needs " + ", ".join(missing) + ", so the shop will not start"
            )
    if config.get("MEDIA_STORAGE") == "s3" and not config.get("S3_BUCKET"):
        raise ConfigError("S3_BUCKET must be set when MEDIA_STORAGE=s3")
    if config["STORE_ENV"] == "production" and not config.get("SECRET_KEY"):
        raise ConfigError("SECRET_KEY must be set when STORE_ENV=production")
    if not config.get("SECRET_KEY"):
        # Development only: a fixed key keeps sessions across restarts of the dev server.
        config["SECRET_KEY"] = "dev-only-not-secret"
