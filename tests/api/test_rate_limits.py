"""429 rate_limited with Retry-After: token requests per account and per address, orders per account."""

import pytest

from tests import factories
from tests.api.conftest import ApiClient, error_of, token_for
from tests.conftest import PASSWORD


@pytest.fixture
def app_config(app_config):
    return {
        **app_config,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        "API_TOKEN_RATE_LIMIT": "3/minute",
        "API_TOKEN_ADDRESS_RATE_LIMIT": "5/minute",
        "API_ORDER_RATE_LIMIT": "2/minute",
    }


def ask_for_token(client, email, password="wrong-password", address="10.0.0.1"):
    return client.post(
        "/api/v1/auth/token",
        json={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_token_requests_for_one_account_are_limited(client, shopper):
    for n in range(3):
        assert ask_for_token(client, shopper.email, address=f"10.0.0.{n}").status_code == 401

    response = ask_for_token(client, "Shopper@Example.com", PASSWORD, address="10.0.0.9")

    error = error_of(response)
    assert response.status_code == 429
    assert error["code"] == "rate_limited"
    assert 0 < int(response.headers["Retry-After"]) <= 60


def test_the_account_limit_leaves_other_accounts_alone(client, shopper, other_shopper):
    for n in range(3):
        ask_for_token(client, shopper.email, address=f"10.0.0.{n}")

    assert ask_for_token(client, other_shopper.email, PASSWORD, address="10.0.0.9").status_code == 201


def test_token_requests_from_one_address_are_limited(client):
    for n in range(5):
        assert ask_for_token(client, f"user{n}@example.com").status_code == 401

    response = ask_for_token(client, "someone-else@example.com")

    assert response.status_code == 429
    assert error_of(response)["code"] == "rate_limited"
    assert "Retry-After" in response.headers
    assert ask_for_token(client, "someone-else@example.com", address="10.0.0.2").status_code == 401


def test_orders_per_account_are_limited(client, shopper, address, product):
    api = ApiClient(client, token_for(shopper))
    for _ in range(2):
        factories.fill_cart(shopper, (product, 1))
        assert api.post("/api/v1/orders/", json={"address_id": address.id}).status_code == 201

    factories.fill_cart(shopper, (product, 1))
    response = api.post("/api/v1/orders/", json={"address_id": address.id})

    assert response.status_code == 429
    assert error_of(response)["code"] == "rate_limited"
    assert int(response.headers["Retry-After"]) > 0


def test_the_catalog_is_not_limited(client, product):
    statuses = {client.get("/api/v1/products/").status_code for _ in range(10)}

    assert statuses == {200}


def test_repeats_with_the_same_idempotency_key_do_not_count_as_orders(client, shopper, address, product):
    api = ApiClient(client, token_for(shopper))
    factories.fill_cart(shopper, (product, 1))
    key = {"Idempotency-Key": "retry-after-a-lost-answer"}
    first = api.post("/api/v1/orders/", json={"address_id": address.id}, headers=key)

    repeats = [api.post("/api/v1/orders/", json={"address_id": address.id}, headers=key) for _ in range(3)]

    assert [r.status_code for r in repeats] == [201, 201, 201]
    assert {r.get_json()["number"] for r in repeats} == {first.get_json()["number"]}
    factories.fill_cart(shopper, (product, 1))
    assert api.post("/api/v1/orders/", json={"address_id": address.id}).status_code == 201  # the 2nd order
