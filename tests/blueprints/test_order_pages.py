"""A shopper's order page and cancelling a pending order (docs/behaviour.md#order-statuses)."""

import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db, mail
from app.models import Coupon, Order, OutboxMessage, Product
from app.services.ordering.lifecycle import change_status, ship_order
from app.services.ordering.placing import place_order
from tests import factories
from tests.blueprints.checkout_support import PRICING_CONFIG, log_in, saved_address


@pytest.fixture
def app_config(app_config):
    return {**app_config, **PRICING_CONFIG}


@pytest.fixture
def teapot(app):
    return factories.ProductFactory(sku="TEA-1", name="Blue Teapot", price=Decimal("12.50"), stock=10)


@pytest.fixture
def order(shopper, teapot) -> Order:
    """A pending order of 2 teapots with a 10% coupon: 25.00 - 2.50 + 5.00 shipping + 1.80 tax."""
    address = saved_address(shopper, full_name="Ada Lovelace", city="London")
    factories.CouponFactory(code="TENOFF", kind="percent", value=Decimal("10"))
    factories.fill_cart(shopper, (teapot, 2))
    return place_order(shopper.id, address.id, "TENOFF").order


@pytest.fixture
def browsing(client, shopper):
    log_in(client, shopper)
    return client


def stock_and_coupon_uses() -> tuple[int, int]:
    db.session.expire_all()
    stock = db.session.scalar(select(Product.stock).where(Product.sku == "TEA-1"))
    return stock, db.session.scalar(select(Coupon.used_count).where(Coupon.code == "TENOFF"))


def emails_of(order: Order) -> list[str]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(OutboxMessage.kind).where(OutboxMessage.order_id == order.id).order_by(OutboxMessage.id)
        )
    )


def status_of(number: str) -> str:
    db.session.expire_all()
    return db.session.scalar(select(Order.status).where(Order.number == number))


def test_order_page_shows_the_lines_totals_and_shipping_address(browsing, order):
    response = browsing.get(f"/orders/{order.number}")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert order.number in page and "pending" in page
    assert "Blue Teapot" in page and "TEA-1" in page and "$12.50" in page
    for amount in ("25.00", "2.50", "5.00", "1.80", "29.30"):
        assert f"${amount}" in page
    assert "coupon TENOFF" in page
    assert "Ada Lovelace" in page and "London" in page


def test_order_page_keeps_the_prices_and_address_the_order_was_placed_with(browsing, order, teapot, shopper):
    teapot.price = Decimal("99.00")
    shopper.addresses[0].city = "Paris"
    db.session.commit()

    page = browsing.get(f"/orders/{order.number}").get_data(as_text=True)

    assert "$12.50" in page and "$99.00" not in page
    assert "London" in page and "Paris" not in page


def test_another_shoppers_order_page_is_not_found(client, other_shopper, order):
    log_in(client, other_shopper)

    response = client.get(f"/orders/{order.number}")

    assert response.status_code == 404
    assert order.number not in response.get_data(as_text=True)


def test_an_unknown_order_number_is_not_found(browsing):
    assert browsing.get("/orders/SO-NOSUCH00").status_code == 404


def test_anonymous_visitor_to_an_order_page_is_sent_to_log_in(client, order):
    response = client.get(f"/orders/{order.number}")

    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_a_pending_order_offers_a_cancel_button_that_leads_to_a_confirmation(browsing, order):
    page = browsing.get(f"/orders/{order.number}").get_data(as_text=True)

    assert f'href="/orders/{order.number}/cancel">Cancel order</a>' in page
    assert f'action="/orders/{order.number}/cancel"' not in page  # no one-click cancel


def test_the_cancel_confirmation_says_what_will_happen_and_changes_nothing(browsing, order):
    response = browsing.get(f"/orders/{order.number}/cancel")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"Cancel order {order.number}?" in page
    assert "2 items, $29.30" in page and "nothing will be shipped" in page
    assert f'<form method="post" action="/orders/{order.number}/cancel"' in page
    assert "Yes, cancel my order" in page
    assert f'href="/orders/{order.number}">Keep my order</a>' in page
    assert status_of(order.number) == "pending"
    assert stock_and_coupon_uses() == (8, 1)
    assert emails_of(order) == ["order_confirmation"]


def test_the_cancel_confirmation_of_a_paid_order_offers_no_cancel(browsing, order, admin):
    change_status(order, "paid", admin.id)

    page = browsing.get(f"/orders/{order.number}/cancel").get_data(as_text=True)

    assert "This order is paid and can no longer be cancelled." in page
    assert "Yes, cancel my order" not in page


def test_the_cancel_confirmation_of_another_shoppers_order_is_not_found(client, other_shopper, order):
    log_in(client, other_shopper)

    assert client.get(f"/orders/{order.number}/cancel").status_code == 404


def test_an_anonymous_visitor_to_the_cancel_confirmation_is_sent_to_log_in(client, order):
    response = client.get(f"/orders/{order.number}/cancel")

    assert response.status_code == 302
    assert response.headers["Location"] == f"/auth/login?next=%2Forders%2F{order.number}%2Fcancel"


def test_cancelling_emails_the_shopper_once(browsing, order):
    with mail.record_messages() as sent:
        browsing.post(f"/orders/{order.number}/cancel")
        browsing.post(f"/orders/{order.number}/cancel")

    (email,) = sent
    assert email.subject == f"Your order {order.number} is cancelled"
    assert "You cancelled your order" in email.body
    assert emails_of(order) == ["order_confirmation", "order_cancelled"]


def test_a_guest_with_the_link_confirms_and_cancels(client, teapot):
    client.post("/cart/items", data={"product_id": teapot.id, "quantity": "1"})
    page = client.get("/checkout").get_data(as_text=True)
    checkout_key = re.search(r'name="checkout_key" type="hidden" value="([0-9a-f]{32})"', page).group(1)
    address = {"full_name": "Grace Hopper", "line1": "1 Harbour St", "city": "Arlington", "region": "VA"}
    placed = client.post(
        "/checkout",
        data={
            **address,
            "postal_code": "22201",
            "country": "US",
            "email": "grace@example.com",
            "checkout_key": checkout_key,
        },
    )
    order_page = placed.headers["Location"]
    number, key = re.fullmatch(r"/orders/(\S+)\?key=(\S+)", order_page).groups()

    assert f'href="/orders/{number}/cancel?key={key}"' in client.get(order_page).get_data(as_text=True)
    confirmation = client.get(f"/orders/{number}/cancel?key={key}").get_data(as_text=True)
    assert f'action="/orders/{number}/cancel?key={key}"' in confirmation
    assert f'href="{order_page}">Keep my order</a>' in confirmation
    with mail.record_messages() as sent:
        response = client.post(f"/orders/{number}/cancel?key={key}")

    assert response.headers["Location"] == order_page
    assert status_of(number) == "cancelled"
    (email,) = sent
    assert email.recipients == ["grace@example.com"]
    assert f"/orders/{number}?key=" in email.body  # a guest's button opens the order with a key of its own


def test_a_shipped_order_shows_its_tracking_link(browsing, order, admin):
    change_status(order, "paid", admin.id)
    ship_order(order, admin.id, "royal_mail", "AB123456789GB")

    page = browsing.get(f"/orders/{order.number}").get_data(as_text=True)

    assert "Carrier: Royal Mail" in page
    assert '<a href="https://www.royalmail.com/track-your-item#/tracking-results/AB123456789GB"' in page


def test_a_paid_order_offers_no_cancel_button(browsing, order, admin):
    change_status(order, "paid", admin.id)

    page = browsing.get(f"/orders/{order.number}").get_data(as_text=True)

    assert "Cancel order" not in page


def test_cancelling_a_pending_order_returns_stock_and_coupon_use(browsing, order):
    assert stock_and_coupon_uses() == (8, 1)

    response = browsing.post(f"/orders/{order.number}/cancel")

    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/orders/{order.number}")
    page = browsing.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Order {order.number} is cancelled. We have emailed you a confirmation." in page
    assert status_of(order.number) == "cancelled"
    assert stock_and_coupon_uses() == (10, 0)


def test_cancelling_twice_refuses_the_second_and_returns_stock_once(browsing, order):
    browsing.post(f"/orders/{order.number}/cancel")

    response = browsing.post(f"/orders/{order.number}/cancel", follow_redirects=True)

    assert "This order is cancelled and can no longer be cancelled." in response.get_data(as_text=True)
    assert stock_and_coupon_uses() == (10, 0)


def test_a_shopper_cannot_cancel_a_paid_order(browsing, order, admin):
    change_status(order, "paid", admin.id)

    response = browsing.post(f"/orders/{order.number}/cancel", follow_redirects=True)

    assert "This order is paid and can no longer be cancelled." in response.get_data(as_text=True)
    assert status_of(order.number) == "paid"
    assert stock_and_coupon_uses() == (8, 1)


def test_cancelling_another_shoppers_order_is_not_found_and_changes_nothing(client, other_shopper, order):
    log_in(client, other_shopper)

    response = client.post(f"/orders/{order.number}/cancel")

    assert response.status_code == 404
    assert status_of(order.number) == "pending"
    assert stock_and_coupon_uses() == (8, 1)


def test_cancelling_without_the_csrf_token_is_refused(app, browsing, order):
    app.config["WTF_CSRF_ENABLED"] = True
    page = browsing.get(f"/orders/{order.number}/cancel").get_data(as_text=True)
    assert 'name="csrf_token"' in page.split('action="/orders/')[1]

    response = browsing.post(f"/orders/{order.number}/cancel")

    assert response.status_code == 400
    assert status_of(order.number) == "pending"
