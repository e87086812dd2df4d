"""A card payment through the real stack: gunicorn, Redis, a celery worker and beat, SMTP,
PostgreSQL and localstripe, which signs and delivers its webhooks to gunicorn."""

import time

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Order, Payment
from tests.conftest import PASSWORD
from tests.factories import fill_cart
from tests.integration.services import service_env, wait_until
from tests.integration.shoppers import AppShopper
from tests.localstripe import DECLINED_CARD, PUBLISHABLE_KEY, SECRET_KEY, WEBHOOK_SECRET, LocalStripe

SETTLE_SECONDS = 6  # a few relay intervals and claim leases: a second email would show up


@pytest.fixture
def localstripe(tmp_path):
    server = LocalStripe(tmp_path / "localstripe.log")
    yield server
    server.stop()


@pytest.fixture
def card_shop(launcher, database_url, broker_url, smtp, localstripe):
    env = service_env(
        database_url,
        broker_url,
        smtp.port,
        PAYMENT_PROVIDER="stripe",
        STRIPE_SECRET_KEY=SECRET_KEY,
        STRIPE_PUBLISHABLE_KEY=PUBLISHABLE_KEY,
        STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
        STRIPE_API_BASE=localstripe.url,
        STRIPE_JS_URL=f"{localstripe.url}/js.stripe.com/v3/",
    )
    shop = launcher.shop(env)
    localstripe.deliver_webhooks_to("integration", f"{shop.web.url}/payments/stripe/webhook")
    return shop


def order_state(number: str) -> tuple[str, str, str]:
    db.session.rollback()
    row = db.session.execute(
        select(Order.status, Payment.status, Payment.failure_message)
        .join(Payment, Payment.order_id == Order.id)
        .where(Order.number == number)
    ).one()
    db.session.rollback()
    return tuple(row)


def place(card_shop, shopper, address, product) -> tuple[str, str]:
    fill_cart(shopper, (product, 2))
    app = AppShopper(card_shop.web.url, shopper.email, PASSWORD)
    response = app.place_order(address.id)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["payment"]["provider"] == "stripe"
    return body["number"], body["payment"]["client_secret"].split("_secret_")[0]


def test_a_good_card_makes_the_order_paid_and_sends_one_payment_received_email(
    card_shop, localstripe, mailbox, shopper, address, product
):
    number, intent_id = place(card_shop, shopper, address, product)
    assert localstripe.pay(intent_id)["status"] == "succeeded"

    wait_until(lambda: order_state(number)[0] == "paid", 30, "the webhook to mark the order paid")
    mailbox.wait_for(2)
    time.sleep(SETTLE_SECONDS)
    assert sorted(mailbox.subjects()) == sorted(
        [f"Your order {number}", f"Payment received for your order {number}"]
    )
    assert order_state(number)[1] == "succeeded"


def test_a_declined_card_leaves_the_order_pending_with_the_reason(
    card_shop, localstripe, mailbox, shopper, address, product
):
    number, intent_id = place(card_shop, shopper, address, product)
    localstripe.pay(intent_id, DECLINED_CARD)

    wait_until(lambda: order_state(number)[1] == "failed", 30, "the payment_failed webhook")
    assert order_state(number) == ("pending", "failed", "Your card was declined.")
    mailbox.wait_for(1)
    time.sleep(2)
    assert mailbox.subjects() == [f"Your order {number}"]
