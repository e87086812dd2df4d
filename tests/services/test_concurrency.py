"""Checkouts and cancels racing each other on separate connections.

The rules: docs/behaviour.md#stock-and-order-creation.

Each buyer runs in its own thread with its own app context, hence its own session
and database connection; a barrier releases them together. On PostgreSQL they truly
run in parallel; SQLite serializes the writers (its busy timeout makes them queue).
"""

import itertools
import threading
from collections import Counter
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Order, OrderItem
from app.services.errors import CouponUnusable, IdempotencyKeyInUse, InsufficientStock, InvalidTransition
from app.services.ordering.lifecycle import cancel_order
from app.services.ordering.placing import place_order
from tests.factories import AddressFactory, CouponFactory, ProductFactory, UserFactory, fill_cart
from tests.services.helpers import cart_lines_of, count_rows, stock_of, used_count_of

JOIN_TIMEOUT = 120


def run_together(app, count: int, action) -> list:
    """Run action(i) in `count` threads released at once; return each result or exception."""
    barrier = threading.Barrier(count)
    outcomes: list = [None] * count

    def buyer(i: int) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                outcomes[i] = action(i)
            except BaseException as exc:  # noqa: BLE001 - the test inspects every outcome
                outcomes[i] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=buyer, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a buyer is still waiting"
    return outcomes


def kinds(outcomes: list) -> Counter:
    return Counter("ok" if isinstance(o, tuple) else type(o).__name__ for o in outcomes)


def buyers_with(count: int, lines_for) -> list[tuple[int, int]]:
    """`count` shoppers with an address each; lines_for(i) gives buyer i's cart lines."""
    buyers = []
    for i in range(count):
        user = UserFactory()
        address = AddressFactory(user=user)
        fill_cart(user, *lines_for(i))
        buyers.append((user.id, address.id))
    return buyers


def checkout(buyer: tuple[int, int], coupon_code: str | None = None, **options) -> tuple[int, bool]:
    placed = place_order(*buyer, coupon_code, **options)
    return placed.order.id, placed.created


def test_forty_buyers_for_ten_units_make_exactly_ten_orders(app):
    product = ProductFactory(stock=10)
    buyers = buyers_with(40, lambda i: [(product, 1)])

    outcomes = run_together(app, 40, lambda i: checkout(buyers[i]))

    assert kinds(outcomes) == Counter({"ok": 10, "InsufficientStock": 30}), outcomes
    assert stock_of(product) == [0]
    assert count_rows(Order) == 10
    assert db.session.scalar(select(func.sum(OrderItem.quantity))) == 10
    refused = [o for o in outcomes if isinstance(o, InsufficientStock)]
    assert all(o.items[0].requested == 1 and o.items[0].available == 0 for o in refused)


def test_refused_buyers_keep_their_carts(app):
    product = ProductFactory(stock=3)
    buyers = buyers_with(12, lambda i: [(product, 1)])

    outcomes = run_together(app, 12, lambda i: checkout(buyers[i]))

    assert kinds(outcomes) == Counter({"ok": 3, "InsufficientStock": 9}), outcomes
    for (user_id, _), outcome in zip(buyers, outcomes, strict=True):
        expected = [] if isinstance(outcome, tuple) else [(product.id, 1)]
        assert cart_lines_of(user_id) == expected


def test_a_coupon_limited_to_five_uses_is_used_five_times_by_twenty_buyers(app):
    product = ProductFactory(stock=100, price=Decimal("20.00"))
    coupon = CouponFactory(code="FIVE", usage_limit=5)
    buyers = buyers_with(20, lambda i: [(product, 1)])

    outcomes = run_together(app, 20, lambda i: checkout(buyers[i], "five"))

    assert kinds(outcomes) == Counter({"ok": 5, "CouponUnusable": 15}), outcomes
    assert all(o.reason == "used_up" for o in outcomes if isinstance(o, CouponUnusable))
    assert used_count_of(coupon) == 5
    assert db.session.scalar(select(func.count(Order.id)).where(Order.coupon_id == coupon.id)) == 5
    assert count_rows(Order) == 5
    assert stock_of(product) == [95]


def test_thirty_buyers_of_the_same_three_products_in_any_order_all_succeed(app):
    products = ProductFactory.create_batch(3, stock=30)
    orders_of_adding = list(itertools.permutations(products))
    buyers = buyers_with(30, lambda i: [(p, 1) for p in orders_of_adding[i % len(orders_of_adding)]])

    outcomes = run_together(app, 30, lambda i: checkout(buyers[i]))

    assert kinds(outcomes) == Counter({"ok": 30}), outcomes
    assert stock_of(*products) == [0, 0, 0]
    assert count_rows(Order) == 30


@pytest.mark.parametrize("copies", [2, 3, 5])
def test_the_same_checkout_submitted_at_once_makes_one_order(app, shopper, address, copies):
    product = ProductFactory(stock=10)
    fill_cart(shopper, (product, 2))
    buyer = (shopper.id, address.id)

    outcomes = run_together(app, copies, lambda i: checkout(buyer, idempotency_key="checkout-form-1"))

    placed = [o for o in outcomes if isinstance(o, tuple)]
    in_use = [o for o in outcomes if isinstance(o, IdempotencyKeyInUse)]
    assert len(placed) + len(in_use) == copies, outcomes
    assert len({order_id for order_id, _ in placed}) == 1
    assert [created for _, created in placed].count(True) == 1
    assert count_rows(Order) == 1
    assert stock_of(product) == [8]


def test_cancelling_one_order_at_once_returns_the_stock_once(app, shopper, address):
    product = ProductFactory(stock=10)
    coupon = CouponFactory(code="ONCE")
    fill_cart(shopper, (product, 4))
    order_id = place_order(shopper.id, address.id, "ONCE").order.id
    user_id = shopper.id

    def cancel(i: int):
        return cancel_order(db.session.get(Order, order_id), user_id).status, True

    outcomes = run_together(app, 5, cancel)

    assert kinds(outcomes) == Counter({"ok": 1, "InvalidTransition": 4}), outcomes
    assert all(o.current == "cancelled" for o in outcomes if isinstance(o, InvalidTransition))
    assert stock_of(product) == [10]
    assert used_count_of(coupon) == 0


def test_cancels_and_checkouts_of_the_same_products_interleave_without_errors(app):
    products = ProductFactory.create_batch(3, stock=100)
    cancellers = buyers_with(10, lambda i: [(p, 2) for p in reversed(products)])
    placed = [place_order(*buyer).order.id for buyer in cancellers]
    buyers = buyers_with(10, lambda i: [(p, 1) for p in products])

    def act(i: int):
        if i % 2:
            order = db.session.get(Order, placed[i // 2])
            return cancel_order(order, order.user_id).status, True
        return checkout(buyers[i // 2])

    outcomes = run_together(app, 20, act)

    assert kinds(outcomes) == Counter({"ok": 20}), outcomes
    # 10 orders of 2 placed then cancelled, 10 orders of 1 placed: 100 - 10.
    assert stock_of(*products) == [90, 90, 90]
