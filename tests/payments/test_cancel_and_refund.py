"""Cancelling a card order: refunds in full, closes the intent, or is refused changing nothing."""

from flask import current_app

from app.extensions import db
from app.services.ordering import lifecycle
from app.services.payments import cancelling, expiry
from app.services.payments.settlement import payment_succeeded, set_payment
from app.services.payments.stripe import StripeProvider
from tests.payments.helpers import events_of, fresh, payment_of, post_event, stock, succeeded_event, used


def pay_and_settle(localstripe, order):
    """The shopper pays; the webhook's effect, without waiting for its delivery."""
    localstripe.pay(payment_of(order).intent_id)
    intent = StripeProvider.from_config(current_app.config).retrieve_intent(payment_of(order).intent_id)
    assert payment_succeeded(payment_of(order), intent) == "paid"


def test_admin_cancel_of_a_paid_order_refunds_in_full_and_returns_stock_once(
    client, auth, admin, placed, product, coupon, localstripe
):
    pay_and_settle(localstripe, placed)
    assert (stock(product), used(coupon)) == (8, 1)
    auth.login(admin.email)
    response = client.post(f"/admin/orders/{placed.number}/status", data={"status": "cancelled"})
    assert response.status_code == 303
    order, payment = fresh(placed), payment_of(placed)
    assert order.status == "cancelled"
    assert (stock(product), used(coupon)) == (10, 0)
    refunds = localstripe.refunds_of(payment.intent_id)
    assert [r["amount"] for r in refunds] == [4388]
    assert (payment.status, payment.refund_status, payment.refund_id) == (
        "refunded",
        "refunded",
        refunds[0]["id"],
    )
    page = client.get(f"/admin/orders/{placed.number}").get_data(as_text=True)
    assert refunds[0]["id"] in page and payment.intent_id in page


def test_a_refused_refund_refuses_the_cancel_and_changes_nothing(
    app, client, auth, admin, placed, product, coupon, localstripe
):
    pay_and_settle(localstripe, placed)
    app.config["STRIPE_API_BASE"] = "http://127.0.0.1:9"  # Stripe cannot be reached
    auth.login(admin.email)
    response = client.post(
        f"/admin/orders/{placed.number}/status", data={"status": "cancelled"}, follow_redirects=True
    )
    assert "Stripe refused the refund, so the order was not cancelled" in response.get_data(as_text=True)
    assert fresh(placed).status == "paid"
    assert (stock(product), used(coupon)) == (8, 1)
    assert payment_of(placed).refund_status is None
    app.config["STRIPE_API_BASE"] = localstripe.url
    assert localstripe.refunds_of(payment_of(placed).intent_id) == []

    # Once Stripe answers, the same cancel goes through.
    client.post(f"/admin/orders/{placed.number}/status", data={"status": "cancelled"})
    assert fresh(placed).status == "cancelled"
    assert len(localstripe.refunds_of(payment_of(placed).intent_id)) == 1


def test_cancelling_a_pending_order_cancels_its_intent(client, auth, placed, product, coupon, localstripe):
    auth.login()
    client.post(f"/orders/{placed.number}/cancel")
    assert fresh(placed).status == "cancelled"
    assert (stock(product), used(coupon)) == (10, 0)
    assert localstripe.intent(payment_of(placed).intent_id)["status"] == "canceled"
    assert payment_of(placed).status == "canceled"


def test_a_payment_that_lands_after_the_shoppers_cancel_is_refunded_once(
    client, placed, product, localstripe
):
    payment = payment_of(placed)
    localstripe.pay(payment.intent_id)  # paid just before the cancel reached Stripe
    cancelling.cancel_order(placed, placed.user_id)
    order = fresh(placed)
    assert order.status == "cancelled"
    assert stock(product) == 10
    # The cancel found the intent succeeded and refunded it; the late webhook changes nothing more.
    body, signature = succeeded_event(localstripe, placed)
    assert post_event(client, body, signature).json["outcome"] in ("refunding", "repeat")
    assert post_event(client, body, signature).status_code == 200
    assert len(localstripe.refunds_of(payment.intent_id)) == 1
    assert (payment_of(placed).status, payment_of(placed).refund_status) == ("refunded", "refunded")
    assert fresh(placed).status == "cancelled" and stock(product) == 10
    assert any("received after the order was cancelled" in e for e in events_of(placed, "payment"))


def test_a_refund_stripe_refuses_is_recorded_for_the_admin_and_the_order_stays_cancelled(
    client, placed, product, localstripe
):
    cancelling.cancel_order(placed, placed.user_id)  # intent cancelled at localstripe
    # A succeeded event for an intent the shop had cancelled (Stripe documents that a payment
    # can still succeed while a cancel is under way); localstripe cannot confirm a cancelled
    # intent, so the event is built from Stripe's documented shape, and localstripe refuses
    # the refund: the shop's way of handling a refused refund.
    body, signature = succeeded_event(localstripe, placed, status="succeeded")
    assert post_event(client, body, signature).json["outcome"] == "refunding"
    payment = payment_of(placed)
    assert (fresh(placed).status, payment.refund_status) == ("cancelled", "failed")
    assert payment.refund_error
    assert any(event.startswith("Refund failed:") for event in events_of(placed, "payment"))
    assert stock(product) == 10


def test_the_expiry_run_retries_a_failed_refund_and_refunds_once(placed, product, localstripe):
    payment = payment_of(placed)
    localstripe.pay(payment.intent_id)
    lifecycle.cancel_order(placed, None)  # cancelled without a word to Stripe
    set_payment(payment.id, status="succeeded", refund_status="failed", refund_error="Stripe was down.")
    db.session.commit()
    assert expiry.run_once().refunded == [placed.number]
    assert expiry.run_once().refunded == []
    assert len(localstripe.refunds_of(payment.intent_id)) == 1
    assert payment_of(placed).refund_status == "refunded"
    assert stock(product) == 10


def test_cancelling_an_order_marked_paid_by_hand_refunds_nothing_and_closes_the_intent(
    client, auth, admin, placed, product, localstripe
):
    auth.login(admin.email)
    client.post(f"/admin/orders/{placed.number}/status", data={"status": "paid"})  # paid by bank transfer
    assert fresh(placed).status == "paid"
    client.post(f"/admin/orders/{placed.number}/status", data={"status": "cancelled"})
    assert fresh(placed).status == "cancelled" and stock(product) == 10
    intent_id = payment_of(placed).intent_id
    assert localstripe.refunds_of(intent_id) == []
    assert localstripe.intent(intent_id)["status"] == "canceled"
