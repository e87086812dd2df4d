"""Asking for a password reset is rate limited like logging in, on the page and in the API."""

import pytest


@pytest.fixture
def app_config(app_config):
    return {
        **app_config,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        "LOGIN_RATE_LIMIT": "3/minute",
        "API_TOKEN_RATE_LIMIT": "3/minute",
    }


def test_the_forgot_page_is_limited_per_address(client):
    for n in range(3):
        assert client.post("/auth/forgot", data={"email": f"someone{n}@example.com"}).status_code == 303

    assert client.post("/auth/forgot", data={"email": "another@example.com"}).status_code == 429


@pytest.mark.parametrize("email", ["shopper@example.com", "nobody@example.com"])
def test_the_api_limit_is_the_same_for_known_and_unknown_emails(client, shopper, email):
    answers = [
        client.post(
            "/api/v1/auth/password-reset", json={"email": email}, environ_base={"REMOTE_ADDR": f"10.0.0.{n}"}
        ).status_code
        for n in range(4)
    ]

    assert answers == [202, 202, 202, 429]
