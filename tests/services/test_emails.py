"""Every email in the shop's one branded layout (HTML and text): the shop's name, the order
number, amounts as the locale writes them, the button to the order (absolute), product pictures
(absolute), CSS inlined into style="" attributes, the address in its country's format."""

import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db, mail
from app.models import Order, OutboxMessage
from app.models.orders import ORDER_CANCELLED, ORDER_DELIVERED, ORDER_SHIPPED
from app.services.accounts.passwords import request_password_reset
from app.services.accounts.verification import send_verification_again
from app.services.catalog import images as image_service
from app.services.notifications import outbox
from app.services.notifications.emails import PAYMENT_RECEIVED
from app.services.ordering import lifecycle
from app.services.ordering.placing import place_order
from tests import factories
from tests.catalog import images

SHOP = "https://shop.example"


@pytest.fixture
def app_config(app_config):
    return {
        **app_config,
        "PUBLIC_BASE_URL": SHOP,
        "STORE_URL": SHOP,
        "STORE_NAME": "Teapot Emporium",
        "STORE_LOGO_URL": f"{SHOP}/static/logo.png",
        "TAX_RATE": Decimal("0.08"),
        "SHIPPING_FLAT_RATE": Decimal("5.00"),
        "FREE_SHIPPING_THRESHOLD": Decimal("50.00"),
        "STORE_CURRENCY": "USD",
    }


@pytest.fixture
def teapot(app):
    product = factories.ProductFactory(
        sku="TEA-1", name="Blue Teapot", slug="blue-teapot", price=Decimal("12.50")
    )
    image_service.add_image(product.id, images.jpeg(800, 600), "A blue teapot")
    return product


@pytest.fixture
def order(shopper, teapot) -> Order:
    """2 teapots at $12.50 to a London address: $25.00 + $5.00 shipping + $2.00 tax = $32.00."""
    address = factories.AddressFactory(
        user=shopper, full_name="Ada Lovelace", city="London", postal_code="N1 7AA"
    )
    factories.fill_cart(shopper, (teapot, 2))
    with mail.record_messages():
        return place_order(shopper.id, address.id).order


def owe(kind: str, order: Order, payload: dict | None = None):
    """Queue an email about the order as its service does, and return the one message sent."""
    with mail.record_messages() as sent:
        message = outbox.queue_email(kind, order_id=order.id, payload=payload)
        db.session.commit()
        outbox.announce_owed([message])
    (email,) = sent
    return email


def assert_branded(email) -> None:
    """The layout: the shop's name and logo, a 600px table with its CSS in style="" attributes."""
    assert "Teapot Emporium" in email.html and "Teapot Emporium" in email.body
    assert f'src="{SHOP}/static/logo.png"' in email.html
    assert re.search(r'<table[^>]*class="container"[^>]*style="[^"]*width: 600px', email.html)
    assert re.search(r'<td[^>]*class="content"[^>]*style="[^"]*font-family: Helvetica', email.html)
    assert re.search(r'<td class="button-cell" style="[^"]*background-color', email.html)
    assert re.search(r'<a class="button" href="[^"]+" style="[^"]*display: inline-block', email.html)
    # Only the narrow-screen rules stay in <style>; the layout itself no longer depends on it.
    assert all(
        rules.strip().startswith("@media") for rules in re.findall(r"<style>(.*?)</style>", email.html, re.S)
    )


def assert_about_the_order(email, order: Order, *, lines: bool = True) -> None:
    """The order's number, its button (absolute), and, with `lines`, the pictures, amounts and address."""
    assert order.number in email.subject and order.number in email.html and order.number in email.body
    page = f"{SHOP}/orders/{order.number}"
    assert re.search(rf'<a class="button" href="{page}"', email.html)
    assert page in email.body
    if lines:
        assert f'src="{SHOP}/media/products/' in email.html and 'alt="A blue teapot"' in email.html
        for amount in ("$12.50", "$25.00", "$5.00", "$2.00", "$32.00"):
            assert amount in email.html and amount in email.body, amount


def assert_british_address(email) -> None:
    # A British address puts the postcode on a line of its own, under the town.
    assert "Ada Lovelace<br>12 Analytical Row<br>London<br>N1 7AA<br>United Kingdom" in email.html
    assert "Ada Lovelace\n12 Analytical Row\nLondon\nN1 7AA\nUnited Kingdom" in email.body


def test_the_confirmation_email_is_branded_with_the_order_its_pictures_amounts_and_address(shopper, teapot):
    address = factories.AddressFactory(user=shopper)
    factories.fill_cart(shopper, (teapot, 2))

    with mail.record_messages() as sent:
        order = place_order(shopper.id, address.id).order

    (email,) = sent
    assert email.subject == f"Your order {order.number}"
    assert_branded(email)
    assert_about_the_order(email, order)
    assert_british_address(email)
    assert "Thank you for your order" in email.html and "Thank you for your order" in email.body


def test_the_payment_received_email_says_the_amount_and_links_the_order(order):
    email = owe(PAYMENT_RECEIVED, order)

    assert email.subject == f"Payment received for your order {order.number}"
    assert_branded(email)
    assert_about_the_order(email, order, lines=False)
    assert "We have received your payment of $32.00" in email.html
    assert "We have received your payment of $32.00" in email.body


@pytest.mark.parametrize(
    ("reason", "words"),
    [
        (lifecycle.BY_SHOPPER, "You cancelled your order"),
        (lifecycle.BY_STAFF, "We have cancelled your order"),
        (lifecycle.UNPAID, "We did not receive the payment for your order"),
    ],
)
def test_the_cancelled_email_says_who_cancelled_and_what_was_ordered(order, reason, words):
    email = owe(ORDER_CANCELLED, order, {"reason": reason})

    assert email.subject == f"Your order {order.number} is cancelled"
    assert_branded(email)
    assert_about_the_order(email, order)
    assert words in email.html and words in email.body


def test_the_shipped_email_links_the_carriers_tracking_page(order, admin):
    lifecycle.change_status(order, "paid", admin.id)

    with mail.record_messages() as sent:
        lifecycle.ship_order(order, admin.id, "ups", "1Z 999-AA1")

    (email,) = sent
    tracking = "https://www.ups.com/track?tracknum=1Z%20999-AA1"
    assert email.subject == f"Your order {order.number} is on its way"
    assert_branded(email)
    assert_about_the_order(email, order)
    assert_british_address(email)
    assert f'<a href="{tracking}"' in email.html and "1Z 999-AA1" in email.html
    assert "Carrier: UPS" in email.body and tracking in email.body


def test_the_shipped_email_with_another_carrier_shows_the_number_unlinked(order, admin):
    lifecycle.change_status(order, "paid", admin.id)

    with mail.record_messages() as sent:
        lifecycle.ship_order(order, admin.id, "other", "PARCEL-42")

    (email,) = sent
    assert "PARCEL-42" in email.html and "PARCEL-42" in email.body
    assert "Track your parcel" not in email.html


def test_the_delivered_email_is_branded_and_about_the_order(order):
    email = owe(ORDER_DELIVERED, order)

    assert email.subject == f"Your order {order.number} has been delivered"
    assert_branded(email)
    assert_about_the_order(email, order)
    assert_british_address(email)


def test_the_password_reset_email_is_branded_with_its_one_link(shopper):
    with mail.record_messages() as sent:
        request_password_reset(shopper.email)

    (email,) = sent
    assert_branded(email)
    (link,) = set(re.findall(r"https?://\S+", email.body))
    assert link.startswith(f"{SHOP}/auth/reset/")
    assert re.search(rf'<a class="button" href="{re.escape(link)}"', email.html)
    assert "your Teapot Emporium account" in email.body


def test_the_verification_email_is_branded_with_its_one_link(app):
    user = factories.UserFactory(email="new@example.com", email_verified_at=None)

    with mail.record_messages() as sent:
        send_verification_again(user.id)

    (email,) = sent
    assert_branded(email)
    (link,) = set(re.findall(r"https?://\S+", email.body))
    assert link.startswith(f"{SHOP}/auth/verify/")
    assert re.search(rf'<a class="button" href="{re.escape(link)}"', email.html)


def test_a_guests_order_link_email_carries_a_working_key(client, teapot):
    client.post("/cart/items", data={"product_id": teapot.id, "quantity": "1"})
    page = client.get("/checkout").get_data(as_text=True)
    key = re.search(r'name="checkout_key" type="hidden" value="([0-9a-f]{32})"', page).group(1)
    address = {"full_name": "Grace Hopper", "line1": "1 Harbour St", "city": "Arlington", "region": "VA"}
    client.post(
        "/checkout",
        data={
            **address,
            "postal_code": "22201",
            "country": "US",
            "email": "grace@example.com",
            "checkout_key": key,
        },
    )
    order = db.session.scalars(select(Order)).one()

    with mail.record_messages() as sent:
        client.post("/orders/find", data={"number": order.number, "email": "grace@example.com"})

    (email,) = sent
    assert_branded(email)
    (link,) = set(re.findall(r"https?://\S+", email.body))
    assert link.startswith(f"{SHOP}/orders/{order.number}?key=")
    assert re.search(rf'<a class="button" href="{re.escape(link)}"', email.html)
    assert app_client_sees(client.application, link, order.number)


def app_client_sees(app, link: str, number: str) -> bool:
    page = app.test_client().get(link.removeprefix(SHOP))
    return page.status_code == 200 and number in page.get_data(as_text=True)


def test_each_new_email_is_sent_once_when_the_relay_runs_twice(order, admin):
    from app.tasks import deliver_outbox_message, relay_outbox

    lifecycle.change_status(order, "paid", admin.id)
    with mail.record_messages() as sent:
        lifecycle.ship_order(order, admin.id, "dhl_paket", "00340434161094042557")
        lifecycle.change_status(order, "delivered", admin.id)
        for message_id in db.session.scalars(select(OutboxMessage.id)):
            deliver_outbox_message(message_id)  # the task again, as a redelivered broker message would
        relay_outbox()
        relay_outbox()

    assert sorted(email.subject for email in sent) == [
        f"Your order {order.number} has been delivered",
        f"Your order {order.number} is on its way",
    ]
    kinds = db.session.scalars(select(OutboxMessage.kind).order_by(OutboxMessage.id)).all()
    assert kinds == ["order_confirmation", ORDER_SHIPPED, ORDER_DELIVERED]


def test_a_logo_given_as_a_path_is_left_out_of_the_emails(app, order):
    app.config["STORE_LOGO_URL"] = "/static/logo.png"  # a mail client could not load it

    email = owe(ORDER_DELIVERED, order)

    assert 'class="logo"' not in email.html
    assert "Teapot Emporium" in email.html
