"""Helpers for the attack tests: CSRF tokens from real pages, and a whole-database snapshot."""

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from tests.conftest import PASSWORD

CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_token_from(html: str) -> str:
    """The CSRF token a page's form carries."""
    match = CSRF_FIELD.search(html)
    assert match, "the page has no form with a CSRF token"
    return match.group(1) or match.group(2)


def login_through_form(client, email: str, password: str = PASSWORD, **fields):
    """Log in as a browser does: read the token from the login page (if CSRF is on), then post it."""
    page = client.get("/auth/login", base_url=fields.pop("base_url", "http://localhost"))
    match = CSRF_FIELD.search(page.get_data(as_text=True))
    if match:
        fields["csrf_token"] = match.group(1) or match.group(2)
    return client.post(
        "/auth/login", data={"email": email, "password": password, **fields}, base_url=page.request.host_url
    )


def database_snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, to prove that an attack changed nothing."""
    db.session.expire_all()
    snapshot = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(select(table)).all()
        snapshot[table.name] = sorted((tuple(str(value) for value in row) for row in rows), key=repr)
    return snapshot


@pytest.fixture
def snapshot():
    return database_snapshot
