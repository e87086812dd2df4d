"""The checkout's coupon stays applied until removed, and the free-shipping hint.

docs/behaviour.md#coupons: applied on /checkout, a coupon is remembered on the cart (a
visitor's too, and through the login merge), checked again at every showing, and
forgotten by the order; one that can no longer be used is shown with its reason and
left out of the totals and of the order.
"""

from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Address, Cart, Coupon, Order
from tests import factories
from tests.api.conftest import token_for
from tests.blueprints.checkout_support import PRICING_CONFIG, log_in, saved_address
from tests.conftest import PASSWORD

KEY = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def app_config(app_config):
    return {**app_config, **PRICING_CONFIG}  # $5.00 shipping under $50.00, tax 8%


@pytest.fixture
def address(shopper):
    return saved_address(shopper)


@pytest.fixture
def teapot(app):
    return factories.ProductFactory(sku="TEA-1", name="Blue Teapot", price=Decimal("12.50"), stock=10)


@pytest.fixture
def tenoff(app):
    return factories.CouponFactory(code="TENOFF", kind="percent", value=Decimal("10"))


@pytest.fixture
def shopping(client, shopper, address, teapot):
    """The shopper is logged in with 2 teapots (subtotal 25.00) in the cart."""
    factories.fill_cart(shopper, (teapot, 2))
    log_in(client, shopper)
    return client


def post(client, address_id=None, **fields):
    data = {"checkout_key": KEY, "coupon_code": "", **fields}
    if address_id is not None:
        data["address_choice"] = str(address_id)
    return client.post("/checkout", data=data)


def remembered() -> list[str | None]:
    db.session.expire_all()
    return db.session.scalars(select(Cart.coupon_code)).all()


def test_an_applied_coupon_is_still_applied_when_the_shopper_comes_back(shopping, address, tenoff):
    post(shopping, address.id, coupon_code="tenoff", apply_coupon="Apply")

    page = shopping.get("/checkout").get_data(as_text=True)

    assert "Coupon TENOFF applied" in page
    assert '-<span class="money">$2.50</span>' in page
    assert "$29.30" in page  # 22.50 + 5.00 shipping + 1.80 tax
    assert remembered() == ["TENOFF"]


def test_placing_the_order_uses_the_applied_coupon_and_forgets_it(shopping, address, tenoff):
    post(shopping, address.id, coupon_code="TENOFF", apply_coupon="Apply")

    response = post(shopping, address.id, applied_coupon="TENOFF")

    assert response.status_code == 303
    order = db.session.scalar(select(Order))
    assert (order.coupon_code, order.discount) == ("TENOFF", Decimal("2.50"))
    assert remembered() == [None]


def test_removing_the_coupon_takes_it_off_the_totals_and_the_cart(shopping, address, tenoff):
    post(shopping, address.id, coupon_code="TENOFF", apply_coupon="Apply")

    page = post(shopping, address.id, applied_coupon="TENOFF", remove_coupon="Remove").get_data(as_text=True)

    assert "Coupon TENOFF applied" not in page
    assert "$32.00" in page
    assert remembered() == [None]
    assert "Coupon TENOFF" not in shopping.get("/checkout").get_data(as_text=True)


def test_a_refused_code_is_explained_and_the_applied_coupon_stays(shopping, address, tenoff):
    post(shopping, address.id, coupon_code="TENOFF", apply_coupon="Apply")

    response = post(shopping, address.id, coupon_code="NOSUCH", apply_coupon="Apply")

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is no coupon with that code." in page
    assert "Coupon TENOFF applied" in page
    assert remembered() == ["TENOFF"]


def test_a_visitors_coupon_is_still_applied_after_logging_in(client, shopper, address, teapot, tenoff):
    client.post("/cart/items", data={"product_id": teapot.id, "quantity": "2"})
    client.post("/checkout", data={"checkout_key": KEY, "coupon_code": "TENOFF", "apply_coupon": "Apply"})
    assert remembered() == ["TENOFF"]

    client.post("/auth/login", data={"email": shopper.email, "password": PASSWORD})

    page = client.get("/checkout").get_data(as_text=True)
    assert "Coupon TENOFF applied" in page
    assert "$29.30" in page


def test_a_coupon_that_became_unusable_is_shown_with_its_reason_and_left_out(shopping, address, tenoff):
    post(shopping, address.id, coupon_code="TENOFF", apply_coupon="Apply")
    db.session.execute(Coupon.__table__.update().values(is_active=False))
    db.session.commit()

    page = shopping.get("/checkout").get_data(as_text=True)

    assert 'id="coupon-unusable"' in page
    assert "Coupon TENOFF is not applied: This coupon is no longer active." in page
    assert "$32.00" in page  # the totals without it
    assert 'name="applied_coupon" type="hidden" value=""' in page


def test_an_unusable_remembered_coupon_does_not_block_the_order(shopping, address, tenoff):
    post(shopping, address.id, coupon_code="TENOFF", apply_coupon="Apply")
    tenoff.is_active = False
    db.session.commit()

    response = post(shopping, address.id, applied_coupon="")

    assert response.status_code == 303
    order = db.session.scalar(select(Order))
    assert (order.coupon_code, order.total_payable) == (None, Decimal("32.00"))


def test_the_api_order_does_not_use_the_coupon_remembered_by_the_page(shopping, address, tenoff, shopper):
    post(shopping, address.id, coupon_code="TENOFF", apply_coupon="Apply")
    token = token_for(shopper)

    response = shopping.post(
        "/api/v1/orders/",
        json={"address_id": address.id},
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "k1"},
    )

    assert response.status_code == 201
    assert response.get_json()["coupon_code"] is None


# --- the free-shipping hint and a coupon that costs more ------------------------------------


def test_the_hint_says_how_much_more_ships_free(shopping):
    page = shopping.get("/checkout").get_data(as_text=True)

    assert "Add $25.00 more for free shipping." in page  # 50.00 - 25.00


def test_the_cart_page_gives_the_hint_too(shopping):
    assert "Add $25.00 more for free shipping." in shopping.get("/cart").get_data(as_text=True)


def test_no_hint_once_shipping_is_free(client, shopper, address, teapot):
    factories.fill_cart(shopper, (teapot, 4))  # 50.00
    log_in(client, shopper)

    page = client.get("/checkout").get_data(as_text=True)

    assert "for free shipping" not in page
    assert "Free" in page


def test_a_coupon_that_makes_the_order_cost_more_says_so(client, shopper, address, teapot):
    factories.CouponFactory(code="ONEOFF", kind="fixed", value=Decimal("1.00"))
    factories.fill_cart(shopper, (teapot, 4))  # 50.00: ships free
    log_in(client, shopper)

    page = post(client, address.id, coupon_code="ONEOFF", apply_coupon="Apply").get_data(as_text=True)

    # With it: 49.00 + 5.00 + 3.92 = 57.92; without it: 50.00 + 0 + 4.00 = 54.00.
    assert "With this coupon you pay $3.92 more than without it" in page
    assert "Add $1.00 more for free shipping." in page


def test_a_coupon_that_saves_money_gives_no_warning(shopping, address, tenoff):
    page = post(shopping, address.id, coupon_code="TENOFF", apply_coupon="Apply").get_data(as_text=True)

    assert "more than without it" not in page


# --- the summary and the page's other promises -------------------------------------------------


def test_no_discount_line_without_a_discount(shopping):
    page = shopping.get("/checkout").get_data(as_text=True)

    assert "Discount" not in page
    assert "-$0.00" not in page and '-<span class="money">$0.00' not in page


def test_negative_zero_is_never_printed(app):
    with app.test_request_context():
        money = app.jinja_env.filters["money"]
        assert money(Decimal("-0.00")) == "$0.00"
        assert money(Decimal("-0")) == "$0.00"


def test_the_summary_shows_the_address_the_payment_and_the_items(shopping, address, teapot):
    page = shopping.get("/checkout").get_data(as_text=True)
    summary = page.split('id="summary"')[1]

    assert "Blue Teapot" in summary and 'data-label="Quantity" class="num">2<' in summary
    assert "12 Analytical Row" in summary and "N1 7AA" in summary
    assert "Pay on delivery." in summary
    assert summary.index("Total payable") < page.split('id="summary"')[1].index("Place order")


def test_new_address_fields_are_ignored_when_a_saved_address_is_chosen(shopping, address):
    ignored = {"full_name": "Someone", "line1": "", "city": "", "postal_code": "nonsense", "country": "US"}

    response = post(shopping, address.id, **ignored)

    assert response.status_code == 303
    order = db.session.scalar(select(Order))
    assert order.ship_full_name == address.full_name
    assert len(db.session.scalars(select(Address)).all()) == 1


def test_the_new_address_fields_are_hidden_by_script_not_by_the_server(shopping):
    page = shopping.get("/checkout").get_data(as_text=True)

    # Without JavaScript they are there; checkout.js (no inline script) hides them until chosen.
    assert 'id="new-address" data-shown-for="address_choice" data-shown-value="new"' in page
    assert '<script src="/static/js/checkout.js" defer></script>' in page
    assert "<script>" not in page
    assert '<select autocomplete="country" id="country" name="country">' in page


class TestInGerman:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, **PRICING_CONFIG, "STORE_LOCALE": "de_DE", "STORE_CURRENCY": "EUR"}

    def test_the_checkout_speaks_german_with_euro_amounts(self, shopping):
        page = shopping.get("/checkout").get_data(as_text=True)

        assert "<h1>Kasse</h1>" in page
        assert "Noch 25,00\xa0€ bis zum kostenlosen Versand." in page
        assert "Bestellung aufgeben" in page and "Lieferadresse" in page
        assert '<option selected value="DE">Deutschland</option>' in page

    def test_a_missing_state_is_explained_in_german(self, shopping, teapot):
        us = {
            "full_name": "A",
            "line1": "1 Main St",
            "city": "Springfield",
            "postal_code": "62701",
            "country": "US",
        }

        response = post(shopping, "new", **us)

        assert response.status_code == 400
        assert "Eine Adresse in Vereinigte Staaten braucht ein Bundesland" in response.get_data(as_text=True)


def test_with_a_percent_coupon_the_hint_counts_the_growing_discount(shopping, address, tenoff):
    page = post(shopping, address.id, coupon_code="TENOFF", apply_coupon="Apply").get_data(as_text=True)

    # 10% off: a subtotal of 55.56 is 50.00 after the discount (55.55 would be 49.99).
    assert "Add $30.56 more for free shipping." in page
