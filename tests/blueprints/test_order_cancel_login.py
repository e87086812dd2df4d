"""An anonymous cancel is sent to log in and then back to the order's page (docs/behaviour.md#pages)."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Order
from app.services.ordering.placing import place_order
from tests import factories
from tests.blueprints.checkout_support import PRICING_CONFIG, saved_address
from tests.conftest import PASSWORD


@pytest.fixture
def app_config(app_config):
    return {**app_config, **PRICING_CONFIG}


@pytest.fixture
def order(shopper) -> Order:
    teapot = factories.ProductFactory(sku="TEA-1", name="Blue Teapot", price=Decimal("12.50"), stock=10)
    address = saved_address(shopper)
    factories.fill_cart(shopper, (teapot, 1))
    return place_order(shopper.id, address.id, None).order


def status_of(number: str) -> str:
    db.session.expire_all()
    return db.session.scalar(select(Order.status).where(Order.number == number))


def test_anonymous_cancel_goes_to_login_and_back_to_the_order_page(client, shopper, order):
    order_page = f"/orders/{order.number}"

    response = client.post(f"{order_page}/cancel")

    assert response.status_code == 302
    assert response.headers["Location"] == f"/auth/login?next=%2Forders%2F{order.number}"
    assert status_of(order.number) == "pending"
    back = client.post("/auth/login", data={"email": shopper.email, "password": PASSWORD, "next": order_page})
    assert back.headers["Location"] == order_page
    assert client.get(order_page).status_code == 200
