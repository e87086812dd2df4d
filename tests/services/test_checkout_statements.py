"""A checkout runs a fixed number of SQL statements, whatever the size of the cart."""

import uuid
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Address
from app.services.ordering.placing import place_order
from tests.factories import CouponFactory, ProductFactory, fill_cart
from tests.services.helpers import celery_not_eager, counting_statements

MAX_STATEMENTS = 15
NEW_ADDRESS = {
    "full_name": "Grace Hopper",
    "line1": "1 Harvard Yard",
    "line2": "",
    "city": "Cambridge",
    "region": "MA",
    "postal_code": "02138",
    "country": "US",
    "phone": "",
}


def checkout_statements(app, shopper, ship_to, line_count: int) -> list[str]:
    products = ProductFactory.create_batch(line_count, price=Decimal("3.10"), stock=50)
    fill_cart(shopper, *[(product, 2) for product in products])
    user_id = shopper.id  # read now: the test's own loads are not counted
    # Celery is not eager here: .delay() only publishes to the in-memory broker, so the
    # statements counted are the checkout's own (the email task's claim/send/mark would
    # otherwise run inside place_order and be counted too; it is a separate unit of work).
    with celery_not_eager(app), counting_statements() as statements:
        placed = place_order(user_id, ship_to, "bulk10", idempotency_key=uuid.uuid4().hex)
    assert placed.created and len(placed.order.items) == line_count
    return statements


def inserts_into_addresses(statements: list[str]) -> int:
    return sum(statement.lstrip().upper().startswith("INSERT INTO ADDRESSES") for statement in statements)


@pytest.fixture
def coupon(app):
    return CouponFactory(code="BULK10", kind="percent", value=Decimal("10"))


def test_statement_count_does_not_grow_with_the_cart(app, shopper, address, coupon):
    one_line = checkout_statements(app, shopper, address.id, 1)
    fifty_lines = checkout_statements(app, shopper, address.id, 50)
    assert len(one_line) == len(fifty_lines), (one_line, fifty_lines)


def test_a_checkout_runs_at_most_fifteen_statements(app, shopper, address, coupon):
    statements = checkout_statements(app, shopper, address.id, 50)
    assert len(statements) <= MAX_STATEMENTS, "\n\n".join(statements)


def test_a_checkout_to_a_new_address_costs_one_insert_more(app, shopper, address, coupon):
    to_saved = checkout_statements(app, shopper, address.id, 3)
    to_new = checkout_statements(app, shopper, NEW_ADDRESS, 3)

    assert len(to_new) == len(to_saved) + 1 <= MAX_STATEMENTS + 1, "\n\n".join(to_new)
    assert (inserts_into_addresses(to_saved), inserts_into_addresses(to_new)) == (0, 1)
    saved = db.session.scalars(select(Address.full_name).where(Address.user_id == shopper.id)).all()
    assert sorted(saved) == ["Ada Lovelace", "Grace Hopper"]


def test_a_new_address_the_book_already_holds_costs_nothing_more(app, shopper, address, coupon):
    to_saved = checkout_statements(app, shopper, address.id, 3)
    to_same_typed = checkout_statements(app, shopper, address.snapshot(), 3)

    assert len(to_same_typed) == len(to_saved), "\n\n".join(to_same_typed)
    assert inserts_into_addresses(to_same_typed) == 0
