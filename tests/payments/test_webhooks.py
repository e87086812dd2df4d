"""POST /payments/stripe/webhook: signed, acted on once, amount checked (docs/payments.md)."""

import time

import pytest

from app.extensions import db, mail
from app.services.payments import webhooks
from tests.localstripe import DECLINED_CARD, signed_event
from tests.payments.helpers import (
    events_of,
    fresh,
    payment_emails,
    payment_of,
    post_event,
    succeeded_event,
    webhook_rows,
)
from tests.services.test_concurrency import run_together


def wait_for(condition, timeout: float = 15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.expire_all()
        if condition():
            return
        db.session.rollback()
        time.sleep(0.1)
    raise AssertionError("timed out waiting for the webhook's effect")


def test_a_good_card_paid_at_localstripe_makes_the_order_paid_with_one_email(
    placed, localstripe, webhook_server
):
    with mail.record_messages() as outbox:
        intent = localstripe.pay(payment_of(placed).intent_id)
        assert intent["status"] == "succeeded"
        wait_for(lambda: fresh(placed).status == "paid")
        wait_for(lambda: payment_emails(placed) and payment_emails(placed)[0].status == "sent")
    assert payment_of(placed).status == "succeeded"
    assert [m.subject for m in outbox] == [f"Payment received for your order {placed.number}"]
    assert "Payment received." in events_of(placed, "payment")
    assert webhook_rows() == 1


def test_a_declined_card_leaves_the_order_pending_with_the_reason(placed, localstripe, webhook_server):
    intent = localstripe.pay(payment_of(placed).intent_id, DECLINED_CARD)
    assert intent["status"] == "requires_payment_method"
    wait_for(lambda: payment_of(placed).status == "failed")
    assert fresh(placed).status == "pending"
    assert payment_of(placed).failure_message == "Your card was declined."
    assert "Card payment failed: Your card was declined." in events_of(placed, "payment")
    assert payment_emails(placed) == []


@pytest.mark.parametrize(
    "signature",
    [
        None,  # no header
        "t=123,v1=deadbeef",  # not Stripe's
        "old",  # Stripe's, signed 6 minutes ago (tolerance: 5)
        "other-secret",  # signed with another secret
    ],
)
def test_a_webhook_without_a_good_recent_signature_is_400_and_changes_nothing(
    client, placed, localstripe, signature
):
    localstripe.pay(payment_of(placed).intent_id)  # the money is real; the delivery is not trusted
    intent = localstripe.intent(payment_of(placed).intent_id)
    if signature == "old":
        body, signature = signed_event(intent, "payment_intent.succeeded", at=int(time.time()) - 360)
    elif signature == "other-secret":
        body, signature = signed_event(intent, "payment_intent.succeeded", secret="whsec_someone_else")
    else:
        body, _ = signed_event(intent, "payment_intent.succeeded")
    response = post_event(client, body, signature)
    assert response.status_code == 400
    assert fresh(placed).status == "pending"
    assert webhook_rows() == 0
    assert payment_emails(placed) == []


def test_the_same_event_five_times_in_a_row_pays_once_and_sends_one_email(client, placed, localstripe):
    localstripe.pay(payment_of(placed).intent_id)
    body, signature = succeeded_event(localstripe, placed)
    answers = [post_event(client, body, signature) for _ in range(5)]
    assert [a.status_code for a in answers] == [200] * 5
    assert [a.json["outcome"] for a in answers] == ["paid"] + ["repeat"] * 4
    assert fresh(placed).status == "paid"
    assert len(payment_emails(placed)) == 1
    assert events_of(placed, "payment").count("Payment received.") == 1
    assert webhook_rows() == 1


def test_the_same_event_five_times_at_once_pays_once_and_sends_one_email(app, placed, localstripe):
    localstripe.pay(payment_of(placed).intent_id)
    body, signature = succeeded_event(localstripe, placed)
    outcomes = run_together(app, 5, lambda i: webhooks.handle("stripe", body, signature))
    assert sorted(outcomes) == ["paid", "repeat", "repeat", "repeat", "repeat"]
    assert fresh(placed).status == "paid"
    assert len(payment_emails(placed)) == 1
    assert webhook_rows() == 1


def test_a_payment_of_another_amount_does_not_pay_the_order_and_tells_the_admin(
    client, auth, admin, placed, localstripe
):
    body, signature = succeeded_event(localstripe, placed, amount=100, status="succeeded")
    assert post_event(client, body, signature).status_code == 200
    assert fresh(placed).status == "pending"
    assert payment_emails(placed) == []
    (told,) = [event for event in events_of(placed, "payment") if "does not match" in event]
    assert "NOT marked paid" in told

    auth.login(admin.email)
    page = client.get(f"/admin/orders/{placed.number}").get_data(as_text=True)
    assert "does not match" in page and "payment provider" in page


def test_a_payment_in_another_currency_does_not_pay_the_order(client, placed, localstripe):
    body, signature = succeeded_event(localstripe, placed, currency="eur", status="succeeded")
    assert post_event(client, body, signature).status_code == 200
    assert fresh(placed).status == "pending"


def test_other_event_types_are_answered_200_and_ignored(client, placed, localstripe):
    intent = localstripe.intent(payment_of(placed).intent_id)
    body, signature = signed_event(intent, "payment_intent.created")
    response = post_event(client, body, signature)
    assert (response.status_code, response.json["outcome"]) == (200, "ignored")
    assert fresh(placed).status == "pending" and webhook_rows() == 0


def test_the_webhook_needs_no_csrf_token_and_no_session(app, client, placed, localstripe):
    app.config["WTF_CSRF_ENABLED"] = True
    localstripe.pay(payment_of(placed).intent_id)
    body, signature = succeeded_event(localstripe, placed)
    assert post_event(client, body, signature).status_code == 200
    assert fresh(placed).status == "paid"


def test_an_event_for_an_intent_that_is_not_ours_is_answered_200_and_changes_nothing(
    client, placed, localstripe
):
    intent = localstripe.intent(payment_of(placed).intent_id) | {"id": "pi_someone_else", "metadata": {}}
    response = post_event(client, *signed_event(intent | {"status": "succeeded"}, "payment_intent.succeeded"))
    assert (response.status_code, response.json["outcome"]) == (200, "unknown_intent")
    assert fresh(placed).status == "pending" and webhook_rows() == 0
