"""Expiry and reconciliation (docs/payments.md): ask Stripe first, so a lost webhook never cancels a sale."""

from app.services.payments import cancelling, expiry
from app.tasks import expire_payments
from tests.payments.helpers import age, events_of, fresh, payment_emails, payment_of, stock, used


def test_an_unpaid_order_past_its_time_is_cancelled_with_stock_and_coupon_back(
    placed, product, coupon, localstripe
):
    age(placed, 31)
    outcome = expiry.run_once()
    assert outcome.cancelled == [placed.number]
    assert fresh(placed).status == "cancelled"
    assert (stock(product), used(coupon)) == (10, 0)
    assert localstripe.intent(payment_of(placed).intent_id)["status"] == "canceled"
    assert payment_of(placed).status == "canceled"
    assert any(e.startswith("Payment not received in time") for e in events_of(placed, "payment"))
    assert expiry.run_once().cancelled == []  # a second run returns nothing again
    assert (stock(product), used(coupon)) == (10, 0)


def test_an_unpaid_order_within_its_time_is_left_alone(placed, product, localstripe):
    age(placed, 29)
    assert expiry.run_once().cancelled == []
    assert fresh(placed).status == "pending"
    assert localstripe.intent(payment_of(placed).intent_id)["status"] == "requires_payment_method"


def test_a_missed_webhook_is_reconciled_to_paid_and_never_cancelled(placed, product, localstripe):
    localstripe.pay(payment_of(placed).intent_id)  # no webhook is delivered: no server registered
    age(placed, 45)  # even past the payment timeout
    outcome = expiry.run_once()
    assert (outcome.paid, outcome.cancelled) == ([placed.number], [])
    assert fresh(placed).status == "paid"
    assert stock(product) == 8
    assert len(payment_emails(placed)) == 1
    assert localstripe.refunds_of(payment_of(placed).intent_id) == []


def test_reconciliation_marks_paid_after_two_minutes_not_before(placed, localstripe):
    localstripe.pay(payment_of(placed).intent_id)
    age(placed, 1)
    assert expiry.run_once().paid == []
    age(placed, 3)
    assert expiry.run_once().paid == [placed.number]
    assert fresh(placed).status == "paid"


def test_the_cli_runs_one_pass(runner, placed, localstripe):
    age(placed, 31)
    result = runner.invoke(args=["payments", "expire"])
    assert result.exit_code == 0, result.output
    assert "cancelled 1" in result.output and placed.number in result.output
    assert fresh(placed).status == "cancelled"


def test_the_cli_fails_when_stripe_cannot_be_asked_and_cancels_nothing(app, runner, placed, product):
    age(placed, 31)
    app.config["STRIPE_API_BASE"] = "http://127.0.0.1:9"
    result = runner.invoke(args=["payments", "expire"])
    assert result.exit_code == 1
    assert "not checked (provider unreachable) 1" in result.output
    assert fresh(placed).status == "pending" and stock(product) == 8


def test_a_cancelled_orders_intent_left_open_is_cancelled_later_or_its_payment_refunded(
    app, placed, product, localstripe
):
    app.config["STRIPE_API_BASE"] = "http://127.0.0.1:9"  # Stripe is down during the cancel
    cancelling.cancel_order(placed, placed.user_id)
    app.config["STRIPE_API_BASE"] = localstripe.url
    intent_id = payment_of(placed).intent_id
    assert localstripe.intent(intent_id)["status"] == "requires_payment_method"
    localstripe.pay(intent_id)  # the shopper's card went through all the same; the webhook is lost

    assert expiry.run_once().refunded == [placed.number]
    assert expiry.run_once().refunded == []
    assert len(localstripe.refunds_of(intent_id)) == 1
    assert (payment_of(placed).status, payment_of(placed).refund_status) == ("refunded", "refunded")
    assert fresh(placed).status == "cancelled" and stock(product) == 10


def test_beat_runs_the_expiry_every_minute(app, placed, localstripe):
    schedule = app.extensions["celery"].conf.beat_schedule["expire-payments"]
    assert (schedule["task"], schedule["schedule"]) == ("app.tasks.expire_payments", 60)
    age(placed, 31)
    expire_payments.delay()  # eager without a broker, as in development
    assert fresh(placed).status == "cancelled"
