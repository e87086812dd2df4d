"""A checkout to a new address posted twice at once (a double-clicked checkout form).

As in test_concurrency.py: each request runs in its own thread with its own app context,
session and connection, released together by a barrier; on PostgreSQL they truly run in
parallel, SQLite serializes the writers.
"""

from collections import Counter

from app.models import Address, Order
from app.services.ordering.placing import place_order
from tests.factories import ProductFactory, fill_cart
from tests.services.helpers import count_rows, stock_of
from tests.services.test_concurrency import kinds, run_together

NEW_ADDRESS = {
    "full_name": "Ada Lovelace",
    "line1": "12 St James's Square",
    "city": "London",
    "postal_code": "SW1Y 4JH",
    "country": "gb",
}


def test_the_same_form_with_a_new_address_posted_twice_at_once_saves_it_once(app, shopper):
    teapot = ProductFactory(stock=5)
    fill_cart(shopper, (teapot, 2))
    user_id = shopper.id

    def submit(i: int) -> tuple[int, bool]:
        placed = place_order(user_id, NEW_ADDRESS, idempotency_key="web:one-form")
        return placed.order.id, placed.created

    outcomes = run_together(app, 2, submit)

    assert kinds(outcomes) == Counter({"ok": 2}), outcomes
    assert len({order_id for order_id, _ in outcomes}) == 1, outcomes
    assert sorted(created for _, created in outcomes) == [False, True]
    assert count_rows(Order) == 1 and stock_of(teapot) == [3]
    assert count_rows(Address) == 1


def test_two_forms_with_the_same_new_address_at_once_make_one_order_and_one_address(app, shopper):
    teapot = ProductFactory(stock=5)
    fill_cart(shopper, (teapot, 2))
    user_id = shopper.id

    def submit(i: int) -> tuple[int, bool]:
        placed = place_order(user_id, NEW_ADDRESS, idempotency_key=f"web:form-{i}")
        return placed.order.id, placed.created

    outcomes = run_together(app, 2, submit)

    # The second waits on the cart the first is ordering, then finds it empty.
    assert kinds(outcomes) == Counter({"ok": 1, "EmptyCart": 1}), outcomes
    assert count_rows(Order) == 1 and stock_of(teapot) == [3]
    assert count_rows(Address) == 1
