"""Fixtures for the integration suite: the real PostgreSQL, Redis, SMTP, celery and gunicorn.

`.ci/run` sets TEST_DATABASE_URL (a fresh PostgreSQL database) and
STOREFRONT_REQUIRE_SERVICES=1, under which a missing service fails the test.
Without it (a developer without the services) such a test is skipped, saying why.
Run them by hand with:

    source scripts/services.sh && ensure_postgres && ensure_redis
    psql -U postgres -h 127.0.0.1 -c "create database storefront_integration"
    TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/storefront_integration \\
        .venv/bin/python -m pytest -q tests/integration
"""

import os
import shutil
import subprocess
import sys

import pytest
import redis
from sqlalchemy import create_engine, text

from tests import factories
from tests.integration.services import ROOT, SECRET_KEY, Launcher, Mailbox, SmtpServer, service_env

REQUIRE_SERVICES = os.environ.get("STOREFRONT_REQUIRE_SERVICES") == "1"
# A Redis database of its own, emptied around every test (TEST_BROKER_URL to run two suites at once).
BROKER_URL = os.environ.get("TEST_BROKER_URL", "redis://127.0.0.1:6379/5")


def unavailable(reason: str):
    """A missing service fails the run in CI, and skips the test elsewhere."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (STOREFRONT_REQUIRE_SERVICES=1)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def database_url() -> str:
    """TEST_DATABASE_URL, a PostgreSQL database, given the schema by `flask db upgrade`."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        unavailable("the integration suite needs TEST_DATABASE_URL=postgresql+psycopg://...")
    from app import models  # noqa: F401  (the tables to drop)
    from app.extensions import db

    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            db.metadata.drop_all(connection)
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    except Exception as exc:  # noqa: BLE001 - any failure to reach it means it is missing
        unavailable(f"PostgreSQL at {url} is not available: {exc}")
    finally:
        engine.dispose()
    migrate = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET_KEY},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert migrate.returncode == 0, migrate.stdout + migrate.stderr
    return url


@pytest.fixture
def broker_url() -> str:
    """The shared Redis (database 5), empty at the start and end of the test."""
    connection = redis.Redis.from_url(BROKER_URL, socket_connect_timeout=2)
    try:
        connection.flushdb()
    except redis.RedisError as exc:
        unavailable(f"Redis at {BROKER_URL} is not available: {exc}")
    yield BROKER_URL
    connection.flushdb()


@pytest.fixture
def launcher(app, tmp_path):
    """Starts gunicorn / celery / redis-server processes; stops them before the tables are emptied."""
    launcher = Launcher(tmp_path)
    yield launcher
    launcher.stop_all()
    print(launcher.logs())  # shown when the test failed


@pytest.fixture
def mailbox() -> Mailbox:
    return Mailbox()


@pytest.fixture
def smtp(mailbox):
    """An SMTP server on loopback; the test may stop it (refusing) and start it again."""
    server = SmtpServer(mailbox)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def env(database_url, broker_url, smtp) -> dict:
    return service_env(database_url, broker_url, smtp.port)


@pytest.fixture
def redis_server_binary() -> str:
    path = shutil.which("redis-server")
    if path is None:
        unavailable("redis-server is not installed")
    return path


@pytest.fixture
def address(shopper):
    return factories.AddressFactory(user=shopper)


@pytest.fixture
def product(app):
    return factories.ProductFactory(price="12.50", stock=20)
