"""A checkout runs a fixed number of SQL statements, whatever the size of the cart."""

from decimal import Decimal

import pytest

from app.services.ordering.placing import place_order
from tests.factories import CouponFactory, ProductFactory, fill_cart
from tests.services.helpers import celery_not_eager, counting_statements

MAX_STATEMENTS = 15


def checkout_statements(app, shopper, address, line_count: int) -> list[str]:
    products = ProductFactory.create_batch(line_count, price=Decimal("3.10"), stock=50)
    fill_cart(shopper, *[(product, 2) for product in products])
    user_id, address_id = shopper.id, address.id  # read now: the test's own loads are not counted
    # Celery is not eager here: .delay() only publishes to the in-memory broker, so the
    # statements counted are the checkout's own (the email task's claim/send/mark would
    # otherwise run inside place_order and be counted too; it is a separate unit of work).
    with celery_not_eager(app), counting_statements() as statements:
        placed = place_order(user_id, address_id, "bulk10", idempotency_key=f"key-{line_count}")
    assert placed.created and len(placed.order.items) == line_count
    return statements


@pytest.fixture
def coupon(app):
    return CouponFactory(code="BULK10", kind="percent", value=Decimal("10"))


def test_statement_count_does_not_grow_with_the_cart(app, shopper, address, coupon):
    one_line = checkout_statements(app, shopper, address, 1)
    fifty_lines = checkout_statements(app, shopper, address, 50)
    assert len(one_line) == len(fifty_lines), (one_line, fifty_lines)


def test_a_checkout_runs_at_most_fifteen_statements(app, shopper, address, coupon):
    statements = checkout_statements(app, shopper, address, 50)
    assert len(statements) <= MAX_STATEMENTS, "\n\n".join(statements)
