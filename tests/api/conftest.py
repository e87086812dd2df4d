"""Fixtures for the JSON API tests: real bearer tokens and a client that sends them."""

from datetime import timedelta

import pytest

from app.extensions import db
from app.models import ApiToken
from app.models.types import utcnow
from app.services.accounts import api_tokens
from tests import factories
from tests.conftest import PASSWORD


class ApiClient:
    """The test client, sending JSON with (or without) a bearer token."""

    def __init__(self, client, token: str | None = None):
        self.client = client
        self.token = token

    def headers(self, extra: dict | None = None) -> dict:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return {**headers, **(extra or {})}

    def get(self, path: str, **kwargs):
        return self.client.get(path, headers=self.headers(kwargs.pop("headers", None)), **kwargs)

    def delete(self, path: str, **kwargs):
        return self.client.delete(path, headers=self.headers(kwargs.pop("headers", None)), **kwargs)

    def post(self, path: str, json=None, **kwargs):
        return self.client.post(path, json=json, headers=self.headers(kwargs.pop("headers", None)), **kwargs)

    def patch(self, path: str, json=None, **kwargs):
        return self.client.patch(path, json=json, headers=self.headers(kwargs.pop("headers", None)), **kwargs)


def token_for(user) -> str:
    return api_tokens.issue_token(user.email, PASSWORD).token


@pytest.fixture
def token(shopper) -> str:
    return token_for(shopper)


@pytest.fixture
def api(client, token) -> ApiClient:
    """The shopper's companion app."""
    return ApiClient(client, token)


@pytest.fixture
def other_api(app, other_shopper) -> ApiClient:
    """Another shopper's companion app, with its own client."""
    return ApiClient(app.test_client(), token_for(other_shopper))


@pytest.fixture
def anonymous(client) -> ApiClient:
    return ApiClient(client)


@pytest.fixture
def expired_token(shopper) -> str:
    token = token_for(shopper)
    record = db.session.get(ApiToken, api_tokens.verify_token(token).id)
    record.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    return token


@pytest.fixture
def product(app):
    return factories.ProductFactory(name="Teapot", sku="TEA-1", price="19.99", stock=10)


@pytest.fixture
def address(shopper):
    return factories.AddressFactory(user=shopper)


def error_of(response) -> dict:
    """The API's error body (docs/behaviour.md#api-errors), checked for its shape."""
    body = response.get_json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "details"}, body
    assert isinstance(body["error"]["details"], dict)
    return body["error"]
