"""What shoppers, admins and the companion app see of a card payment (docs/payments.md)."""

from app.extensions import db
from tests import factories
from tests.api.conftest import ApiClient, token_for
from tests.localstripe import DECLINED_CARD, PUBLISHABLE_KEY, signed_event
from tests.payments.helpers import fresh, payment_of, post_event, succeeded_event

KEY = "0123456789abcdef0123456789abcdef"


def test_the_browser_checkout_redirects_to_the_pay_page(client, auth, shopper, address, product, localstripe):
    factories.fill_cart(shopper, (product, 1))
    auth.login()
    response = client.post(
        "/checkout", data={"checkout_key": KEY, "address_choice": str(address.id), "coupon_code": ""}
    )
    assert response.status_code == 303
    number = response.headers["Location"].split("/")[-2]
    assert response.headers["Location"].endswith(f"/orders/{number}/pay")


def test_the_pay_page_shows_the_amount_and_a_card_form_and_widens_its_csp_only(
    client, auth, placed, localstripe
):
    auth.login()
    page = client.get(f"/orders/{placed.number}/pay")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "$43.88" in html
    assert f'src="{localstripe.url}/js.stripe.com/v3/"' in html
    assert payment_of(placed).client_secret in html and PUBLISHABLE_KEY in html
    assert 'id="card-element"' in html and "Pay $43.88" in html
    policy = dict(part.strip().split(" ", 1) for part in page.headers["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == f"'self' {localstripe.url}"
    assert policy["frame-src"] == f"'self' {localstripe.url}"
    assert policy["connect-src"] == f"'self' {localstripe.url}"
    assert "unsafe" not in page.headers["Content-Security-Policy"]
    # every other page keeps the site's own policy
    other = client.get(f"/orders/{placed.number}").headers["Content-Security-Policy"]
    assert localstripe.url not in other


def test_a_declined_card_says_why_on_the_pay_page_and_can_be_tried_again(client, auth, placed, localstripe):
    localstripe.pay(payment_of(placed).intent_id, DECLINED_CARD)
    intent = localstripe.intent(payment_of(placed).intent_id)
    post_event(client, *signed_event(intent, "payment_intent.payment_failed"))
    auth.login()
    page = client.get(f"/orders/{placed.number}/pay")
    assert page.status_code == 200
    assert "Your card was declined." in page.get_data(as_text=True)
    assert 'id="pay-button"' in page.get_data(as_text=True)


def test_the_order_page_says_processing_then_received(client, auth, placed, localstripe):
    auth.login()
    assert "Payment processing" in client.get(f"/orders/{placed.number}").get_data(as_text=True)
    localstripe.pay(payment_of(placed).intent_id)
    post_event(client, *succeeded_event(localstripe, placed))
    page = client.get(f"/orders/{placed.number}").get_data(as_text=True)
    assert "Payment received" in page and "Payment processing" not in page
    # a paid order's pay page sends the shopper back to the order
    assert client.get(f"/orders/{placed.number}/pay").status_code == 303


def test_another_shoppers_pay_page_is_404(client, auth, other_shopper, placed):
    auth.login(other_shopper.email)
    assert client.get(f"/orders/{placed.number}/pay").status_code == 404


def test_the_api_gives_the_owner_the_client_secret_while_payable(client, shopper, placed, localstripe):
    api = ApiClient(client, token_for(shopper))
    body = api.get(f"/api/v1/orders/{placed.number}").json
    assert body["payment"] == {
        "provider": "stripe",
        "status": "requires_payment",
        "client_secret": payment_of(placed).client_secret,
        "publishable_key": PUBLISHABLE_KEY,
    }
    localstripe.pay(payment_of(placed).intent_id)
    post_event(client, *succeeded_event(localstripe, placed))
    assert api.get(f"/api/v1/orders/{placed.number}").json["payment"] == {
        "provider": "stripe",
        "status": "succeeded",
    }


def test_placing_an_order_over_the_api_returns_its_payment(client, shopper, address, product, localstripe):
    factories.fill_cart(shopper, (product, 1))
    api = ApiClient(client, token_for(shopper))
    response = api.post("/api/v1/orders/", json={"address_id": address.id})
    assert response.status_code == 201
    payment = response.json["payment"]
    assert payment["provider"] == "stripe" and payment["client_secret"].startswith("pi_")
    intent_id = payment["client_secret"].split("_secret_")[0]
    assert localstripe.intent(intent_id)["amount"] == 2660  # 20.00 + 5.00 + 1.60 tax


def test_the_openapi_document_describes_payment(client):
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    payment = schemas["Payment"]["properties"]
    assert set(payment) == {"provider", "status", "client_secret", "publishable_key"}
    assert "refunded" in payment["status"]["enum"] and "awaiting" in payment["status"]["enum"]
    assert "payment" in schemas["Order"]["required"]


def test_the_admin_order_page_shows_the_payment(client, auth, admin, placed, localstripe):
    localstripe.pay(payment_of(placed).intent_id)
    post_event(client, *succeeded_event(localstripe, placed))
    auth.login(admin.email)
    page = client.get(f"/admin/orders/{placed.number}").get_data(as_text=True)
    payment = payment_of(placed)
    for shown in (
        "stripe",
        payment.intent_id,
        "succeeded",
        "$43.88",
        "Payment received.",
        "payment provider",
    ):
        assert shown in page
    assert fresh(placed).status == "paid"
    db.session.rollback()
