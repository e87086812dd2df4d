"""Fixtures: a fresh app per test on the test database (SQLite file or PostgreSQL).

Set TEST_DATABASE_URL to run the suite on PostgreSQL; `.ci/run` does.
"""

import os

import pytest
from flask import g
from sqlalchemy import text

from app import create_app
from app.extensions import db
from tests import factories

PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    app = create_app(_test_config(url))
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.engine.dispose()
    return url


def _test_config(url: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "WTF_CSRF_ENABLED": False,
        "MAIL_SUPPRESS_SEND": True,
        "MAIL_SERVER": None,
        "CELERY_BROKER_URL": None,
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "SERVER_NAME": None,
    }


@pytest.fixture
def app_config(database_url) -> dict:
    """Override in a test module to change the app's configuration."""
    return _test_config(database_url)


@pytest.fixture
def app(app_config):
    app = create_app(app_config)

    @app.before_request
    def forget_request_globals() -> None:
        # The test keeps one app context pushed, and requests reuse it; without this, the
        # user Flask-Login and the token Flask-WTF cache in `g` would outlive their request.
        g.pop("_login_user", None)
        g.pop("csrf_token", None)

    with app.app_context():
        yield app
        db.session.remove()
        empty_all_tables()
        db.engine.dispose()


def empty_all_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(table.name for table in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def is_postgres(app) -> bool:
    return db.engine.dialect.name == "postgresql"


@pytest.fixture
def shopper(app):
    return factories.UserFactory(email="shopper@example.com", password=PASSWORD)


@pytest.fixture
def other_shopper(app):
    return factories.UserFactory(email="other@example.com", password=PASSWORD)


@pytest.fixture
def admin(app):
    return factories.UserFactory(email="admin@example.com", password=PASSWORD, is_admin=True)


class AuthActions:
    """Log in and out through the real pages, as the Flask tutorial's tests do."""

    def __init__(self, client):
        self._client = client

    def login(self, email: str = "shopper@example.com", password: str = PASSWORD):
        return self._client.post("/auth/login", data={"email": email, "password": password})

    def logout(self):
        return self._client.post("/auth/logout")


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)
