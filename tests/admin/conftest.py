"""Fixtures of the admin tests: logged-in clients and orders placed through the real service."""

from datetime import datetime
from decimal import Decimal

import pytest
from flask_login.utils import _create_identifier
from sqlalchemy import update

from app.extensions import db
from app.models import Order
from app.services.ordering.placing import place_order
from tests import factories


def log_in(app, client, auth, user) -> None:
    """Log in through the real page; if it is not there yet, write the session Flask-Login reads."""
    auth.login(user.email)
    with client.session_transaction() as session:
        if session.get("_user_id") == user.get_id():
            return
    with app.test_request_context(environ_base=client.environ_base):
        identifier = _create_identifier()  # what "strong" session protection compares with
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        session["_id"] = identifier


@pytest.fixture
def admin_client(app, client, auth, admin):
    """The test client, logged in as the admin."""
    log_in(app, client, auth, admin)
    return client


@pytest.fixture
def shopper_client(app, client, auth, shopper):
    log_in(app, client, auth, shopper)
    return client


@pytest.fixture
def buy():
    """Place an order for `user` through orders.place_order: buy(user, (product, qty), ...)."""

    def buy(user, *lines, coupon: str | None = None, created_at: datetime | None = None) -> Order:
        address = factories.AddressFactory(user=user)
        factories.fill_cart(user, *lines)
        order = place_order(user.id, address.id, coupon).order
        if created_at is not None:
            db.session.execute(update(Order).where(Order.id == order.id).values(created_at=created_at))
            db.session.commit()
        # The confirmation email was sent from the task's own session: forget what this one holds.
        db.session.expire_all()
        return order

    return buy


@pytest.fixture
def product(app):
    return factories.ProductFactory(name="Teapot", sku="TEA-1", price=Decimal("20.00"), stock=10)
