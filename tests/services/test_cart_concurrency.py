"""Cart changes racing a checkout of the same cart (docs/behaviour.md#cart).

As in test_concurrency.py: each side runs in its own thread with its own app context,
session and connection, released together by a barrier; on PostgreSQL they truly run
in parallel, SQLite serializes the writers.
"""

import secrets
from collections import Counter

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Cart, Order, OrderItem
from app.services.ordering.cart import (
    Visitor,
    add_to_cart,
    merge_visitor_cart,
    remove_from_cart,
    set_quantity,
)
from app.services.ordering.placing import place_order
from tests.factories import AddressFactory, ProductFactory, UserFactory, fill_cart
from tests.services.helpers import cart_lines_of
from tests.services.test_concurrency import kinds, run_together

# The race goes either way; several rounds make both ways (and the lost change) likely.
ROUNDS = 10


def ordered_quantities(user_id: int) -> dict[int, int]:
    rows = db.session.execute(
        select(OrderItem.product_id, func.sum(OrderItem.quantity))
        .join(Order)
        .where(Order.user_id == user_id)
        .group_by(OrderItem.product_id)
    ).all()
    db.session.rollback()
    return dict(rows)


def race_checkout_with(app, user_id: int, address_id: int, *changes) -> list:
    """Check the cart out while each change runs in its own thread; every outcome, checkout first."""
    actions = [lambda: (place_order(user_id, address_id).order.id,), *changes]
    return run_together(app, len(actions), lambda i: actions[i]())


def shopper_with_cart(*lines) -> tuple[int, int]:
    user = UserFactory()
    address = AddressFactory(user=user)
    fill_cart(user, *lines)
    return user.id, address.id


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_an_item_added_while_the_cart_is_checked_out_is_ordered_or_stays_in_the_cart(app, round_):
    in_cart, added = ProductFactory(stock=50), ProductFactory(stock=50)
    in_cart_id, added_id = in_cart.id, added.id
    user_id, address_id = shopper_with_cart((in_cart, 1))

    outcomes = race_checkout_with(
        app,
        user_id,
        address_id,
        lambda: (add_to_cart(user_id, in_cart_id, 2),),  # more of a line already there
        lambda: (add_to_cart(user_id, added_id, 1),),  # a new line
    )

    assert kinds(outcomes) == Counter({"ok": 3}), outcomes
    ordered, left = ordered_quantities(user_id), dict(cart_lines_of(user_id))
    assert ordered.get(in_cart_id, 0) + left.get(in_cart_id, 0) == 3, (ordered, left)
    assert ordered.get(added_id, 0) + left.get(added_id, 0) == 1, (ordered, left)


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_a_line_changed_while_the_cart_is_checked_out_changes_the_order_or_finds_it_gone(app, round_):
    changed, removed = ProductFactory(stock=50), ProductFactory(stock=50)
    changed_id, removed_id = changed.id, removed.id
    user_id, address_id = shopper_with_cart((changed, 1), (removed, 1))

    outcomes = race_checkout_with(
        app,
        user_id,
        address_id,
        lambda: (set_quantity(user_id, changed_id, 4),),
        lambda: (remove_from_cart(user_id, removed_id),),
    )

    # A change before the checkout is in the order; one after finds its line gone (NotFound).
    ordered = ordered_quantities(user_id)
    set_first, removed_first = (isinstance(outcome, tuple) for outcome in outcomes[1:])
    assert isinstance(outcomes[0], tuple), outcomes
    assert ordered[changed_id] == (4 if set_first else 1), (outcomes, ordered)
    assert (removed_id not in ordered) == removed_first, (outcomes, ordered)
    assert cart_lines_of(user_id) == []


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_a_visitors_cart_merged_at_login_during_a_checkout_loses_no_line_and_orders_none_twice(app, round_):
    in_cart, brought = ProductFactory(stock=50), ProductFactory(stock=50)
    in_cart_id, brought_id = in_cart.id, brought.id
    user_id, address_id = shopper_with_cart((in_cart, 1))
    visitor = Visitor(secrets.token_urlsafe(32))
    add_to_cart(visitor, in_cart_id, 2)
    add_to_cart(visitor, brought_id, 1)

    outcomes = race_checkout_with(app, user_id, address_id, lambda: (merge_visitor_cart(user_id, visitor),))

    assert kinds(outcomes) == Counter({"ok": 2}), outcomes
    ordered, left = ordered_quantities(user_id), dict(cart_lines_of(user_id))
    assert ordered.get(in_cart_id, 0) + left.get(in_cart_id, 0) == 3, (ordered, left)
    assert ordered.get(brought_id, 0) + left.get(brought_id, 0) == 1, (ordered, left)
    assert db.session.scalar(select(func.count(Cart.id)).where(Cart.user_id.is_(None))) == 0
