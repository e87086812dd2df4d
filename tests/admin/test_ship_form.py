"""Mark as shipped on the admin order page: the carrier and tracking number, stored and shown on
both order pages, and the shopper emailed; bad input refused with the field named, nothing changed."""

import pytest
from sqlalchemy import select

from app.extensions import db, mail
from app.models import Order, OutboxMessage
from app.services.ordering.lifecycle import change_status
from tests.admin.helpers import count


@pytest.fixture
def paid_order(shopper, product, buy, admin):
    order = buy(shopper, (product, 1))
    change_status(order, "paid", admin.id)
    return order


def ship(client, order, carrier="ups", tracking_number="1Z999AA10123456784"):
    with mail.record_messages() as sent:
        response = client.post(
            f"/admin/orders/{order.number}/ship",
            data={"carrier": carrier, "tracking_number": tracking_number},
        )
    return response, sent


def shipment_of(number: str) -> tuple[str, str | None, str | None]:
    db.session.rollback()
    return tuple(
        db.session.execute(
            select(Order.status, Order.carrier, Order.tracking_number).where(Order.number == number)
        ).one()
    )


def test_the_paid_orders_page_asks_for_a_carrier_and_a_tracking_number(admin_client, paid_order):
    page = admin_client.get(f"/admin/orders/{paid_order.number}").get_data(as_text=True)

    assert f'action="/admin/orders/{paid_order.number}/ship"' in page
    assert '<select id="carrier" name="carrier">' in page
    for carrier in (
        "UPS",
        "USPS",
        "FedEx",
        "DHL Express",
        "Royal Mail",
        "DPD",
        "Deutsche Post / DHL Paket",
        "Other",
    ):
        assert f">{carrier}</option>" in page
    assert 'name="tracking_number"' in page


def test_shipping_stores_the_tracking_emails_the_shopper_and_shows_the_link(admin_client, paid_order):
    response, sent = ship(admin_client, paid_order, "fedex", "7946 1234-5678")

    assert response.status_code == 303
    assert shipment_of(paid_order.number) == ("shipped", "fedex", "7946 1234-5678")
    (email,) = sent
    assert email.recipients == ["shopper@example.com"]
    tracking = "https://www.fedex.com/fedextrack/?trknbr=7946%201234-5678"
    assert tracking in email.body
    page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert f'<a href="{tracking}"' in page and "FedEx" in page
    assert "now shipped" in page


def test_a_tracking_number_is_optional(admin_client, paid_order):
    response, sent = ship(admin_client, paid_order, "other", "")

    assert response.status_code == 303
    assert shipment_of(paid_order.number) == ("shipped", "other", None)
    assert len(sent) == 1


@pytest.mark.parametrize(
    ("carrier", "tracking_number", "field"),
    [
        ("ups", "1Z$999", "Tracking number"),
        ("ups", "<script>alert(1)</script>", "Tracking number"),
        ("ups", "A" * 65, "Tracking number"),
        ("pigeon", "123", "Carrier"),
        ("", "123", "Carrier"),
    ],
)
def test_bad_input_is_refused_with_the_field_named_and_changes_nothing(
    admin_client, paid_order, carrier, tracking_number, field
):
    emails_before = count(OutboxMessage)

    response, sent = ship(admin_client, paid_order, carrier, tracking_number)

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f"Not shipped. {field}" in page
    assert 'aria-invalid="true"' in page
    assert "<script>alert(1)" not in page
    assert shipment_of(paid_order.number) == ("paid", None, None)
    assert sent == [] and count(OutboxMessage) == emails_before


def test_a_pending_order_cannot_be_shipped(admin_client, shopper, product, buy):
    order = buy(shopper, (product, 1))

    response, sent = ship(admin_client, order)

    assert "An order that is pending cannot become shipped." in admin_client.get(
        response.headers["Location"]
    ).get_data(as_text=True)
    assert shipment_of(order.number) == ("pending", None, None)
    assert sent == []


def test_shipping_without_the_csrf_token_is_refused(app, admin_client, paid_order):
    app.config["WTF_CSRF_ENABLED"] = True

    response, sent = ship(admin_client, paid_order)

    assert response.status_code == 400
    assert shipment_of(paid_order.number) == ("paid", None, None)
    assert sent == []


def test_shipping_twice_sends_one_email(admin_client, paid_order):
    ship(admin_client, paid_order)

    response, sent = ship(admin_client, paid_order, "dhl", "1234567890")

    assert sent == []
    assert shipment_of(paid_order.number) == ("shipped", "ups", "1Z999AA10123456784")
    assert "An order that is shipped cannot become shipped." in admin_client.get(
        response.headers["Location"]
    ).get_data(as_text=True)
