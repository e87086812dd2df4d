"""The migrations build exactly the schema the models describe, and can be undone.

Each test applies `flask db upgrade` to a fresh, empty database: a SQLite file always, and a
scratch PostgreSQL database (created and dropped here) when TEST_DATABASE_URL is PostgreSQL.
"""

import logging
import os
import uuid
import warnings

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Index, create_engine, inspect, text
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
BACKENDS = ["sqlite"] + (["postgresql"] if TEST_DATABASE_URL.startswith("postgresql") else [])


@pytest.fixture(params=BACKENDS)
def empty_database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    name = f"storefront_migrations_{uuid.uuid4().hex[:12]}"
    server = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


@pytest.fixture
def keep_logging_as_it_is():
    """Alembic's env.py calls logging.config.fileConfig, which disables every existing logger;
    put them back so later tests still see the app's log records."""
    manager = logging.root.manager
    disabled = {
        name: logger.disabled
        for name, logger in manager.loggerDict.items()
        if isinstance(logger, logging.Logger)
    }
    root_level, root_handlers = logging.root.level, list(logging.root.handlers)
    yield
    for name, logger in manager.loggerDict.items():
        if isinstance(logger, logging.Logger):
            logger.disabled = disabled.get(name, False)
    logging.root.setLevel(root_level)
    logging.root.handlers[:] = root_handlers


@pytest.fixture
def empty_app(empty_database_url, keep_logging_as_it_is):
    """The app on an empty database: no tables until a test runs the migrations."""
    yield from app_on(empty_database_url)


@pytest.fixture
def empty_sqlite_app(tmp_path, keep_logging_as_it_is):
    yield from app_on(f"sqlite:///{tmp_path / 'migrations.db'}")


def app_on(database_url: str):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "CELERY_BROKER_URL": None,
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def schema_differences() -> list:
    """What `flask db migrate` would generate: the differences between the database and the models."""
    with db.engine.connect() as connection, warnings.catch_warnings():
        # SQLite cannot reflect expression indexes; alembic warns and skips them (the only
        # known gap). test_sqlite_has_the_expression_indexes_alembic_cannot_compare checks them.
        warnings.filterwarnings("ignore", message=".*expression-based index.*")
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True}
        )
        return compare_metadata(context, db.metadata)


def table_names() -> set[str]:
    return set(inspect(db.engine).get_table_names())


def expression_indexes() -> list[Index]:
    return [
        index
        for table in db.metadata.tables.values()
        for index in table.indexes
        if any(not hasattr(expression, "table") for expression in index.expressions)
    ]


def test_migrations_have_a_single_head(empty_sqlite_app):
    script = ScriptDirectory.from_config(empty_sqlite_app.extensions["migrate"].migrate.get_config())

    assert len(script.get_heads()) == 1


def test_upgrade_builds_every_table_the_models_describe(empty_app):
    flask_migrate.upgrade()

    assert table_names() == set(db.metadata.tables) | {"alembic_version"}


def test_upgrade_leaves_no_difference_between_database_and_models(empty_app):
    flask_migrate.upgrade()

    assert schema_differences() == []


def test_sqlite_has_the_expression_indexes_alembic_cannot_compare(empty_sqlite_app):
    # PostgreSQL reflects expression indexes, so schema_differences() compares them there.
    flask_migrate.upgrade()

    with db.engine.connect() as connection:
        stored = dict(
            connection.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'index'")).all()
        )
    assert expression_indexes(), "the models define lower(email) and upper(code) unique indexes"
    for index in expression_indexes():
        function = index.expressions[0]
        column = next(iter(function.clauses)).name
        assert index.name in stored
        assert stored[index.name].upper().startswith("CREATE UNIQUE INDEX")
        assert f"{function.name}({column})".lower() in stored[index.name].lower()


def test_downgrade_to_base_removes_every_table(empty_app):
    flask_migrate.upgrade()

    flask_migrate.downgrade(revision="base")

    assert table_names() <= {"alembic_version"}


def test_upgrade_after_downgrade_rebuilds_the_same_schema(empty_app):
    flask_migrate.upgrade()
    flask_migrate.downgrade(revision="base")

    flask_migrate.upgrade()

    assert schema_differences() == []
