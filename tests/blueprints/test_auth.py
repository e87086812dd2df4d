"""Registering, logging in and out through the pages (docs/behaviour.md#pages)."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import User
from tests.conftest import PASSWORD


def user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_login_page_has_labelled_email_and_password_fields(client):
    response = client.get("/auth/login")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<label for="email">Email</label>' in page
    assert '<label for="password">Password</label>' in page


def test_register_creates_an_account_and_logs_in(client):
    response = client.post(
        "/auth/register",
        data={"email": "New.Shopper@Example.com", "password": "long enough", "confirm": "long enough"},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert db.session.scalar(select(User.email)) == "new.shopper@example.com"
    assert "Log out" in client.get("/").get_data(as_text=True)


def test_register_refuses_an_email_taken_in_another_letter_case(client, shopper):
    response = client.post(
        "/auth/register",
        data={"email": "SHOPPER@Example.COM", "password": "long enough", "confirm": "long enough"},
    )

    assert response.status_code == 400
    assert "An account with this email already exists." in response.get_data(as_text=True)
    assert user_count() == 1


def test_register_refuses_a_short_password(client):
    response = client.post(
        "/auth/register", data={"email": "new@example.com", "password": "short", "confirm": "short"}
    )

    assert response.status_code == 400
    assert "Use at least 8 characters." in response.get_data(as_text=True)
    assert user_count() == 0


def test_register_refuses_passwords_that_differ(client):
    response = client.post(
        "/auth/register",
        data={"email": "new@example.com", "password": "long enough", "confirm": "long enougH"},
    )

    assert response.status_code == 400
    assert "The two passwords do not match." in response.get_data(as_text=True)
    assert user_count() == 0


def test_register_refuses_an_invalid_email(client):
    response = client.post(
        "/auth/register", data={"email": "not-an-email", "password": "long enough", "confirm": "long enough"}
    )

    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert user_count() == 0


def test_login_with_the_right_password_logs_in(client, shopper):
    response = client.post("/auth/login", data={"email": shopper.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get("/account/orders").status_code == 200


def test_login_email_ignores_letter_case(client, shopper):
    response = client.post("/auth/login", data={"email": "  Shopper@EXAMPLE.com ", "password": PASSWORD})

    assert response.status_code == 302
    assert client.get("/account/orders").status_code == 200


def test_login_with_a_wrong_password_is_refused(client, shopper):
    response = client.post("/auth/login", data={"email": shopper.email, "password": "wrong password"})

    assert response.status_code == 400
    assert "Wrong email or password." in response.get_data(as_text=True)
    assert client.get("/account/orders").status_code == 302


def test_unknown_email_gets_the_same_answer_as_a_wrong_password(client, shopper):
    wrong_password = client.post("/auth/login", data={"email": shopper.email, "password": "wrong password"})
    unknown_email = client.post("/auth/login", data={"email": "nobody@example.com", "password": PASSWORD})

    assert unknown_email.status_code == wrong_password.status_code == 400
    # The page echoes the email typed; apart from that it is the same page, word for word.
    unknown_page = unknown_email.get_data(as_text=True).replace("nobody@example.com", shopper.email)
    assert unknown_page == wrong_password.get_data(as_text=True)


def test_anonymous_visitor_is_sent_to_login_and_back(client, shopper):
    to_login = client.get("/account/addresses")
    assert to_login.status_code == 302
    assert to_login.headers["Location"] == "/auth/login?next=%2Faccount%2Faddresses"

    login_page = client.get(to_login.headers["Location"]).get_data(as_text=True)
    assert 'name="next" type="hidden" value="/account/addresses"' in login_page

    back = client.post(
        "/auth/login", data={"email": shopper.email, "password": PASSWORD, "next": "/account/addresses"}
    )
    assert back.status_code == 302
    assert back.headers["Location"] == "/account/addresses"


def test_login_keeps_the_query_string_of_the_next_page(client, shopper):
    response = client.post(
        "/auth/login", data={"email": shopper.email, "password": PASSWORD, "next": "/account/orders?page=2"}
    )

    assert response.headers["Location"] == "/account/orders?page=2"


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.com/",
        "//evil.com",
        "\\\\evil.com",
        "/\\evil.com",
        "\\/evil.com",
        "https:evil.com",
        "http:/evil.com",
        "/\t/evil.com",
        "/\n/evil.com",
        " //evil.com",
        "javascript:alert(1)",
        "evil.com",
    ],
)
def test_login_never_redirects_off_the_site(client, shopper, next_url):
    response = client.post(
        "/auth/login", data={"email": shopper.email, "password": PASSWORD, "next": next_url}
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_login_reads_next_from_the_query_string_too(client, shopper):
    response = client.post(
        "/auth/login?next=%2F%2Fevil.com", data={"email": shopper.email, "password": PASSWORD}
    )

    assert response.headers["Location"] == "/"


def test_logout_by_get_is_refused_and_keeps_the_shopper_logged_in(client, logged_in):
    response = client.get("/auth/logout")

    assert response.status_code == 405
    assert client.get("/account/orders").status_code == 200


def test_logout_by_post_logs_out(client, logged_in):
    response = client.post("/auth/logout")

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get("/account/orders").status_code == 302
    assert "You are logged out." in client.get("/").get_data(as_text=True)


def test_logged_in_shopper_opening_login_goes_to_the_shop(client, logged_in):
    response = client.get("/auth/login")

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
