"""The checkout page: totals preview, placing an order, and every refusal.

The rules: docs/behaviour.md#stock-and-order-creation.
"""

import re
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db, mail
from app.models import Address, CartItem, Coupon, Order, Product
from app.models.types import utcnow
from app.services.ordering.placing import place_order
from tests import factories
from tests.blueprints.checkout_support import PRICING_CONFIG, flashes, log_in, saved_address

KEY = "0123456789abcdef0123456789abcdef"
NEW_ADDRESS = {
    "full_name": "Grace Hopper",
    "line1": "1 Harvard Yard",
    "line2": "",
    "city": "Cambridge",
    "region": "MA",
    "postal_code": "02138",
    "country": "us",
    "phone": "",
}


@pytest.fixture
def app_config(app_config):
    return {**app_config, **PRICING_CONFIG}


@pytest.fixture
def address(shopper):
    return saved_address(shopper)


@pytest.fixture
def teapot(app):
    return factories.ProductFactory(sku="TEA-1", name="Blue Teapot", price=Decimal("12.50"), stock=10)


@pytest.fixture
def shopping(client, shopper, address, teapot):
    """The shopper is logged in with 2 teapots (subtotal 25.00) in the cart."""
    factories.fill_cart(shopper, (teapot, 2))
    log_in(client, shopper)
    return client


def form(address_id, key=KEY, coupon_code="", **fields):
    return {"checkout_key": key, "address_choice": str(address_id), "coupon_code": coupon_code, **fields}


def checked_addresses(page: str) -> list[str]:
    return re.findall(r'<input checked [^>]*name="address_choice" [^>]*value="([^"]+)"', page)


def orders_count() -> int:
    return db.session.scalar(select(func.count(Order.id)))


def shop_state() -> dict:
    """What a refused checkout must leave as it was."""
    db.session.expire_all()
    return {
        "stock": dict(db.session.execute(select(Product.sku, Product.stock)).all()),
        "cart": sorted(db.session.execute(select(CartItem.product_id, CartItem.quantity)).all()),
        "coupon_uses": dict(db.session.execute(select(Coupon.code, Coupon.used_count)).all()),
        "orders": orders_count(),
        "addresses": db.session.scalar(select(func.count(Address.id))),
    }


# --- the page before placing -------------------------------------------------------------------


def test_checkout_page_shows_the_cart_lines_and_totals(shopping):
    response = shopping.get("/checkout")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Blue Teapot" in page and "TEA-1" in page
    assert "$25.00" in page  # subtotal
    assert "$5.00" in page  # shipping, under the free-shipping threshold
    assert "$2.00" in page  # tax: 8% of 25.00
    assert "$32.00" in page  # total payable


def test_checkout_page_preselects_the_default_address(shopping, shopper, address):
    factories.AddressFactory(user=shopper, full_name="Charles Babbage", is_default=False)

    page = shopping.get("/checkout").get_data(as_text=True)

    assert "Charles Babbage" in page
    assert checked_addresses(page) == [str(address.id)]


def test_checkout_form_carries_a_fresh_one_time_key(shopping):
    first = shopping.get("/checkout").get_data(as_text=True)
    second = shopping.get("/checkout").get_data(as_text=True)

    key_of = lambda page: page.split('name="checkout_key" type="hidden" value="')[1][:32]  # noqa: E731
    assert key_of(first) != key_of(second)


def test_checkout_with_an_empty_cart_goes_back_to_the_cart(client, shopper, address):
    log_in(client, shopper)

    response = client.get("/checkout")

    assert response.status_code in (302, 303)
    assert response.headers["Location"].endswith("/cart")
    assert "Your cart is empty." in flashes(client)


def test_a_visitor_with_an_empty_cart_is_sent_to_the_cart(client):
    response = client.get("/checkout")

    assert response.status_code == 303
    assert response.headers["Location"].endswith("/cart")


class TestWithoutGuestCheckout:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "GUEST_CHECKOUT": "false"}

    def test_anonymous_visitor_is_sent_to_log_in_and_back(self, client):
        response = client.get("/checkout")

        assert response.status_code == 302
        assert response.headers["Location"] == "/auth/login?next=%2Fcheckout"


def test_applying_a_coupon_previews_the_discounted_totals(shopping, address):
    factories.CouponFactory(code="TENOFF", kind="percent", value=Decimal("10"))
    before = shop_state()

    response = shopping.post("/checkout", data=form(address.id, coupon_code=" tenoff ", apply_coupon="Apply"))

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Coupon TENOFF applied" in page
    assert '-<span class="money">$2.50</span>' in page  # discount: 10% of 25.00
    assert "$1.80" in page  # tax on 22.50
    assert "$29.30" in page  # 22.50 + 5.00 + 1.80
    assert shop_state() == before  # a preview places nothing


@pytest.mark.parametrize(
    ("coupon", "reason"),
    [
        (None, "There is no coupon with that code."),
        ({"is_active": False}, "This coupon is no longer active."),
        ({"valid_until": utcnow() - timedelta(days=1)}, "This coupon has expired."),
        ({"valid_from": utcnow() + timedelta(days=1)}, "This coupon is not valid yet."),
        ({"min_order_amount": Decimal("100.00")}, "This coupon needs an order of at least $100.00."),
        ({"usage_limit": 3, "used_count": 3}, "This coupon has been used up."),
    ],
    ids=["unknown", "inactive", "expired", "not-yet-valid", "below-minimum", "used-up"],
)
def test_applying_an_unusable_coupon_names_the_rule_it_fails(shopping, address, coupon, reason):
    if coupon is not None:
        factories.CouponFactory(code="SPRING", **coupon)

    response = shopping.post("/checkout", data=form(address.id, coupon_code="SPRING", apply_coupon="Apply"))

    page = response.get_data(as_text=True)
    assert reason in page
    assert "$32.00" in page  # the totals stay undiscounted


# --- placing the order ------------------------------------------------------------------------


def test_placing_an_order_redirects_303_to_its_page_with_the_totals(shopping, address):
    response = shopping.post("/checkout", data=form(address.id))

    order = db.session.scalar(select(Order))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/orders/{order.number}")
    page = shopping.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Thank you! Your order {order.number} has been placed." in page
    assert "$25.00" in page and "$2.00" in page and "$32.00" in page


def test_placing_an_order_takes_the_stock_and_empties_the_cart(shopping, address, teapot):
    shopping.post("/checkout", data=form(address.id))

    state = shop_state()
    assert state["stock"] == {"TEA-1": 8}
    assert state["cart"] == []


def test_placing_an_order_with_a_coupon_uses_it_once(shopping, address):
    factories.CouponFactory(code="TENOFF", kind="percent", value=Decimal("10"))

    shopping.post("/checkout", data=form(address.id, coupon_code="TenOff"))

    order = db.session.scalar(select(Order))
    assert (order.coupon_code, order.discount, order.total_payable) == (
        "TENOFF",
        Decimal("2.50"),
        Decimal("29.30"),
    )
    assert shop_state()["coupon_uses"] == {"TENOFF": 1}


def test_a_new_address_on_the_checkout_is_saved_and_used(shopping, shopper):
    response = shopping.post("/checkout", data=form("new", **NEW_ADDRESS))

    order = db.session.scalar(select(Order))
    assert response.status_code == 303
    assert order.ship_full_name == "Grace Hopper" and order.ship_country == "US"
    saved = db.session.scalars(select(Address.full_name).where(Address.user_id == shopper.id)).all()
    assert sorted(saved) == ["Ada Lovelace", "Grace Hopper"]


def test_a_new_address_with_missing_fields_is_refused_and_nothing_saved(shopping):
    before = shop_state()

    response = shopping.post("/checkout", data=form("new", **{**NEW_ADDRESS, "city": "  ", "country": "XX"}))

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "This field is required." in page
    assert "two-letter ISO 3166-1 country code" in page
    assert shop_state() == before


def test_the_same_form_posted_twice_makes_one_order(shopping, address):
    first = shopping.post("/checkout", data=form(address.id))
    second = shopping.post("/checkout", data=form(address.id))

    assert orders_count() == 1
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert shop_state()["stock"] == {"TEA-1": 8}


def test_the_same_form_with_a_new_address_posted_twice_saves_the_address_once(shopping, shopper):
    first = shopping.post("/checkout", data=form("new", **NEW_ADDRESS))
    second = shopping.post("/checkout", data=form("new", **NEW_ADDRESS))

    assert first.headers["Location"] == second.headers["Location"]
    assert orders_count() == 1
    assert db.session.scalar(select(func.count(Address.id)).where(Address.full_name == "Grace Hopper")) == 1


def test_the_same_form_posted_twice_at_once_makes_one_order(app, shopping, shopper, address):
    # Plain clients: pytest-flask's `client` keeps request contexts, which cannot cross threads.
    browsers = [app.test_client(), app.test_client()]
    for browser in browsers:
        log_in(browser, shopper)
    same_form = form(address.id)
    start = threading.Barrier(2)
    responses = []

    def submit(browser):
        start.wait()
        responses.append(browser.post("/checkout", data=same_form))

    threads = [threading.Thread(target=submit, args=(browser,)) for browser in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [response.status_code for response in responses] == [303, 303]
    assert responses[0].headers["Location"] == responses[1].headers["Location"]
    assert shop_state()["orders"] == 1
    assert shop_state()["stock"] == {"TEA-1": 8}


def test_a_form_without_its_one_time_key_is_refused(shopping, address):
    before = shop_state()

    response = shopping.post("/checkout", data=form(address.id, key=""))

    assert response.status_code == 400
    assert "This form has expired; please try again." in response.get_data(as_text=True)
    assert shop_state() == before


# --- refusals -----------------------------------------------------------------------------------


def test_a_cart_too_large_for_one_order_is_shown_with_its_total_and_refused(shopping, shopper, address):
    yacht = factories.ProductFactory(sku="YACHT", name="Yacht", price=Decimal("6000000000.00"), stock=5)
    factories.fill_cart(shopper, (yacht, 2))
    before = shop_state()

    page = shopping.get("/checkout")
    response = shopping.post("/checkout", data=form(address.id))

    assert page.status_code == 200
    assert "over the most one order can hold (9,999,999,999.99)" in page.get_data(as_text=True)
    assert "12,000,000,025.00" in page.get_data(as_text=True)  # the subtotal, as computed
    assert response.status_code == 400
    assert "please order fewer items" in response.get_data(as_text=True)
    assert shop_state() == before


def test_short_stock_is_refused_with_requested_and_available_and_nothing_changes(shopping, shopper, address):
    factories.CouponFactory(code="TENOFF")
    lamp = factories.ProductFactory(sku="LAMP-7", name="Brass Lamp", price=Decimal("30.00"), stock=1)
    factories.fill_cart(shopper, (lamp, 3))
    before = shop_state()

    with mail.record_messages() as outbox:
        response = shopping.post("/checkout", data=form(address.id, coupon_code="TENOFF"))

    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Brass Lamp (LAMP-7): you asked for 3, 1 available" in page
    assert "Blue Teapot (TEA-1)" not in page.split('id="refusal"')[1].split("</div>")[0]
    assert shop_state() == before
    assert outbox == []


def test_a_product_no_longer_for_sale_is_refused_as_none_available(shopping, teapot, address):
    teapot.is_active = False
    db.session.commit()

    response = shopping.post("/checkout", data=form(address.id))

    assert response.status_code == 409
    assert "Blue Teapot (TEA-1): you asked for 2, 0 available" in response.get_data(as_text=True)
    assert orders_count() == 0


@pytest.mark.parametrize(
    ("coupon", "reason"),
    [
        (None, "There is no coupon with that code."),
        ({"valid_until": utcnow() - timedelta(days=1)}, "This coupon has expired."),
        ({"min_order_amount": Decimal("100.00")}, "This coupon needs an order of at least $100.00."),
        ({"usage_limit": 1, "used_count": 1}, "This coupon has been used up."),
    ],
    ids=["unknown", "expired", "below-minimum", "used-up"],
)
def test_placing_with_an_unusable_coupon_names_the_rule_and_changes_nothing(
    shopping, address, coupon, reason
):
    if coupon is not None:
        factories.CouponFactory(code="SPRING", **coupon)
    before = shop_state()

    response = shopping.post("/checkout", data=form(address.id, coupon_code="SPRING"))

    assert response.status_code == 400
    assert reason in response.get_data(as_text=True)
    assert shop_state() == before


def test_a_coupon_past_its_per_shopper_limit_is_refused(shopping, shopper, address, teapot):
    factories.CouponFactory(code="ONCE", per_user_limit=1)
    place_order(shopper.id, address.id, "ONCE")
    factories.fill_cart(shopper, (teapot, 1))

    response = shopping.post("/checkout", data=form(address.id, coupon_code="ONCE"))

    assert response.status_code == 400
    assert "You have already used this coupon as often as allowed." in response.get_data(as_text=True)
    assert orders_count() == 1


def test_a_refused_order_with_a_new_address_leaves_the_address_book_as_it_was(client, shopper):
    lamp = factories.ProductFactory(sku="LAMP-7", name="Brass Lamp", price=Decimal("30.00"), stock=1)
    factories.fill_cart(shopper, (lamp, 2))
    log_in(client, shopper)

    response = client.post("/checkout", data=form("new", **NEW_ADDRESS))

    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Brass Lamp (LAMP-7): you asked for 2, 1 available" in page
    assert db.session.scalar(select(func.count(Address.id)).where(Address.user_id == shopper.id)) == 0
    assert 'value="Grace Hopper"' in page  # the typed address is still there to try again


def test_a_refused_order_naming_a_saved_address_as_new_keeps_that_address(shopping, shopper, address, teapot):
    teapot.is_active = False
    db.session.commit()
    before = shop_state()

    response = shopping.post("/checkout", data=form("new", **address.snapshot()))

    assert response.status_code == 409
    assert shop_state() == before
    kept = db.session.get(Address, address.id)
    assert kept is not None and kept.is_default


def test_another_shoppers_address_is_refused(shopping, other_shopper):
    theirs = saved_address(other_shopper, full_name="Someone Else")
    before = shop_state()

    response = shopping.post("/checkout", data=form(theirs.id))

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "That address is not one of yours." in page
    assert shop_state() == before


def test_placing_with_an_empty_cart_goes_back_to_the_cart(client, shopper, address):
    log_in(client, shopper)

    response = client.post("/checkout", data=form(address.id))

    assert response.status_code == 303
    assert response.headers["Location"].endswith("/cart")
    assert "Your cart is empty." in flashes(client)
    assert orders_count() == 0


# --- the confirmation email -------------------------------------------------------------------


def test_placing_an_order_sends_one_confirmation_email_with_its_number(shopping, address, shopper):
    with mail.record_messages() as outbox:
        shopping.post("/checkout", data=form(address.id))
        shopping.post("/checkout", data=form(address.id))  # the same form again: no second email

    order = db.session.scalar(select(Order))
    assert len(outbox) == 1
    assert outbox[0].recipients == [shopper.email]
    assert order.number in outbox[0].subject and order.number in outbox[0].body


def test_a_refused_order_sends_no_email(shopping, other_shopper):
    theirs = saved_address(other_shopper)

    with mail.record_messages() as outbox:
        shopping.post("/checkout", data=form(theirs.id))

    assert outbox == []


# --- CSRF -----------------------------------------------------------------------------------------


def test_placing_an_order_without_the_csrf_token_is_refused(app, shopping, address):
    app.config["WTF_CSRF_ENABLED"] = True
    checkout_form = shopping.get("/checkout").get_data(as_text=True).split('action="/checkout"')[1]
    assert 'name="csrf_token"' in checkout_form
    before = shop_state()

    response = shopping.post("/checkout", data=form(address.id))

    assert response.status_code == 400
    assert shop_state() == before
