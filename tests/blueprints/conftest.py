"""Fixtures for the page tests: a logged-in shopper and orders to list."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from app.extensions import db
from app.models import Order, OrderItem


@pytest.fixture
def logged_in(shopper, auth):
    """The shopper, logged in through the real login page."""
    response = auth.login()
    assert response.status_code == 302
    return shopper


def make_order(
    user,
    number: str,
    *,
    created_at: datetime | None = None,
    status: str = "pending",
    total: str = "18.20",
    quantity: int = 1,
) -> Order:
    """An order as checkout would have stored it (one line)."""
    total_payable = Decimal(total)
    order = Order(
        number=number,
        user_id=user.id,
        status=status,
        currency="USD",
        subtotal=total_payable,
        discount=Decimal("0.00"),
        shipping=Decimal("0.00"),
        tax=Decimal("0.00"),
        total_payable=total_payable,
        ship_full_name="Ada Lovelace",
        ship_line1="12 Analytical Row",
        ship_city="London",
        ship_postal_code="N1 7AA",
        ship_country="GB",
        created_at=created_at or datetime.now(UTC),
        items=[
            OrderItem(
                sku="SKU-1",
                name="Widget",
                unit_price=total_payable,
                quantity=quantity,
                line_total=total_payable * quantity,
            )
        ],
    )
    db.session.add(order)
    db.session.commit()
    return order
