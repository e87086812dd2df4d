"""The webhook, the expiry task and cancels racing each other, each race run 20 times.

After every run the order is either paid with no refund, or cancelled with its
stock and coupon use returned exactly once and any money taken refunded exactly
once (counted at localstripe, which would grant a second refund); never both.
Each actor runs in its own thread, app context and database connection.
"""

from collections import Counter

import pytest

from app.extensions import db
from app.models import Order
from app.services.ordering import lifecycle
from app.services.ordering.placing import place_order
from app.services.payments import cancelling, expiry, webhooks
from tests import factories
from tests.payments.helpers import age, fresh, payment_emails, payment_of, stock, succeeded_event, used
from tests.services.test_concurrency import run_together

RUNS = 20


@pytest.fixture
def product(app):
    return factories.ProductFactory(price="20.00", stock=1000)


def place(shopper, address, product) -> Order:
    factories.fill_cart(shopper, (product, 2))
    return place_order(shopper.id, address.id, "TENOFF").order


def check_exact(order, product, coupon, before, localstripe) -> str:
    """Assert the run's end state is one of the two allowed ones; return which."""
    order, payment = fresh(order), payment_of(order)
    stock_before, used_before = before
    refunds = localstripe.refunds_of(payment.intent_id)
    paid_at_stripe = localstripe.intent(payment.intent_id)["status"] == "succeeded"
    if order.status == "paid":
        assert refunds == [], order.number
        assert (stock(product), used(coupon)) == (stock_before - 2, used_before + 1)
        assert (payment.status, payment.refund_status) == ("succeeded", None)
        assert len(payment_emails(order)) == 1
        return "paid"
    assert order.status == "cancelled", order.status
    assert (stock(product), used(coupon)) == (stock_before, used_before)
    assert len(refunds) == (1 if paid_at_stripe else 0), (order.number, refunds)
    if paid_at_stripe:
        assert (payment.status, payment.refund_status) == ("refunded", "refunded")
    else:
        assert payment.status == "canceled"
    return "cancelled, refunded" if paid_at_stripe else "cancelled"


def race(app, shopper, address, product, coupon, localstripe, *, pay: bool, aged: float, actors) -> Counter:
    ends = Counter()
    for _ in range(RUNS):
        before = (stock(product), used(coupon))
        order = place(shopper, address, product)
        if pay:
            localstripe.pay(payment_of(order).intent_id)
        if aged:
            age(order, aged)
        event = succeeded_event(localstripe, order, status="succeeded")
        order_id, user_id = order.id, shopper.id
        run_together(app, len(actors), lambda i, o=order_id, u=user_id, e=event: actors[i](o, u, e))
        db.session.rollback()
        ends[check_exact(order, product, coupon, before, localstripe)] += 1
    return ends


def webhook(order_id, user_id, event):
    return webhooks.handle("stripe", *event)


def expiry_run(order_id, user_id, event):
    return expiry.run_once()


def shopper_cancel(order_id, user_id, event):
    return cancelling.cancel_order(db.session.get(Order, order_id), user_id)


def admin_cancel(order_id, user_id, event):
    order = db.session.get(Order, order_id)
    return cancelling.cancel_order(order, None, allowed_from=lifecycle.ADMIN_CANCELLABLE)


def test_webhook_against_expiry_pays_and_never_refunds(app, shopper, address, product, coupon, localstripe):
    ends = race(
        app, shopper, address, product, coupon, localstripe, pay=True, aged=31, actors=[webhook, expiry_run]
    )
    assert ends == {"paid": RUNS}


def test_webhook_against_the_shoppers_cancel(app, shopper, address, product, coupon, localstripe):
    ends = race(
        app,
        shopper,
        address,
        product,
        coupon,
        localstripe,
        pay=True,
        aged=0,
        actors=[webhook, shopper_cancel],
    )
    assert set(ends) <= {"paid", "cancelled, refunded"} and sum(ends.values()) == RUNS


def test_admin_cancel_against_webhook_always_ends_cancelled_and_refunded_once(
    app, shopper, address, product, coupon, localstripe
):
    ends = race(
        app, shopper, address, product, coupon, localstripe, pay=True, aged=0, actors=[admin_cancel, webhook]
    )
    assert ends == {"cancelled, refunded": RUNS}


def test_two_expiry_runs_at_once_cancel_once(app, shopper, address, product, coupon, localstripe):
    ends = race(
        app,
        shopper,
        address,
        product,
        coupon,
        localstripe,
        pay=False,
        aged=31,
        actors=[expiry_run, expiry_run],
    )
    assert ends == {"cancelled": RUNS}
