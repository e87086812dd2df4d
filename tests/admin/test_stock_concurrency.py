"""Admin actions racing with others: stock adjustments against checkouts, cancel against cancel.

Each checkout and the adjustment run in their own thread, app context, session and
database connection, released together by a barrier. Runs on SQLite and PostgreSQL.
"""

import threading

from sqlalchemy import func, select

from app.extensions import db
from app.models import Coupon, Order, StockAdjustment
from app.services.catalog.editing import adjust_stock
from app.services.errors import InsufficientStock, InvalidTransition, ValidationFailed
from app.services.ordering.lifecycle import change_status
from app.services.ordering.lookups import order_by_number
from app.services.ordering.placing import place_order
from tests import factories
from tests.admin.helpers import stock_of

SHOPPERS = 8


def race(app, product, shoppers, delta: int, admin_id: int) -> dict:
    """Run every shopper's checkout of one unit and one adjustment of `delta` at once."""
    carts = []
    for shopper in shoppers:
        address = factories.AddressFactory(user=shopper)
        factories.fill_cart(shopper, (product, 1))
        carts.append((shopper.id, address.id))
    product_id = product.id
    db.session.remove()  # the threads' sessions are the only ones touching the rows now
    barrier = threading.Barrier(len(carts) + 1, timeout=30)
    outcomes = {"sold": 0, "short": 0, "adjusted": 0, "refused": 0, "errors": []}
    lock = threading.Lock()

    def record(name: str) -> None:
        with lock:
            outcomes[name] += 1

    def checkout(user_id: int, address_id: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                place_order(user_id, address_id)
                record("sold")
            except InsufficientStock:
                record("short")
            except Exception as exc:  # anything else fails the test below
                outcomes["errors"].append(repr(exc))
            finally:
                db.session.remove()

    def adjustment() -> None:
        with app.app_context():
            barrier.wait()
            try:
                adjust_stock(product_id, delta, "Stock count", admin_id)
                record("adjusted")
            except ValidationFailed:
                record("refused")
            except Exception as exc:
                outcomes["errors"].append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=checkout, args=cart) for cart in carts]
    threads.append(threading.Thread(target=adjustment))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), outcomes
    assert outcomes["errors"] == [], outcomes
    return outcomes


def recorded_adjustments() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.coalesce(func.sum(StockAdjustment.delta), 0)))


def orders_placed() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(Order.id)))


def test_an_added_delivery_racing_with_checkouts_loses_no_decrement(app, admin):
    product = factories.ProductFactory(stock=20)
    shoppers = [factories.UserFactory() for _ in range(SHOPPERS)]

    outcomes = race(app, product, shoppers, +7, admin.id)

    assert outcomes["sold"] == SHOPPERS and outcomes["adjusted"] == 1
    assert orders_placed() == SHOPPERS
    assert recorded_adjustments() == 7
    assert stock_of(product.id) == 20 + 7 - SHOPPERS


def test_a_removal_racing_with_checkouts_keeps_stock_exact_and_never_negative(app, admin):
    product = factories.ProductFactory(stock=10)
    shoppers = [factories.UserFactory() for _ in range(SHOPPERS)]

    outcomes = race(app, product, shoppers, -5, admin.id)

    sold, applied = orders_placed(), recorded_adjustments()
    assert sold == outcomes["sold"] and sold + outcomes["short"] == SHOPPERS
    assert applied == (-5 if outcomes["adjusted"] else 0)
    assert stock_of(product.id) == 10 + applied - sold >= 0
    # Either the removal came first (5 left for the buyers) or it was refused once too few remained.
    assert sold == 5 or (sold > 5 and outcomes["refused"] == 1)


def test_two_admins_cancelling_at_once_return_stock_and_coupon_once(app, admin, buy):
    product = factories.ProductFactory(stock=10)
    coupon = factories.CouponFactory(code="TWICE")
    shopper = factories.UserFactory()
    number = buy(shopper, (product, 3), coupon="TWICE").number
    admin_id, coupon_id, product_id = admin.id, coupon.id, product.id
    db.session.remove()
    barrier = threading.Barrier(2, timeout=30)
    results = []

    def cancel() -> None:
        with app.app_context():
            order = order_by_number(number)
            barrier.wait()
            try:
                change_status(order, "cancelled", admin_id)
                results.append("cancelled")
            except InvalidTransition:
                results.append("refused")
            except Exception as exc:
                results.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=cancel) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(results) == ["cancelled", "refused"]
    assert stock_of(product_id) == 10
    assert db.session.get(Coupon, coupon_id).used_count == 0
