"""Schemathesis over /api/v1/openapi.json with every check, each operation alone and in sequences.

Every built-in check runs (server errors, status codes, content types, response
schemas and headers, valid data accepted, invalid data refused, auth not ignored,
unsupported methods, resources gone after a delete, ...), on requests valid and
invalid by the document, sent with a real bearer token to a fresh app seeded with
products, an address, a cart, a coupon and an order. The stateful test follows the
document's links: an order placed is then fetched and cancelled.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from app import create_app
from app.extensions import db
from app.services.ordering import placing
from tests import factories
from tests.api.conftest import token_for
from tests.conftest import PASSWORD, empty_all_tables

# Valid and invalid requests. Unknown query parameters are ignored, as the document says,
# so they are not invalid. Business rules the schema cannot state: a valid request can
# still be refused for the state of the caller's cart, coupon or stock, or an address by its
# country's rules (a postcode's shape, a needed state) (documented per operation).
BUSINESS_RULE_STATUSES = ["2xx", "400", "401", "404", "409", "422"]
GENERATION = {"mode": "all", "allow-extra-parameters": False}
CONFIG_VALUES = {
    "generation": GENERATION,
    "operations": [
        {
            "include-operation-id": ["addCartItem", "createAddress", "placeOrder", "previewCheckout"],
            "checks": {"positive_data_acceptance": {"expected-statuses": BUSINESS_RULE_STATUSES}},
        },
    ],
}
CONFIG = SchemathesisConfig.from_dict(CONFIG_VALUES)


class AppUnderTest:
    """The WSGI app schemathesis calls: each test's own app (schemathesis keeps one per schema)."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


# The document as served; loaded once at collection, so each operation is its own test.
APP = AppUnderTest(
    create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", APP, config=CONFIG)
# Sequences send valid requests only: a link fills a negative case's body from the last
# answer (an order's number, an address id), making it valid while it is still counted as
# invalid. Invalid requests are the single-operation test's part above.
POSITIVE = SchemathesisConfig.from_dict({**CONFIG_VALUES, "generation": {**GENERATION, "mode": "positive"}})
sequences_schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", APP, config=POSITIVE)


def seed_shop():
    """The shop every test and every stateful scenario starts from; returns the caller."""
    shopper = factories.UserFactory(email="shopper@example.com", password=PASSWORD)
    products = [factories.ProductFactory(stock=50) for _ in range(5)]
    address = factories.AddressFactory(user=shopper)
    factories.CouponFactory(code="SAVE10")
    factories.fill_cart(shopper, (products[0], 1))
    placing.place_order(shopper.id, address.id)
    factories.fill_cart(shopper, (products[1], 2), (products[2], 1))
    return shopper


@pytest.fixture
def seeded(app):
    APP.app = app
    return seed_shop()


def caller_headers(shopper):
    """The caller's headers: a bearer token, a fresh one for revoking (the shared one must last)."""
    token = token_for(shopper)

    def for_case(case) -> dict:
        if case.operation.definition.raw.get("operationId") == "revokeToken":
            return {"Authorization": f"Bearer {token_for(shopper)}"}
        return {"Authorization": f"Bearer {token}"}

    return for_case


@pytest.fixture
def headers(seeded):
    return caller_headers(seeded)


@schema.parametrize()
@settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_the_api_keeps_to_its_openapi_document(case, headers):
    case.call_and_validate(headers=headers(case))


def test_sequences_of_calls_keep_to_the_document(app):
    APP.app = app
    caller = {}

    class ApiSequences(sequences_schema.as_state_machine()):
        def setup(self):
            # Every scenario starts from the same shop: hypothesis replays and shrinks
            # scenarios, and one left over from the last would answer them differently.
            db.session.remove()
            empty_all_tables()
            caller["headers"] = caller_headers(seed_shop())

        def get_call_kwargs(self, case):
            return {"headers": caller["headers"](case)}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            # As call_and_validate does: the checks must know these headers were sent on purpose.
            case.validate_response(
                response, headers=kwargs["headers"], transport_kwargs=kwargs, recorder=self.recorder
            )

    ApiSequences.run(
        settings=settings(
            max_examples=30,
            stateful_step_count=6,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )
