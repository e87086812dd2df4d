"""The product list kept for anonymous visitors (CATALOG_PAGE_CACHE_SECONDS): same page for
everyone without a session, never a page of someone else's, admin changes shown at once."""

import time

import pytest
from sqlalchemy import update

from app.extensions import db
from app.models import Product
from tests.conftest import PASSWORD
from tests.factories import ProductFactory


@pytest.fixture
def cache_seconds() -> int:
    return 60


@pytest.fixture
def app_config(app_config, cache_seconds) -> dict:
    return {**app_config, "CATALOG_PAGE_CACHE_SECONDS": cache_seconds}


@pytest.fixture
def mug(app) -> Product:
    return ProductFactory(name="Blue Mug", slug="blue-mug", stock=20)


def anonymous_visit(app, path: str = "/") -> str:
    """The page as a new visitor with no cookies sees it."""
    return app.test_client().get(path).get_data(as_text=True)


def sell_out(product: Product) -> None:
    """Take the last units as checkout does: one UPDATE, no ORM change to the product."""
    db.session.execute(
        update(Product)
        .where(Product.id == product.id)
        .values(stock=0)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def test_an_anonymous_visitor_gets_the_kept_page_within_the_timeout(app, mug):
    assert "In stock" in anonymous_visit(app)

    sell_out(mug)

    assert "In stock" in anonymous_visit(app)


@pytest.mark.parametrize("cache_seconds", [1])
def test_an_anonymous_visitor_gets_a_fresh_page_after_the_timeout(app, mug):
    assert "In stock" in anonymous_visit(app)
    sell_out(mug)

    time.sleep(1.1)

    assert "Out of stock" in anonymous_visit(app)


@pytest.mark.parametrize("cache_seconds", [0])
def test_a_timeout_of_zero_keeps_nothing(app, mug):
    assert "In stock" in anonymous_visit(app)

    sell_out(mug)

    assert "Out of stock" in anonymous_visit(app)


def test_each_search_and_page_is_kept_apart(app, mug):
    ProductFactory(name="Green Teapot")

    assert "Blue Mug" in anonymous_visit(app)
    teapots = anonymous_visit(app, "/?q=teapot")

    assert "Green Teapot" in teapots and "Blue Mug" not in teapots


def test_a_logged_in_visitor_never_gets_the_kept_page(app, client, logged_in, mug):
    assert "Log in" in anonymous_visit(app)

    page = client.get("/").get_data(as_text=True)

    assert "Log out" in page and "My orders" in page


def test_a_logged_in_visitors_page_is_never_kept_for_others(app, client, logged_in, mug):
    assert "Log out" in client.get("/").get_data(as_text=True)

    page = anonymous_visit(app)

    assert "Log in" in page and "Log out" not in page


def test_a_visitor_remembered_by_cookie_gets_their_own_page(app, shopper, mug):
    assert "Log in" in anonymous_visit(app)
    visitor = app.test_client()
    visitor.post("/auth/login", data={"email": shopper.email, "password": PASSWORD, "remember": "y"})
    assert visitor.get_cookie("remember_token") is not None

    visitor.delete_cookie("session")  # the browser was closed; the remember-me cookie stays

    assert "Log out" in visitor.get("/").get_data(as_text=True)


def test_a_flashed_message_is_shown_to_its_visitor_only(app, client, mug):
    assert "Log in" in anonymous_visit(app)
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "Your basket was saved.")]

    assert "Your basket was saved." in client.get("/").get_data(as_text=True)

    assert "Your basket was saved." not in anonymous_visit(app)


def test_an_admin_edit_shows_at_once(app, admin, mug):
    assert "Blue Mug" in anonymous_visit(app)
    admin_client = app.test_client()
    admin_client.post("/auth/login", data={"email": admin.email, "password": PASSWORD})

    response = admin_client.post(
        f"/admin/products/{mug.id}",
        data={"name": "Navy Mug", "sku": mug.sku, "slug": "blue-mug", "price": "10.00", "is_active": "y"},
    )

    assert response.status_code == 303
    page = anonymous_visit(app)
    assert "Navy Mug" in page and "Blue Mug" not in page


def test_an_admin_stock_adjustment_shows_at_once(app, admin, mug):
    assert "In stock" in anonymous_visit(app)
    admin_client = app.test_client()
    admin_client.post("/auth/login", data={"email": admin.email, "password": PASSWORD})

    response = admin_client.post(f"/admin/products/{mug.id}/stock", data={"delta": "-20", "reason": "Broken"})

    assert response.status_code == 303
    assert "Out of stock" in anonymous_visit(app)


def test_an_admin_withdrawing_a_product_hides_it_at_once(app, admin, mug):
    assert "Blue Mug" in anonymous_visit(app)
    admin_client = app.test_client()
    admin_client.post("/auth/login", data={"email": admin.email, "password": PASSWORD})

    admin_client.post(f"/admin/products/{mug.id}/deactivate")

    assert "Blue Mug" not in anonymous_visit(app)
