"""Sessions: a login starts a fresh one, a logout ends it for good (copies included),
and registering is rate limited like logging in."""

import pytest

from app.extensions import db
from app.models import User
from tests.conftest import PASSWORD, _test_config

ACCOUNT_PAGE = "/account/orders"


def cookie(client, name: str) -> str | None:
    found = client.get_cookie(name)
    return found.value if found else None


def logged_in_with(app, cookies: dict[str, str]) -> bool:
    """Whether a new browser holding just these cookies is let into the account pages."""
    browser = app.test_client()
    for name, value in cookies.items():
        browser.set_cookie(name, value)
    return browser.get(ACCOUNT_PAGE).status_code == 200


def test_a_copy_of_the_session_cookie_no_longer_logs_in_after_logout(app, client, auth, shopper):
    auth.login()
    copied = {"session": cookie(client, "session")}
    assert logged_in_with(app, copied)

    auth.logout()

    assert not logged_in_with(app, copied)


def test_a_remember_me_cookie_no_longer_logs_in_after_logout(app, client, shopper):
    client.post("/auth/login", data={"email": shopper.email, "password": PASSWORD, "remember": "y"})
    remembered = {"remember_token": cookie(client, "remember_token")}
    assert logged_in_with(app, remembered)

    client.post("/auth/logout")

    assert not logged_in_with(app, remembered)


def test_logging_in_again_after_a_logout_works(client, auth, shopper):
    auth.login()
    auth.logout()

    auth.login()

    assert client.get(ACCOUNT_PAGE).status_code == 200
    assert db.session.get(User, shopper.id).session_version == 2


def test_a_login_does_not_keep_the_csrf_secret_the_visitor_had_before(client, auth, shopper):
    client.get("/auth/login")
    with client.session_transaction() as session:
        session["csrf_token"] = "planted-by-someone-else"

    auth.login()

    with client.session_transaction() as session:
        assert session.get("csrf_token") != "planted-by-someone-else"
        assert session["_user_id"] == shopper.get_id()


class TestRegistering:
    @pytest.fixture
    def app_config(self, database_url):
        return {**_test_config(database_url), "RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "3/minute"}

    def test_sign_ups_from_one_address_are_rate_limited(self, client, shopper):
        statuses = [
            client.post("/auth/register", data={"email": shopper.email, "password": PASSWORD}).status_code
            for _ in range(4)
        ]

        assert statuses == [400, 400, 400, 429]
