"""Schemathesis over /api/v1/openapi.json: no server error, and every response as documented.

Each operation gets a bounded number of generated requests, sent with a real
bearer token to a fresh app seeded with products, an address, a cart, a coupon
and an order.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app import create_app
from app.services.ordering import placing
from tests import factories
from tests.api.conftest import token_for

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


def served_document() -> dict:
    """The document as the app serves it (the app is not otherwise used: each test has its own)."""
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return app.test_client().get("/api/v1/openapi.json").get_json()


# Loaded once at collection, so each operation is its own test with its own seeded app.
schema = schemathesis.openapi.from_dict(served_document())


@pytest.fixture
def seeded(app, shopper):
    products = [factories.ProductFactory(stock=50) for _ in range(5)]
    address = factories.AddressFactory(user=shopper)
    factories.CouponFactory(code="SAVE10")
    factories.fill_cart(shopper, (products[0], 1))
    placing.place_order(shopper.id, address.id)
    factories.fill_cart(shopper, (products[1], 2), (products[2], 1))
    return shopper


@pytest.fixture
def token(seeded) -> str:
    return token_for(seeded)


@schema.parametrize()
@settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_the_api_keeps_to_its_openapi_document(case, app, seeded, token):
    if case.method == "DELETE" and case.path == "/api/v1/auth/token":
        token = token_for(seeded)  # revoking the shared token would leave only 401s to test
    case.call_and_validate(app=app, headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
