"""Error pages are shown in the site's layout, never as a stack trace."""

import re

import pytest
from flask import abort

from app.extensions import db
from app.models import User
from app.services.accounts import addresses


@pytest.fixture
def app_config(app_config):
    # As in production: an exception in a view becomes the 500 page instead of reaching the test.
    return {**app_config, "TESTING": False, "PROPAGATE_EXCEPTIONS": False}


def in_layout(page: str) -> bool:
    home_link = re.search(r'<a class="brand" href="/">.*?Storefront</span>', page, re.S)
    return 'class="site-header"' in page and home_link is not None


def test_unknown_path_shows_the_not_found_page_in_the_layout(client):
    response = client.get("/no/such/page")

    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Page not found" in page
    assert in_layout(page)


def test_forbidden_shows_the_not_allowed_page_in_the_layout(app, client):
    app.add_url_rule("/test-forbidden", "test_forbidden", lambda: abort(403))

    response = client.get("/test-forbidden")

    page = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "You do not have access to this page." in page
    assert in_layout(page)


def test_an_error_in_a_view_shows_the_error_page_without_details(app, client):
    def broken_view():
        raise RuntimeError("secret internals")

    app.add_url_rule("/test-broken", "test_broken", broken_view)

    response = client.get("/test-broken")

    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in page
    assert in_layout(page)
    assert "secret internals" not in page and "Traceback" not in page


def test_wrong_method_shows_an_error_page_in_the_layout(client):
    response = client.get("/auth/logout")

    assert response.status_code == 405
    assert in_layout(response.get_data(as_text=True))


def test_a_failed_commit_still_shows_the_error_page_in_the_layout(client, auth, shopper, monkeypatch):
    def commit_that_fails(user_id, fields, make_default):
        db.session.add(User(email=shopper.email, password_hash="x"))  # breaks the unique email
        db.session.commit()

    monkeypatch.setattr(addresses, "create_address", commit_that_fails)
    auth.login()

    response = client.post(
        "/account/addresses",
        data={
            "full_name": "Grace Hopper",
            "line1": "1 Navy Way",
            "city": "Arlington",
            "region": "VA",
            "postal_code": "22202",
            "country": "US",
        },
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in page
    assert in_layout(page) and "My orders" in page  # still the logged-in layout
