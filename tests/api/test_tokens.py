"""POST and DELETE /api/v1/auth/token: bearer tokens for the companion app."""

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import ApiToken
from app.models.types import utcnow
from tests.api.conftest import ApiClient, error_of, token_for
from tests.conftest import PASSWORD


def test_a_shopper_gets_a_token_for_their_email_and_password(anonymous, shopper):
    response = anonymous.post("/api/v1/auth/token", json={"email": shopper.email, "password": PASSWORD})

    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"token", "expires_at"}
    assert len(body["token"]) >= 40


def test_the_token_expires_after_the_configured_lifetime_with_a_utc_offset(anonymous, shopper):
    response = anonymous.post("/api/v1/auth/token", json={"email": shopper.email, "password": PASSWORD})

    expires_at = datetime.fromisoformat(response.get_json()["expires_at"])
    assert expires_at.utcoffset() == timedelta(0)
    assert abs(expires_at - (utcnow() + timedelta(hours=720))) < timedelta(minutes=1)


def test_only_the_tokens_hash_is_stored(anonymous, shopper):
    token = anonymous.post(
        "/api/v1/auth/token", json={"email": shopper.email, "password": PASSWORD}
    ).get_json()["token"]

    stored = db.session.scalars(select(ApiToken.token_hash)).all()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]


def test_emails_match_ignoring_letter_case(anonymous, shopper):
    response = anonymous.post(
        "/api/v1/auth/token", json={"email": "  SHOPPER@Example.COM ", "password": PASSWORD}
    )

    assert response.status_code == 201


def test_a_wrong_password_and_an_unknown_email_get_the_same_401(anonymous, shopper):
    wrong_password = anonymous.post(
        "/api/v1/auth/token", json={"email": shopper.email, "password": "nope-nope"}
    )
    unknown_email = anonymous.post(
        "/api/v1/auth/token", json={"email": "nobody@example.com", "password": PASSWORD}
    )

    assert wrong_password.status_code == unknown_email.status_code == 401
    assert error_of(wrong_password) == error_of(unknown_email)
    assert error_of(wrong_password)["code"] == "unauthorized"
    assert db.session.scalars(select(ApiToken)).all() == []


def test_a_token_request_without_a_password_is_a_validation_error(anonymous, shopper):
    response = anonymous.post("/api/v1/auth/token", json={"email": shopper.email})

    error = error_of(response)
    assert response.status_code == 400
    assert error["code"] == "validation_error"
    assert list(error["details"]["fields"]) == ["password"]


def test_the_token_opens_the_shoppers_cart(api):
    assert api.get("/api/v1/cart/").status_code == 200


def test_no_token_is_401(anonymous):
    response = anonymous.get("/api/v1/cart/")

    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthorized"
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_a_bad_token_is_401(client):
    response = ApiClient(client, "not-a-real-token").get("/api/v1/cart/")

    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthorized"


def test_a_token_in_another_scheme_is_401(client, token):
    response = client.get("/api/v1/cart/", headers={"Authorization": f"Token {token}"})

    assert response.status_code == 401


def test_an_expired_token_is_401(client, expired_token):
    response = ApiClient(client, expired_token).get("/api/v1/cart/")

    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthorized"


def test_delete_revokes_the_token_used(api):
    response = api.delete("/api/v1/auth/token")

    assert response.status_code == 204
    assert response.data == b""
    assert api.get("/api/v1/cart/").status_code == 401
    assert db.session.scalar(select(ApiToken.revoked_at)) is not None


def test_revoking_one_token_leaves_the_shoppers_other_tokens_working(client, shopper):
    first, second = ApiClient(client, token_for(shopper)), ApiClient(client, token_for(shopper))
    first.delete("/api/v1/auth/token")

    assert first.get("/api/v1/cart/").status_code == 401
    assert second.get("/api/v1/cart/").status_code == 200


def test_delete_without_a_token_is_401(anonymous):
    assert anonymous.delete("/api/v1/auth/token").status_code == 401
