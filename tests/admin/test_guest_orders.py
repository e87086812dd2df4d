"""Guests' orders on the admin pages: listed, found and exported by the guest's email."""

import csv
import io
import secrets

import pytest

from app.services.ordering.cart import Visitor, add_to_cart
from app.services.ordering.guests import checked_guest
from app.services.ordering.placing import place_order

ADDRESS = {
    "full_name": "Grace Hopper",
    "line1": "1 Harbour St",
    "city": "Arlington",
    "region": "VA",
    "postal_code": "22201",
    "country": "US",
}


@pytest.fixture
def guest_order(app, product):
    visitor = Visitor(secrets.token_urlsafe(32))
    add_to_cart(visitor, product.id, 1)
    return place_order(None, None, guest=checked_guest(visitor, "Grace@Example.com", ADDRESS)).order


def test_a_guests_order_is_listed_and_found_by_email(admin_client, guest_order):
    page = admin_client.get("/admin/orders?q=GRACE@example").get_data(as_text=True)

    assert guest_order.number in page
    assert "grace@example.com" in page


def test_a_guests_order_page_names_the_guest(admin_client, guest_order):
    page = admin_client.get(f"/admin/orders/{guest_order.number}").get_data(as_text=True)

    assert "grace@example.com</a> (guest)" in page


def test_a_guests_order_is_exported_with_the_email(admin_client, guest_order):
    response = admin_client.get("/admin/orders.csv")

    (row,) = csv.DictReader(io.StringIO(response.get_data(as_text=True)))
    assert (row["number"], row["email"]) == (guest_order.number, "grace@example.com")
