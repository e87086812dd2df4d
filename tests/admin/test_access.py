"""Only admins reach /admin: shoppers get 403, anonymous visitors the login page."""

from urllib.parse import parse_qs, urlsplit

import pytest

from app.extensions import db
from app.models import ProductImage
from tests import factories
from tests.admin.helpers import status_of

GET_PAGES = [
    "/admin",
    "/admin/orders",
    "/admin/orders.csv",
    "/admin/orders/SO-AAAAAAAA",
    "/admin/products",
    "/admin/products/new",
    "/admin/products/{product_id}",
    "/admin/coupons",
    "/admin/coupons/new",
    "/admin/coupons/{coupon_id}",
    "/admin/customers",
    "/admin/customers?kind=guests&q=a",
    "/admin/customers/{user_id}",
    "/admin/orders/{number}/cancel",
    "/admin/categories/{category_id}/confirm-delete",
    "/admin/products/{product_id}/images/{image_id}/confirm-delete",
]
POST_ACTIONS = [
    "/admin/bulk/orders",
    "/admin/orders/{number}/status",
    "/admin/orders/{number}/notes",
    "/admin/orders/{number}/resend-confirmation",
    "/admin/products/new",
    "/admin/products/{product_id}",
    "/admin/products/{product_id}/stock",
    "/admin/products/{product_id}/activate",
    "/admin/products/{product_id}/deactivate",
    "/admin/coupons/new",
    "/admin/coupons/{coupon_id}",
    "/admin/coupons/{coupon_id}/deactivate",
    "/admin/coupons/{coupon_id}/activate",
]


@pytest.fixture
def ids(app, shopper, product, buy):
    coupon = factories.CouponFactory(code="SPRING")
    order = buy(shopper, (product, 1))
    category = factories.CategoryFactory(name="Kettles", slug="kettles")
    image = ProductImage(
        product_id=product.id, position=0, alt_text="A teapot", original_key="p/0.jpg", width=9, height=9
    )
    db.session.add(image)
    db.session.commit()
    return {
        "product_id": product.id,
        "coupon_id": coupon.id,
        "number": order.number,
        "user_id": shopper.id,
        "category_id": category.id,
        "image_id": image.id,
    }


@pytest.mark.parametrize("path", GET_PAGES)
def test_a_shopper_gets_403_on_every_admin_page(shopper_client, ids, path):
    response = shopper_client.get(path.format(**ids))

    assert response.status_code == 403
    assert "You do not have access to this page." in response.get_data(as_text=True)


@pytest.mark.parametrize("path", POST_ACTIONS)
def test_a_shopper_gets_403_on_every_admin_action(shopper_client, ids, path):
    response = shopper_client.post(path.format(**ids), data={"status": "cancelled", "delta": "5"})

    assert response.status_code == 403


def test_a_shoppers_bulk_change_changes_nothing(shopper_client, ids):
    response = shopper_client.post(
        "/admin/bulk/orders", data={"action": "paid", "confirmed": "yes", "number": ids["number"]}
    )

    assert response.status_code == 403
    assert status_of(ids["number"]) == "pending"


def test_a_shoppers_forced_cancel_changes_nothing(shopper_client, ids):
    shopper_client.post(f"/admin/orders/{ids['number']}/status", data={"status": "cancelled"})

    assert status_of(ids["number"]) == "pending"


@pytest.mark.parametrize(
    "path", ["/admin", "/admin/orders?status=paid", "/admin/products", "/admin/customers?q=ada"]
)
def test_an_anonymous_visitor_is_sent_to_the_login_page_and_back(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response.location.startswith("/auth/login?next=")
    assert parse_qs(urlsplit(response.location).query)["next"] == [path]


def test_an_anonymous_post_changes_nothing(client, ids):
    response = client.post(f"/admin/orders/{ids['number']}/status", data={"status": "cancelled"})

    assert response.status_code == 302
    assert status_of(ids["number"]) == "pending"


def test_an_admin_sees_the_dashboard(admin_client):
    response = admin_client.get("/admin")

    assert response.status_code == 200
    assert "Dashboard" in response.get_data(as_text=True)
