"""Guests racing each other (SPEC section 10): every guarantee of sections 2 to 4 holds for them.

As in test_concurrency.py: one thread, app context, session and connection per guest,
released together; PostgreSQL runs them in parallel, SQLite makes its writers queue.
"""

import secrets
from collections import Counter

from sqlalchemy import func, select

from app.extensions import db
from app.models import Order, OrderItem
from app.services.ordering.cart import Visitor, add_to_cart
from app.services.ordering.guests import checked_guest
from app.services.ordering.placing import place_order
from tests.factories import CouponFactory, ProductFactory
from tests.services.helpers import count_rows, stock_of, used_count_of
from tests.services.test_concurrency import kinds, run_together

ADDRESS = {
    "full_name": "Grace Hopper",
    "line1": "1 Harbour St",
    "city": "Arlington",
    "region": "VA",
    "postal_code": "22201",
    "country": "US",
}


def guests_with(count: int, product_id: int, quantity: int = 1, email=lambda i: f"guest{i}@example.com"):
    """`count` visitors, each with `quantity` of the product in their cart, ready to check out."""
    guests = []
    for i in range(count):
        visitor = Visitor(secrets.token_urlsafe(32))
        add_to_cart(visitor, product_id, quantity)
        guests.append(checked_guest(visitor, email(i), ADDRESS))
    return guests


def guest_checkout(guest, coupon_code=None) -> tuple[int]:
    return (place_order(None, None, coupon_code, guest=guest).order.id,)


def test_forty_guests_for_ten_units_make_exactly_ten_orders(app):
    product = ProductFactory(stock=10)
    guests = guests_with(40, product.id)

    outcomes = run_together(app, 40, lambda i: guest_checkout(guests[i]))

    assert kinds(outcomes) == Counter({"ok": 10, "InsufficientStock": 30}), outcomes
    assert stock_of(product) == [0]
    assert count_rows(Order) == 10
    assert db.session.scalar(select(func.sum(OrderItem.quantity))) == 10
    assert db.session.scalar(select(func.count(Order.id)).where(Order.user_id.is_(None))) == 10


def test_twenty_guest_checkouts_of_one_email_use_a_once_per_shopper_coupon_once(app):
    product = ProductFactory(stock=100)
    coupon = CouponFactory(code="ONCE", per_user_limit=1)
    # One email in many letter cases: it is one shopper.
    guests = guests_with(
        20, product.id, email=lambda i: "Same.Guest@Example.com" if i % 2 else "same.guest@example.COM"
    )

    outcomes = run_together(app, 20, lambda i: guest_checkout(guests[i], "ONCE"))

    assert kinds(outcomes) == Counter({"ok": 1, "CouponUnusable": 19}), outcomes
    assert used_count_of(coupon) == 1
    assert db.session.scalar(select(func.count(Order.id)).where(Order.coupon_id == coupon.id)) == 1


def test_a_guests_double_submit_makes_one_order(app):
    product = ProductFactory(stock=10)
    (guest,) = guests_with(1, product.id, quantity=2)

    outcomes = run_together(
        app, 2, lambda i: (place_order(None, None, guest=guest, idempotency_key="web:same-form").order.id,)
    )

    assert kinds(outcomes) == Counter({"ok": 2}), outcomes
    assert outcomes[0] == outcomes[1]
    assert count_rows(Order) == 1
    assert stock_of(product) == [8]
