"""PAYMENT_PROVIDER=manual (the default): instructions on the order page and email, no card."""

import pytest

from app.extensions import mail
from app.services.ordering import lifecycle
from app.services.ordering.placing import place_order
from tests import factories
from tests.api.conftest import ApiClient, token_for


@pytest.fixture
def app_config(app_config):
    return {**app_config, "PAYMENT_INSTRUCTIONS": "Pay by bank transfer to IBAN XX00 1234."}


@pytest.fixture
def order(shopper):
    address = factories.AddressFactory(user=shopper)
    factories.fill_cart(shopper, (factories.ProductFactory(price="10.00", stock=5), 1))
    with mail.record_messages() as sent:
        placed = place_order(shopper.id, address.id).order
    placed.sent = sent
    return placed


def test_the_confirmation_email_and_page_show_the_payment_instructions(client, auth, order):
    (email,) = order.sent
    assert "Pay by bank transfer to IBAN XX00 1234." in email.body
    assert "Pay by bank transfer to IBAN XX00 1234." in email.html
    auth.login()
    page = client.get(f"/orders/{order.number}").get_data(as_text=True)
    assert "Pay by bank transfer to IBAN XX00 1234." in page
    assert "Payment processing" not in page


def test_manual_orders_have_no_pay_page(client, auth, order):
    auth.login()
    response = client.get(f"/orders/{order.number}/pay")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/orders/{order.number}")


def test_the_api_says_awaiting_then_succeeded_once_an_admin_marks_it_paid(client, shopper, admin, order):
    api = ApiClient(client, token_for(shopper))
    assert api.get(f"/api/v1/orders/{order.number}").json["payment"] == {
        "provider": "manual",
        "status": "awaiting",
    }
    lifecycle.change_status(order, "paid", admin.id)
    assert api.get(f"/api/v1/orders/{order.number}").json["payment"] == {
        "provider": "manual",
        "status": "succeeded",
    }


def test_the_stripe_webhook_refuses_every_delivery_with_manual(client, order):
    response = client.post("/payments/stripe/webhook", data=b"{}", headers={"Stripe-Signature": "t=1,v1=00"})
    assert response.status_code == 400
    assert order.status == "pending"
