"""What the checkout form makes of posted values no page would send (docs/behaviour.md#pages)."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import CartItem, Order, Product
from tests import factories
from tests.blueprints.checkout_support import PRICING_CONFIG, log_in, saved_address

KEY = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def app_config(app_config):
    return {**app_config, **PRICING_CONFIG}


@pytest.fixture
def shopping(client, shopper):
    """The shopper is logged in, with a saved address and 2 teapots in the cart."""
    saved_address(shopper)
    teapot = factories.ProductFactory(sku="TEA-1", name="Blue Teapot", price=Decimal("12.50"), stock=10)
    factories.fill_cart(shopper, (teapot, 2))
    log_in(client, shopper)
    return client


def shop_state() -> dict:
    db.session.expire_all()
    return {
        "orders": db.session.scalar(select(func.count(Order.id))),
        "stock": db.session.scalar(select(Product.stock).where(Product.sku == "TEA-1")),
        "cart": db.session.scalar(select(func.sum(CartItem.quantity))),
    }


@pytest.mark.parametrize(
    "address_choice", ["9223372036854775808", "99999999999999999999", "-9223372036854775809"]
)
def test_an_address_id_no_address_could_have_is_refused_as_not_yours(shopping, address_choice):
    before = shop_state()

    response = shopping.post("/checkout", data={"checkout_key": KEY, "address_choice": address_choice})

    assert response.status_code == 400
    assert "That address is not one of yours." in response.get_data(as_text=True)
    assert shop_state() == before
