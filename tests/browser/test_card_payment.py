"""Paying by card in Chromium (docs/payments.md), against gunicorn with PAYMENT_PROVIDER=stripe
and localstripe, whose test Stripe.js the pay page loads from STRIPE_JS_URL.

localstripe's Stripe.js takes no card details: it only completes an intent that waits
for 3-D Secure. So each test first puts a 3-D Secure test card on the intent over the
API, as a saved card would be, then presses "Pay" and answers localstripe's dialog.
"""

import re
import subprocess
import sys

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.conftest import (
    SHOPPER_EMAIL,
    SHOPPER_PASSWORD,
    BrowserSession,
    _free_port,
    _wait_until_serving,
)
from tests.browser.helpers import ROOT, add_to_cart, check_accessibility, log_in, order_number_in
from tests.localstripe import (
    PUBLISHABLE_KEY,
    SECRET_KEY,
    THREE_D_SECURE_CARD,
    WEBHOOK_SECRET,
    LocalStripe,
)

NOTEBOOK = "A5 Dotted Notebook"  # 9.75, from seed-demo


@pytest.fixture(scope="module")
def localstripe(tmp_path_factory):
    server = LocalStripe(tmp_path_factory.mktemp("localstripe") / "localstripe.log")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def card_shop(browser_shop, localstripe, tmp_path_factory) -> str:
    """A second gunicorn on the browser tests' database, taking cards through localstripe."""
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **browser_shop,
        "PAYMENT_PROVIDER": "stripe",
        "STRIPE_SECRET_KEY": SECRET_KEY,
        "STRIPE_PUBLISHABLE_KEY": PUBLISHABLE_KEY,
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_API_BASE": localstripe.url,
        "STRIPE_JS_URL": f"{localstripe.url}/js.stripe.com/v3/",
    }
    log_file = tmp_path_factory.mktemp("card-gunicorn") / "gunicorn.log"
    with open(log_file, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_serving(base_url + "/", process, log_file)
        localstripe.deliver_webhooks_to("browser", f"{base_url}/payments/stripe/webhook")
        yield base_url
    finally:
        localstripe.deliver_webhooks_to("browser", None)
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture
def shopper(chromium, card_shop):
    session = BrowserSession(chromium, card_shop, "card-shopper")
    yield session
    session.context.close()
    assert not session.csp_violations, "\n".join(session.csp_violations)


def place_order(page) -> str:
    log_in(page, SHOPPER_EMAIL, SHOPPER_PASSWORD)
    add_to_cart(page, NOTEBOOK, 1)
    page.get_by_role("link", name="Checkout").click()
    page.get_by_role("button", name="Place order").click()  # the saved default address
    expect(page).to_have_url(re.compile(r"/orders/SO-[0-9A-Z]+/pay$"))
    return order_number_in(page.url)


def put_3ds_card_on_the_intent(localstripe, page) -> str:
    secret = page.locator("#payment-form").get_attribute("data-client-secret")
    intent_id = secret.split("_secret_")[0]
    auth = (SECRET_KEY, "")
    card = {"number": THREE_D_SECURE_CARD, "exp_month": 12, "exp_year": 2034, "cvc": "123"}
    method = requests.post(
        f"{localstripe.url}/v1/payment_methods", json={"type": "card", "card": card}, auth=auth
    )
    requests.post(
        f"{localstripe.url}/v1/payment_intents/{intent_id}",
        json={"payment_method": method.json()["id"]},
        auth=auth,
    )
    confirmed = requests.post(
        f"{localstripe.url}/v1/payment_intents/{intent_id}/confirm", json={}, auth=auth
    ).json()
    assert confirmed["status"] == "requires_action"
    return intent_id


def press_pay_by_keyboard(page) -> None:
    pay = page.get_by_role("button", name=re.compile(r"^Pay "))
    pay.focus()
    page.keyboard.press("Enter")


def test_paying_with_3d_secure_ends_on_payment_received(shopper, localstripe):
    page = shopper.page
    number = place_order(page)
    expect(page.locator("#amount")).to_have_text("$15.53")  # 9.75 + 5.00 shipping + 0.78 tax
    check_accessibility(page)
    put_3ds_card_on_the_intent(localstripe, page)

    press_pay_by_keyboard(page)
    page.get_by_role("button", name="Complete authentication").click()

    expect(page).to_have_url(re.compile(rf"/orders/{number}\?paying=1$"))
    expect(page.locator("#payment-state")).to_contain_text("Payment received", timeout=20_000)
    expect(page.locator("#status")).to_have_text("paid")


def test_a_failed_authentication_shows_why_and_the_order_stays_payable(shopper, localstripe):
    page = shopper.page
    number = place_order(page)
    put_3ds_card_on_the_intent(localstripe, page)

    press_pay_by_keyboard(page)
    page.get_by_role("button", name="Fail authentication").click()

    expect(page.get_by_role("alert")).to_contain_text("failed authentication")
    expect(page).to_have_url(re.compile(rf"/orders/{number}/pay$"))
    expect(page.get_by_role("button", name=re.compile(r"^Pay "))).to_be_enabled()
    page.goto(f"/orders/{number}")
    expect(page.locator("#status")).to_have_text("pending")
