"""Orders on a migrated, seeded demo database, made through the shop's own services: the
demo shopper's orders in each status (pending, paid, shipped, delivered, cancelled), a
guest's order, a cart with something in it, and the other emails a shop owes (a guest's
order link, a password reset, an email verification), so every page and every email has
something to show.

Used by tests/browser/test_every_page.py and scripts/screenshots. Run it alone with
`DATABASE_URL=... python -m tests.browser.demo_orders`: it prints what it made as JSON.
"""

import json
import secrets
from dataclasses import asdict, dataclass

from sqlalchemy import select

from app.extensions import db
from app.models import Address, Category, Product
from app.models.orders import DELIVERED, PAID, SHIPPED
from app.services.accounts.passwords import request_password_reset
from app.services.accounts.users import find_user, register_user
from app.services.demo import ADMIN_EMAIL, SHOPPER_ADDRESS, SHOPPER_EMAIL
from app.services.ordering import lifecycle
from app.services.ordering.cart import Visitor, add_to_cart
from app.services.ordering.guests import checked_guest, request_order_link
from app.services.ordering.placing import place_order
from app.services.payments import cancelling

GUEST_EMAIL = "guest@example.com"
NEW_CUSTOMER_EMAIL = "new.customer@example.com"
NEW_CUSTOMER_PASSWORD = "new-customer-pass"


@dataclass(frozen=True)
class DemoOrders:
    pending: str  # order numbers
    paid: str
    shipped: str
    delivered: str
    cancelled: str
    guest: str
    guest_key: str  # the guest order's private link key
    product_slug: str  # a product the orders bought, and its category
    product_id: int
    category_slug: str


def make_demo_orders() -> DemoOrders:
    """The orders, cart and emails described above; each step commits through its service."""
    shopper, admin = find_user(SHOPPER_EMAIL), find_user(ADMIN_EMAIL)
    address_id = db.session.scalar(select(Address.id).where(Address.user_id == shopper.id).limit(1))
    products = _products_in_stock()

    def shopper_order(*picks: tuple[int, int]):
        for index, quantity in picks:
            add_to_cart(shopper.id, products[index].id, quantity)
        return place_order(shopper.id, address_id).order

    pending = shopper_order((0, 2), (1, 1))
    paid = lifecycle.change_status(shopper_order((2, 1)), PAID, admin.id)
    shipped = lifecycle.change_status(shopper_order((3, 3), (4, 1)), PAID, admin.id)
    shipped = lifecycle.change_status(shipped, SHIPPED, admin.id)
    delivered = lifecycle.change_status(shopper_order((6, 1)), PAID, admin.id)
    for status in (SHIPPED, DELIVERED):
        delivered = lifecycle.change_status(delivered, status, admin.id)
    cancelled = cancelling.cancel_order(shopper_order((5, 1)), shopper.id)
    guest_order = _guest_order(products)
    # What the shopper has in the cart now, for the cart and checkout pages.
    add_to_cart(shopper.id, products[0].id, 1)
    add_to_cart(shopper.id, products[6].id, 2)
    request_order_link(guest_order.order.number, GUEST_EMAIL)
    request_password_reset(SHOPPER_EMAIL)
    register_user(NEW_CUSTOMER_EMAIL, NEW_CUSTOMER_PASSWORD, send_verification=True)
    return DemoOrders(
        pending=pending.number,
        paid=paid.number,
        shipped=shipped.number,
        delivered=delivered.number,
        cancelled=cancelled.number,
        guest=guest_order.order.number,
        guest_key=guest_order.access_key,
        product_slug=products[0].slug,
        product_id=products[0].id,
        category_slug=db.session.get(Category, products[0].category_id).slug,
    )


def _products_in_stock() -> list[Product]:
    products = db.session.scalars(
        select(Product).where(Product.is_active.is_(True), Product.stock >= 5).order_by(Product.id)
    ).all()
    assert len(products) >= 7, "run `flask seed-demo` first: the demo orders need its products"
    return list(products)


def _guest_order(products: list[Product]):
    visitor = Visitor(secrets.token_urlsafe(16))
    add_to_cart(visitor, products[1].id, 2)
    guest = checked_guest(visitor, GUEST_EMAIL, {**SHOPPER_ADDRESS, "full_name": "Gina Guest"})
    return place_order(None, None, guest=guest)


if __name__ == "__main__":
    from app import create_app

    with create_app().app_context():
        print(json.dumps(asdict(make_demo_orders())))
