"""The storefront application factory."""

import logging
import os

from flask import Flask

from config import Config, check_config


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints, commands, error pages."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(Config)
    if test_config:
        app.config.update(test_config)
    check_config(app.config)
    os.makedirs(app.instance_path, exist_ok=True)
    logging.basicConfig(level=logging.INFO)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)

    _init_extensions(app)
    _register_blueprints(app)

    from app import cli, errors, security, tasks, templating

    security.init_security(app)
    cli.register(app)
    tasks.register(app)
    errors.register(app)
    templating.register(app)
    _start_payments(app)

    @app.get("/healthz")
    def healthz():
        """For load balancers: the process answers (touches no database)."""
        return "ok", 200, {"Content-Type": "text/plain"}

    return app


def _init_extensions(app: Flask) -> None:
    from flask_babel import lazy_gettext

    from app import models  # noqa: F401  (registers the tables with the metadata)
    from app.extensions import (
        babel,
        celery_init_app,
        csrf,
        db,
        limiter,
        login_manager,
        mail,
        migrate,
    )

    db.init_app(app)
    migrate.init_app(
        app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"), render_as_batch=True
    )
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    # Read in the shop's language when flashed (str() of the lazy text).
    login_manager.login_message = lazy_gettext("Please log in to continue.")
    login_manager.localize_callback = str
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    csrf.init_app(app)
    if not app.config.get("MAIL_SERVER"):
        # No mail server configured: messages are written to the log instead.
        app.config["MAIL_SUPPRESS_SEND"] = True
    mail.init_app(app)
    # One locale per shop (STORE_LOCALE): pages and emails, made in a request or on a worker.
    babel.init_app(app, locale_selector=lambda: app.config["STORE_LOCALE"])
    app.config.setdefault("RATELIMIT_STORAGE_URI", _rate_limit_storage(app.config))
    limiter.init_app(app)
    celery_init_app(app)

    from app.models import User

    @login_manager.user_loader
    def load_user(cookie_id: str) -> User | None:
        # "<id>.<session version>" (User.get_id): a cookie from before a logout is stale.
        user_id, _, version = cookie_id.partition(".")
        if not (user_id.isdigit() and version.isdigit()):
            return None
        user = db.session.get(User, int(user_id))
        return user if user is not None and user.session_version == int(version) else None


def _start_payments(app: Flask) -> None:
    """Card payments open after each order commits; pages and emails say how to pay."""
    from app.services.payments import intents

    intents.listen()
    app.add_template_global(intents.payment_instructions)
    app.add_template_global(intents.payment_of)


def _rate_limit_storage(config) -> str:
    if config.get("REDIS_URL"):
        return config["REDIS_URL"]
    broker = config.get("CELERY_BROKER_URL") or ""
    if broker.startswith(("redis://", "rediss://")):
        return broker
    return "memory://"


def _register_blueprints(app: Flask) -> None:
    from app.blueprints import input_rules
    from app.blueprints.account.routes import bp as account_bp
    from app.blueprints.admin.routes import bp as admin_bp
    from app.blueprints.api import init_api
    from app.blueprints.auth.routes import bp as auth_bp
    from app.blueprints.cart.routes import bp as cart_bp
    from app.blueprints.checkout.routes import bp as checkout_bp
    from app.blueprints.payments.routes import bp as payments_bp
    from app.blueprints.shop.routes import bp as shop_bp

    input_rules.init_app(app)  # its URL converter must be in place before the routes are added
    for blueprint in (shop_bp, cart_bp, auth_bp, account_bp, checkout_bp, payments_bp, admin_bp):
        app.register_blueprint(blueprint)
    init_api(app)
