"""The intent is made after the order's commit, for the right amount, or on the next visit."""

from decimal import Decimal

import pytest
from sqlalchemy import text

from app.extensions import db
from app.services.ordering.placing import place_order
from app.services.payments import stripe as stripe_module
from app.services.payments.providers import minor_units
from tests import factories
from tests.payments.helpers import expected_amount, payment_of


def test_the_intent_is_made_for_the_order_total_in_cents_after_the_commit(placed, localstripe):
    payment = payment_of(placed)
    assert payment.provider == "stripe"
    assert payment.intent_id.startswith("pi_")
    assert payment.status == "requires_payment"
    intent = localstripe.intent(payment.intent_id)
    assert placed.total_payable == Decimal("43.88")  # 40.00 - 10% + 5.00 shipping + 8% tax
    assert (intent["amount"], intent["currency"]) == (4388, "usd")
    assert intent["metadata"] == {"order_number": placed.number}
    assert intent["client_secret"] == payment.client_secret


def test_no_transaction_or_row_lock_is_held_while_stripe_answers(
    app, shopper, address, product, monkeypatch, is_postgres
):
    seen = []
    create = stripe_module.StripeProvider.create_intent

    def watched(self, **kwargs):
        seen.append(db.session().in_transaction())
        if is_postgres:  # another connection can lock the product and order rows at once
            with db.engine.connect() as other:
                other.execute(text("SET lock_timeout = '1s'"))
                other.execute(text("SELECT id FROM products FOR UPDATE NOWAIT"))
                other.execute(text("SELECT id FROM orders FOR UPDATE NOWAIT"))
                other.rollback()
        return create(self, **kwargs)

    monkeypatch.setattr(stripe_module.StripeProvider, "create_intent", watched)
    factories.fill_cart(shopper, (product, 1))
    order = place_order(shopper.id, address.id).order
    assert seen == [False]
    assert payment_of(order).intent_id is not None


def test_a_zero_decimal_currency_is_charged_in_whole_units(app, shopper, address, localstripe):
    app.config.update(
        STORE_CURRENCY="JPY", SHIPPING_FLAT_RATE=Decimal("500"), FREE_SHIPPING_THRESHOLD=Decimal("5000")
    )
    product = factories.ProductFactory(price="1000.00", stock=5)
    factories.fill_cart(shopper, (product, 2))
    order = place_order(shopper.id, address.id).order
    assert order.total_payable == Decimal("2660.00")  # 2000 + 500 shipping + 160 tax
    intent = localstripe.intent(payment_of(order).intent_id)
    assert (intent["amount"], intent["currency"]) == (2660, "jpy")


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [("43.88", "USD", 4388), ("2660.00", "JPY", 2660), ("2660.50", "JPY", 2661), ("1.25", "KWD", 1250)],
)
def test_minor_units_follow_the_currency_exponent(amount, currency, minor):
    assert minor_units(Decimal(amount), currency) == minor


def test_stripe_unreachable_at_checkout_keeps_the_order_and_the_pay_page_makes_the_intent(
    app, client, auth, shopper, address, product, localstripe
):
    app.config["STRIPE_API_BASE"] = "http://127.0.0.1:9"  # nothing listens there
    factories.fill_cart(shopper, (product, 1))
    order = place_order(shopper.id, address.id).order
    payment = payment_of(order)
    assert order.status == "pending" and payment.intent_id is None

    auth.login()
    assert client.get(f"/orders/{order.number}/pay").status_code == 503  # still unreachable: said so

    app.config["STRIPE_API_BASE"] = localstripe.url
    page = client.get(f"/orders/{order.number}/pay")
    assert page.status_code == 200
    payment = payment_of(order)
    assert payment.intent_id is not None
    assert localstripe.intent(payment.intent_id)["amount"] == expected_amount(order)
    assert payment.client_secret in page.get_data(as_text=True)
