"""A typed client generated from the served document runs the README's API session.

openapi-python-client writes the client into a temporary folder (offline: it
reads the document from a file); the test imports it and talks to the app
in-process through httpx's WSGI transport, as the companion app would over HTTP.
"""

import importlib
import json
import subprocess
import sys
import uuid
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from tests import factories
from tests.conftest import PASSWORD

GENERATOR = Path(sys.executable).parent / "openapi-python-client"
PACKAGE = "storefront_client"


@pytest.fixture
def generated(client, tmp_path, monkeypatch):
    """The client package generated from /api/v1/openapi.json, imported."""
    document = tmp_path / "openapi.json"
    document.write_text(json.dumps(client.get("/api/v1/openapi.json").get_json()))
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"post_hooks": [], "package_name_override": PACKAGE}))
    result = subprocess.run(
        [GENERATOR, "generate", "--path", document, "--meta", "none", "--output-path", tmp_path / PACKAGE]
        + ["--config", config],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stdout, result.stdout  # every schema made it into the client
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [name for name in sys.modules if name.startswith(PACKAGE)]:
        del sys.modules[name]
    return importlib.import_module(PACKAGE)


def module(name: str):
    return importlib.import_module(f"{PACKAGE}.{name}")


def test_the_readme_session_runs_through_a_generated_client(app, generated, shopper):
    teapot = factories.ProductFactory(name="Teapot", sku="TEA-1", price=Decimal("19.99"), stock=10)
    factories.CouponFactory(code="WELCOME10")
    models = module("models")
    wsgi = {"transport": httpx.WSGITransport(app=app)}
    base_url = "http://localhost/api/v1"

    anonymous = generated.Client(base_url=base_url, httpx_args=wsgi)
    token = module("api.tokens.create_token").sync(
        client=anonymous, body=models.TokenRequest(email="shopper@example.com", password=PASSWORD)
    )
    assert isinstance(token, models.Token)
    caller = generated.AuthenticatedClient(base_url=base_url, token=token.token, httpx_args=wsgi)

    cart = module("api.cart.add_cart_item").sync(
        client=caller, body=models.AddToCart(product_id=teapot.id, quantity=2)
    )
    assert [(line.sku, line.quantity, line.line_total) for line in cart.items] == [("TEA-1", 2, "39.98")]

    address = module("api.addresses.create_address").sync(
        client=caller,
        body=models.NewAddress(
            full_name="Ada Lovelace",
            line1="12 Analytical Row",
            city="London",
            postal_code="N1 7AA",
            country=models.CountryCode.GB,
        ),
    )
    assert isinstance(address, models.Address) and address.country == models.CountryCode.GB

    totals = module("api.orders.preview_checkout").sync(client=caller, coupon_code="WELCOME10")
    assert (totals.subtotal, totals.discount, totals.currency) == ("39.98", "4.00", "USD")

    key = str(uuid.uuid4())
    place = module("api.orders.place_order")
    order_body = models.PlaceOrder(address_id=address.id, coupon_code="WELCOME10")
    placed = place.sync_detailed(client=caller, body=order_body, idempotency_key=key)
    assert placed.status_code == 201
    order = placed.parsed
    assert placed.headers["Location"] == f"/api/v1/orders/{order.number}"
    assert order.status == models.OrderStatus.PENDING
    assert order.total_payable == totals.total_payable
    assert place.sync(client=caller, body=order_body, idempotency_key=key).number == order.number

    fetched = module("api.orders.get_order").sync(client=caller, number=order.number)
    assert (fetched.number, fetched.shipping_address.city) == (order.number, "London")

    cancel = module("api.orders.cancel_order")
    cancelled = cancel.sync(client=caller, number=order.number)
    assert cancelled.status == models.OrderStatus.CANCELLED

    refused = cancel.sync(client=caller, number=order.number)
    assert isinstance(refused, models.Error)
    assert refused.error.code == models.ErrorCode.INVALID_TRANSITION
    assert (refused.error.details.status, refused.error.details.target) == (
        models.OrderStatus.CANCELLED,
        models.OrderStatus.CANCELLED,
    )


def test_a_refusal_reaches_the_generated_client_typed(app, generated, shopper):
    models = module("models")
    anonymous = generated.Client(
        base_url="http://localhost/api/v1", httpx_args={"transport": httpx.WSGITransport(app=app)}
    )

    refused = module("api.tokens.create_token").sync(
        client=anonymous, body=models.TokenRequest(email="shopper@example.com", password="wrong")
    )

    assert isinstance(refused, models.Error)
    assert refused.error.code == models.ErrorCode.UNAUTHORIZED
    assert refused.error.message == "The email or password is wrong."
