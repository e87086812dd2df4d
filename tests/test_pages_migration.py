"""Migration 0010_pages makes the footer pages with a first text each, which the shop shows."""

import flask_migrate
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Page
from tests.test_migrations import app_on, keep_logging_as_it_is  # noqa: F401  (a fixture)

# Alembic's logging set-up is undone after each test (tests/test_migrations.py).
pytestmark = pytest.mark.usefixtures("keep_logging_as_it_is")


@pytest.fixture
def migrated_app(tmp_path):
    yield from app_on(f"sqlite:///{tmp_path / 'pages.db'}")


def test_the_migration_adds_the_four_footer_pages_with_text(migrated_app):
    flask_migrate.upgrade()

    pages = {page.slug: page for page in db.session.scalars(select(Page))}

    assert sorted(pages) == ["contact", "privacy", "returns", "shipping"]
    assert all(page.title and len(page.body) > 100 for page in pages.values())
    shown = migrated_app.test_client().get("/pages/returns")
    assert shown.status_code == 200 and "within 30 days" in shown.get_data(as_text=True)
