"""Buying without an account (SPEC section 10): guest checkout, the order's private link,
finding it by email, and guest orders in a verified account."""

import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db, mail
from app.models import Order, OrderAccessKey, Product
from tests.accounts.helpers import link_in, path_of
from tests.factories import CouponFactory, ProductFactory

ADDRESS = {
    "full_name": "Grace Hopper",
    "line1": "1 Harbour St",
    "city": "Arlington",
    "region": "VA",
    "postal_code": "22201",
    "country": "US",
}


@pytest.fixture
def mug(app) -> Product:
    return ProductFactory(name="Blue Mug", slug="blue-mug", price=Decimal("12.50"), stock=10)


def fill_visitor_cart(client, product, quantity: int = 2) -> None:
    response = client.post("/cart/items", data={"product_id": product.id, "quantity": str(quantity)})
    assert response.status_code == 302


def checkout_key(client) -> str:
    page = client.get("/checkout").get_data(as_text=True)
    return re.search(r'name="checkout_key" type="hidden" value="([0-9a-f]{32})"', page).group(1)


def place_guest_order(client, email="Grace@Example.com", key=None, **fields):
    data = {
        **ADDRESS,
        "email": email,
        "checkout_key": key or checkout_key(client),
        "place_order": "Place order",
    }
    with mail.record_messages() as sent:
        response = client.post("/checkout", data={**data, **fields})
    return response, sent


def only_order() -> Order:
    db.session.expire_all()
    return db.session.scalars(select(Order)).one()


@pytest.fixture
def guest_order(client, mug):
    """A guest's order placed through the pages: (order page path with its key, confirmation email)."""
    fill_visitor_cart(client, mug)
    response, sent = place_guest_order(client)
    assert response.status_code == 303
    (email,) = sent
    return response.headers["Location"], email


def test_a_visitor_sees_the_guest_checkout_form(client, mug):
    fill_visitor_cart(client, mug)

    page = client.get("/checkout").get_data(as_text=True)

    assert 'type="email"' in page and "Email (for your confirmation" in page
    assert "Full name" in page and "Place order" in page


def test_a_guest_order_has_no_account_and_carries_the_email(client, mug, guest_order):
    location, _ = guest_order

    order = only_order()
    assert order.user_id is None
    assert order.email == "grace@example.com"
    assert order.ship_full_name == "Grace Hopper"
    assert re.fullmatch(rf"/orders/{order.number}\?key=[A-Za-z0-9_-]{{32}}", location)
    assert "Your cart is empty." in client.get("/cart").get_data(as_text=True)
    assert db.session.get(Product, mug.id).stock == 8


def test_the_guest_sees_the_order_through_its_link(client, guest_order):
    location, _ = guest_order

    page = client.get(location).get_data(as_text=True)

    assert "Blue Mug" in page and "grace@example.com" in page and "Cancel order" in page


def test_the_confirmation_email_carries_a_link_that_opens_the_order_anywhere(app, guest_order):
    _, email = guest_order

    assert email.recipients == ["grace@example.com"]
    link = link_in(email)
    assert link in email.html
    fresh_browser = app.test_client()
    response = fresh_browser.get(path_of(link))
    assert response.status_code == 200
    assert only_order().number in response.get_data(as_text=True)


def test_the_key_is_stored_only_as_a_hash(guest_order):
    location, email = guest_order
    keys = {location.split("key=")[1], path_of(link_in(email)).split("key=")[1]}

    stored = set(db.session.scalars(select(OrderAccessKey.key_hash)))

    assert len(stored) == 2
    assert not keys & stored
    assert all(len(key) >= 22 for key in keys)  # at least 128 random bits in base64


def without_key(location: str) -> str:
    return location.split("?")[0]


@pytest.mark.parametrize(
    "tamper",
    [
        lambda key: "",
        lambda key: key[:-1] + ("A" if key[-1] != "A" else "B"),
        lambda key: key[:-1],
        lambda key: key + "A",
        lambda key: key.upper() if key.upper() != key else key.lower(),
    ],
    ids=["empty", "last-character-changed", "one-short", "one-long", "letter-case"],
)
def test_a_wrong_key_is_a_404(app, guest_order, tamper):
    location, _ = guest_order
    key = location.split("key=")[1]

    response = app.test_client().get(f"{without_key(location)}?key={tamper(key)}")

    assert response.status_code == 404


def test_another_orders_key_is_a_404(app, client, mug, guest_order):
    first_location, _ = guest_order
    fill_visitor_cart(client, mug, 1)
    second, _ = place_guest_order(client, email="other@example.com")
    second_key = second.headers["Location"].split("key=")[1]

    response = app.test_client().get(f"{without_key(first_location)}?key={second_key}")

    assert response.status_code == 404


def test_without_a_key_a_visitor_is_asked_to_log_in_and_a_shopper_gets_a_404(
    app, client, guest_order, shopper, auth
):
    location, _ = guest_order

    anonymous = app.test_client().get(without_key(location))
    auth.login()
    logged_in = client.get(without_key(location))

    assert anonymous.status_code == 302 and "/auth/login" in anonymous.headers["Location"]
    assert logged_in.status_code == 404


def test_the_guest_cancels_while_pending_and_the_stock_comes_back(app, mug, guest_order):
    location, _ = guest_order
    browser = app.test_client()
    number, key = without_key(location).rsplit("/", 1)[1], location.split("key=")[1]

    response = browser.post(f"/orders/{number}/cancel?key={key}")

    assert response.status_code == 303
    assert response.headers["Location"] == location
    assert only_order().status == "cancelled"
    assert db.session.get(Product, mug.id).stock == 10
    assert "Cancel order" not in browser.get(location).get_data(as_text=True)


def test_a_cancel_with_a_wrong_key_changes_nothing(app, guest_order):
    location, _ = guest_order
    number = without_key(location).rsplit("/", 1)[1]

    response = app.test_client().post(f"/orders/{number}/cancel?key=not-the-key")

    assert response.status_code == 404
    assert only_order().status == "pending"


def test_a_double_submit_makes_one_order_and_both_answers_open_it(app, client, mug):
    fill_visitor_cart(client, mug)
    key = checkout_key(client)

    first, _ = place_guest_order(client, key=key)
    second, _ = place_guest_order(client, key=key)

    assert db.session.scalar(select(func.count(Order.id))) == 1
    for response in (first, second):
        assert response.status_code == 303
        assert app.test_client().get(response.headers["Location"]).status_code == 200


@pytest.mark.parametrize(
    ("fields", "field_error"),
    [({"email": "not an email"}, "email"), ({"city": ""}, "city"), ({"country": "XX"}, "country")],
)
def test_bad_guest_details_are_refused_and_change_nothing(client, mug, fields, field_error):
    fill_visitor_cart(client, mug)

    response, sent = place_guest_order(client, **fields)

    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Order.id))) == 0
    assert sent == []
    assert db.session.get(Product, mug.id).stock == 10


def test_a_once_per_shopper_coupon_counts_a_guests_orders_by_email_in_any_letter_case(app, mug):
    CouponFactory(code="ONCE", per_user_limit=1, kind="percent", value=Decimal("10"))
    first, second = app.test_client(), app.test_client()
    fill_visitor_cart(first, mug)
    assert place_guest_order(first, email="grace@example.com", coupon_code="once")[0].status_code == 303
    fill_visitor_cart(second, mug)

    response, _ = place_guest_order(second, email="GRACE@Example.COM", coupon_code="ONCE")

    assert response.status_code == 400
    assert "You have already used this coupon as often as allowed." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Order.id))) == 1


def test_a_guest_coupon_discounts_the_order(client, mug):
    CouponFactory(code="TENOFF", kind="percent", value=Decimal("10"))
    fill_visitor_cart(client, mug)

    response, _ = place_guest_order(client, coupon_code="tenoff")

    assert response.status_code == 303
    order = only_order()
    assert (order.coupon_code, order.discount) == ("TENOFF", Decimal("2.50"))


class TestWithoutGuestCheckout:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "GUEST_CHECKOUT": "false"}

    def test_posting_the_guest_form_places_nothing(self, client, mug):
        fill_visitor_cart(client, mug)

        response = client.post(
            "/checkout", data={**ADDRESS, "email": "g@example.com", "place_order": "Place order"}
        )

        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
        assert db.session.scalar(select(func.count(Order.id))) == 0


# Finding a guest's order.


def find(client, number: str, email: str):
    with mail.record_messages() as sent:
        response = client.post("/orders/find", data={"number": number, "email": email})
    return response, sent


def test_finding_an_order_emails_its_link_to_the_guest(app, guest_order):
    number = only_order().number

    response, sent = find(app.test_client(), number.lower(), "GRACE@example.com")

    assert response.status_code == 303
    (email,) = sent
    assert email.recipients == ["grace@example.com"]
    assert app.test_client().get(path_of(link_in(email))).status_code == 200


def test_finding_answers_the_same_whether_or_not_the_order_exists(app, guest_order):
    number = only_order().number
    answers = []
    for asked in [
        (number, "grace@example.com"),
        (number, "someone@example.com"),
        ("SO-AAAAAAAA", "grace@example.com"),
    ]:
        browser = app.test_client()
        response, sent = find(browser, *asked)
        answers.append((response.status_code, response.headers["Location"], len(sent)))
        assert "If that order exists, we emailed its link" in browser.get("/orders/find").get_data(
            as_text=True
        )

    assert [answer[:2] for answer in answers] == [(303, "/orders/find")] * 3
    assert [answer[2] for answer in answers] == [1, 0, 0]


def test_a_shoppers_order_is_never_found_as_a_guests(app, shopper):
    from tests.blueprints.conftest import make_order

    make_order(shopper, "SO-SHOPPER1")

    _, sent = find(app.test_client(), "SO-SHOPPER1", shopper.email)

    assert sent == []


class TestFindRateLimits:
    @pytest.fixture
    def app_config(self, app_config):
        return {
            **app_config,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
            "LOGIN_RATE_LIMIT": "3/minute",
            "ORDER_FIND_EMAIL_RATE_LIMIT": "2/hour",
        }

    def test_finding_is_limited_per_address(self, client):
        answers = [find(client, "SO-AAAAAAAA", f"g{n}@example.com")[0].status_code for n in range(4)]

        assert answers == [303, 303, 303, 429]

    def test_finding_is_limited_per_email_from_any_address(self, app):
        answers = [
            app.test_client()
            .post(
                "/orders/find",
                data={"number": "SO-AAAAAAAA", "email": "Victim@example.com"},
                environ_base={"REMOTE_ADDR": f"10.0.0.{n}"},
            )
            .status_code
            for n in range(3)
        ]

        assert answers == [303, 303, 429]


# Guest orders in an account.


def register(client, email: str):
    with mail.record_messages() as sent:
        client.post(
            "/auth/register", data={"email": email, "password": "long enough", "confirm": "long enough"}
        )
    (verification,) = sent
    return path_of(link_in(verification))


def test_guest_orders_show_in_an_account_only_once_its_email_is_verified(app, guest_order):
    number = only_order().number
    browser = app.test_client()
    verify = register(browser, "GRACE@example.com")
    assert number not in browser.get("/account/orders").get_data(as_text=True)
    assert browser.get(f"/orders/{number}").status_code == 404

    browser.get(verify)

    assert number in browser.get("/account/orders").get_data(as_text=True)
    assert browser.get(f"/orders/{number}").status_code == 200


def test_a_verified_account_with_another_email_does_not_see_them(app, guest_order):
    number = only_order().number
    browser = app.test_client()
    browser.get(register(browser, "someone.else@example.com"))

    assert number not in browser.get("/account/orders").get_data(as_text=True)
    assert browser.get(f"/orders/{number}").status_code == 404
