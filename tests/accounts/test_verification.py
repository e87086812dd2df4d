"""Verifying an account's email (SPEC section 10) and the account page."""

from sqlalchemy import select

from app.extensions import db, mail
from app.models import User
from app.services.accounts import signed_links
from tests.accounts.helpers import link_in, path_of
from tests.conftest import PASSWORD


def register(client, email="new@example.com"):
    with mail.record_messages() as sent:
        response = client.post(
            "/auth/register", data={"email": email, "password": "long enough", "confirm": "long enough"}
        )
    assert response.status_code == 302
    return sent


def new_user() -> User:
    return db.session.scalars(select(User).where(User.email == "new@example.com")).one()


def test_registering_emails_a_verification_link(client):
    (message,) = register(client)

    assert message.recipients == ["new@example.com"]
    assert "/auth/verify/" in link_in(message)
    assert link_in(message) in message.html
    assert new_user().is_verified is False


def test_the_link_verifies_the_email(client):
    (message,) = register(client)

    response = client.get(path_of(link_in(message)))

    assert response.status_code == 302
    db.session.expire_all()
    assert new_user().is_verified is True
    assert "(confirmed)" in client.get("/account").get_data(as_text=True)


def test_a_link_older_than_7_days_verifies_nothing(client, monkeypatch):
    (message,) = register(client)
    now = signed_links.clock()
    monkeypatch.setattr(signed_links, "clock", lambda: now + 7 * 24 * 3600 + 60)

    client.get(path_of(link_in(message)))

    db.session.expire_all()
    assert new_user().is_verified is False


def test_a_forged_link_verifies_nothing(client):
    (message,) = register(client)
    path = path_of(link_in(message))

    client.get(path[:-2] + ("xy" if not path.endswith("xy") else "zz"))

    db.session.expire_all()
    assert new_user().is_verified is False


def test_the_account_page_sends_the_link_again_until_verified(client):
    register(client)
    assert "(not confirmed yet)" in client.get("/account").get_data(as_text=True)

    with mail.record_messages() as sent:
        response = client.post("/account/verification")

    assert response.status_code == 303
    (message,) = sent
    client.get(path_of(link_in(message)))
    with mail.record_messages() as sent_after:
        client.post("/account/verification")
    assert sent_after == []


def test_the_account_page_needs_a_login(client):
    response = client.get("/account")

    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_the_account_page_saves_the_name(client, shopper, auth):
    auth.login()

    response = client.post("/account", data={"name": "Ada Lovelace"})

    assert response.status_code == 303
    assert 'value="Ada Lovelace"' in client.get("/account").get_data(as_text=True)


def test_changing_the_password_asks_for_the_current_one(client, shopper, auth):
    auth.login()

    response = client.post(
        "/account/password",
        data={"current_password": "wrong one", "password": "new secret!", "confirm": "new secret!"},
    )

    assert response.status_code == 400
    assert "That is not your current password." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, shopper.id).check_password(PASSWORD)


def test_changing_the_password_keeps_this_browser_and_logs_out_the_others(client, app, shopper, auth):
    other_browser = app.test_client()
    other_browser.post("/auth/login", data={"email": shopper.email, "password": PASSWORD})
    auth.login()

    response = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "password": "new secret!", "confirm": "new secret!"},
    )

    assert response.status_code == 303
    assert client.get("/account").status_code == 200
    assert other_browser.get("/account").status_code == 302
