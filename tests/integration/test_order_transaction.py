"""An order that fails inside its transaction leaves nothing behind and queues nothing.

The rule: docs/behaviour.md#stock-and-order-creation.
"""

import time

import pytest
import redis
from sqlalchemy import text

from app.extensions import db
from tests import factories
from tests.conftest import PASSWORD
from tests.integration import rows
from tests.integration.shoppers import AppShopper

# The coupon use is the last statement of the order's transaction (app/services/ordering/placing.py):
# failing there means the order, its lines and outbox message, the emptied cart and every
# stock decrement have all been written, uncommitted, when the error strikes.
INJECT_FAILURE = [
    """CREATE FUNCTION integration_injected_failure() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'injected failure'; END $$""",
    """CREATE TRIGGER integration_injected_failure BEFORE UPDATE ON coupons
       FOR EACH ROW EXECUTE FUNCTION integration_injected_failure()""",
]
REMOVE_FAILURE = [
    "DROP TRIGGER IF EXISTS integration_injected_failure ON coupons",
    "DROP FUNCTION IF EXISTS integration_injected_failure()",
]


@pytest.fixture
def coupon_use_fails(app):
    with db.engine.begin() as connection:
        for statement in REMOVE_FAILURE + INJECT_FAILURE:
            connection.execute(text(statement))
    yield
    db.session.rollback()  # the test's own reads must not hold locks the DROP waits for
    with db.engine.begin() as connection:
        for statement in REMOVE_FAILURE:
            connection.execute(text(statement))


def test_an_error_inside_the_order_transaction_persists_nothing_and_queues_nothing(
    launcher, env, broker_url, mailbox, shopper, address, coupon_use_fails
):
    product = factories.ProductFactory(stock=20)
    coupon = factories.CouponFactory(code="TENOFF")
    web = launcher.web(env)
    app = AppShopper(web.url, shopper.email, PASSWORD)
    app.add_to_cart(product.id, 2)

    response = app.place_order(address.id, coupon.code, key="the-only-try")

    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    assert rows.orders() == []
    assert rows.outbox_messages() == []
    assert rows.stock_of(product.id) == 20
    assert rows.coupon_uses(coupon.id) == 0
    assert [(item["product_id"], item["quantity"]) for item in app.cart()["items"]] == [(product.id, 2)]
    assert redis.Redis.from_url(broker_url).llen("celery") == 0, "a task was queued"
    launcher.worker(env)
    launcher.beat(env)
    time.sleep(4)  # four relay rounds
    assert mailbox.accepted == []
