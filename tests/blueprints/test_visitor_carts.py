"""A visitor's cart (SPEC section 10): kept by a cookie, merged into the account's at login and
registration, counted in every page's header, deleted after 30 days unused."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Cart, CartItem
from app.models.types import utcnow
from app.services.ordering.cart import delete_idle_visitor_carts
from tests.conftest import PASSWORD
from tests.factories import ProductFactory, fill_cart


@pytest.fixture
def mug(app):
    return ProductFactory(name="Blue Mug", slug="blue-mug")


def add(client, product, quantity: int):
    response = client.post("/cart/items", data={"product_id": product.id, "quantity": str(quantity)})
    assert response.status_code == 302
    return response


def account_cart(user) -> dict[int, int]:
    db.session.expire_all()
    rows = db.session.execute(
        select(CartItem.product_id, CartItem.quantity).join(Cart).where(Cart.user_id == user.id)
    )
    return dict(rows.all())


def visitor_carts() -> int:
    return db.session.scalar(select(func.count(Cart.id)).where(Cart.user_id.is_(None)))


def test_a_visitors_cart_comes_along_when_they_register(client, mug):
    add(client, mug, 2)

    response = client.post(
        "/auth/register",
        data={"email": "new@example.com", "password": "long enough", "confirm": "long enough"},
    )

    assert response.status_code == 302
    assert 'cart=""' in response.headers["Set-Cookie"] or "cart=;" in response.headers["Set-Cookie"]
    page = client.get("/cart").get_data(as_text=True)
    assert "Blue Mug" in page and 'value="2"' in page
    assert visitor_carts() == 0


def test_quantities_add_up_when_a_visitor_logs_in(client, shopper, mug):
    fill_cart(shopper, (mug, 1))
    add(client, mug, 3)

    client.post("/auth/login", data={"email": shopper.email, "password": PASSWORD})

    assert account_cart(shopper) == {mug.id: 4}
    assert visitor_carts() == 0


def test_merged_lines_stop_at_999(client, shopper, mug):
    other = ProductFactory()
    fill_cart(shopper, (mug, 998))
    add(client, mug, 5)
    add(client, other, 1)

    client.post("/auth/login", data={"email": shopper.email, "password": PASSWORD})

    assert account_cart(shopper) == {mug.id: 999, other.id: 1}


def test_a_failed_login_keeps_the_visitors_cart(client, shopper, mug):
    add(client, mug, 2)

    client.post("/auth/login", data={"email": shopper.email, "password": "wrong password"})

    assert account_cart(shopper) == {}
    assert "Cart (2" in client.get("/cart").get_data(as_text=True)


def test_the_header_counts_the_cart_on_every_page(client, shopper, auth, mug):
    add(client, mug, 2)
    assert "Cart (2" in client.get("/products/blue-mug").get_data(as_text=True)
    assert "Cart (2" in client.get("/auth/login").get_data(as_text=True)

    auth.login()
    add(client, mug, 1)

    assert "Cart (3" in client.get("/account/orders").get_data(as_text=True)


def test_another_visitors_cart_is_not_theirs(app, client, mug):
    add(client, mug, 2)

    stranger = app.test_client()

    assert "Your cart is empty." in stranger.get("/cart").get_data(as_text=True)


@pytest.mark.parametrize("bad_cookie", ["", "short", "x" * 43 + "!", "a" * 44])
def test_a_made_up_cookie_opens_no_cart(app, client, mug, bad_cookie):
    add(client, mug, 2)
    stranger = app.test_client()
    stranger.set_cookie("cart", bad_cookie)

    assert "Your cart is empty." in stranger.get("/cart").get_data(as_text=True)


class TestProductListCache:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "CATALOG_PAGE_CACHE_SECONDS": 60}

    def test_the_kept_product_list_never_shows_another_visitors_count(self, app, mug):
        fresh = app.test_client()
        assert "Cart (" not in fresh.get("/").get_data(as_text=True)  # kept for visitors without a cart
        visitor = app.test_client()
        add(visitor, mug, 2)
        visitor.delete_cookie("session")  # only the cart cookie left

        assert "Cart (2" in visitor.get("/").get_data(as_text=True)
        assert "Cart (" not in app.test_client().get("/").get_data(as_text=True)


class TestSecureCookie:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "SESSION_COOKIE_SECURE": True}

    def test_the_cart_cookie_is_secure_where_the_session_cookie_is(self, client, mug):
        assert "Secure" in add(client, mug, 1).headers["Set-Cookie"]


def test_visitor_carts_unused_for_30_days_are_deleted(app, shopper, mug):
    fill_cart(shopper, (mug, 1))
    stale, fresh = Cart(visitor_token_hash="a" * 64), Cart(visitor_token_hash="b" * 64)
    db.session.add_all([stale, fresh])
    db.session.flush()
    db.session.add_all([CartItem(cart_id=stale.id, product_id=mug.id, quantity=1)])
    db.session.commit()
    later = utcnow() + timedelta(days=30, minutes=1)
    fresh.updated_at = later - timedelta(days=1)
    db.session.commit()

    assert delete_idle_visitor_carts(now=later) == 1

    remaining = db.session.scalars(select(Cart.visitor_token_hash).where(Cart.user_id.is_(None))).all()
    assert remaining == ["b" * 64]
    assert account_cart(shopper) == {mug.id: 1}  # shoppers' carts are never idle-deleted
