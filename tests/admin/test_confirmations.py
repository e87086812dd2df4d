"""Destructive actions ask first, on a page of their own that works without JavaScript: cancelling
an order, deleting a category or a product picture. Opening the page changes nothing."""

import pytest

from app.extensions import db
from app.models import Category, ProductImage
from app.services.ordering.lifecycle import change_status
from tests import factories
from tests.admin.helpers import count, status_of, stock_of


@pytest.fixture
def order(shopper, product, buy):
    return buy(shopper, (product, 2))


@pytest.fixture
def picture(product):
    image = ProductImage(
        product_id=product.id, position=0, alt_text="A blue teapot", original_key="p/0.jpg", width=9, height=9
    )
    db.session.add(image)
    db.session.commit()
    return image


def confirmation_form(html: str) -> str:
    return html[html.index('id="confirmation"') : html.index("</form>", html.index('id="confirmation"'))]


def test_cancel_on_the_order_page_leads_to_a_confirmation_not_a_post(admin_client, order):
    html = admin_client.get(f"/admin/orders/{order.number}").get_data(as_text=True)

    assert f'<a class="button danger" href="/admin/orders/{order.number}/cancel">Cancel order</a>' in html
    assert 'value="cancelled"' not in html


def test_the_cancel_confirmation_says_what_happens_and_changes_nothing(admin_client, order, product):
    response = admin_client.get(f"/admin/orders/{order.number}/cancel")
    html = response.get_data(as_text=True)
    form = confirmation_form(html)

    assert response.status_code == 200
    assert f"Cancel order {order.number}?" in html
    assert "returns its stock and coupon use" in html and "$48.20" in html
    assert f'action="/admin/orders/{order.number}/status"' in form
    assert 'name="status" value="cancelled"' in form
    assert f'href="/admin/orders/{order.number}">Keep the order</a>' in form
    assert "<script" not in html
    assert status_of(order.number) == "pending" and stock_of(product.id) == 8


def test_confirming_the_cancel_cancels_the_order(admin_client, order, product):
    admin_client.post(f"/admin/orders/{order.number}/status", data={"status": "cancelled"})

    assert status_of(order.number) == "cancelled" and stock_of(product.id) == 10


def test_an_order_that_cannot_be_cancelled_gets_no_confirmation(admin_client, admin, order):
    for status in ("paid", "shipped"):
        change_status(order, status, admin.id)

    response = admin_client.get(f"/admin/orders/{order.number}/cancel", follow_redirects=True)

    assert "An order that is shipped cannot be cancelled." in response.get_data(as_text=True)
    assert status_of(order.number) == "shipped"


def test_deleting_a_category_asks_first(admin_client):
    category = factories.CategoryFactory(name="Kettles", slug="kettles")

    listing = admin_client.get("/admin/categories").get_data(as_text=True)
    html = admin_client.get(f"/admin/categories/{category.id}/confirm-delete").get_data(as_text=True)

    assert f'href="/admin/categories/{category.id}/confirm-delete"' in listing
    assert f'action="/admin/categories/{category.id}/delete"' not in listing
    assert "Delete the category Kettles?" in html
    assert f'action="/admin/categories/{category.id}/delete"' in confirmation_form(html)
    assert count(Category) == 1


def test_confirming_deletes_the_category(admin_client):
    category = factories.CategoryFactory(name="Kettles", slug="kettles")

    admin_client.post(f"/admin/categories/{category.id}/delete")

    assert count(Category) == 0


def test_deleting_a_picture_asks_first(admin_client, product, picture):
    edit_page = admin_client.get(f"/admin/products/{product.id}").get_data(as_text=True)
    html = admin_client.get(f"/admin/products/{product.id}/images/{picture.id}/confirm-delete").get_data(
        as_text=True
    )

    assert f'href="/admin/products/{product.id}/images/{picture.id}/confirm-delete"' in edit_page
    assert "Delete this picture of Teapot?" in html and "A blue teapot" in html
    assert f'action="/admin/products/{product.id}/images/{picture.id}/delete"' in confirmation_form(html)
    assert count(ProductImage) == 1


def test_a_picture_of_another_product_has_no_confirmation(admin_client, picture):
    other = factories.ProductFactory(name="Kettle")

    assert (
        admin_client.get(f"/admin/products/{other.id}/images/{picture.id}/confirm-delete").status_code == 404
    )


@pytest.mark.parametrize(
    "path",
    [
        "/admin/orders/SO-NOSUCH00/cancel",
        "/admin/categories/999999/confirm-delete",
        "/admin/products/999999/images/1/confirm-delete",
    ],
)
def test_a_confirmation_of_nothing_is_404(admin_client, path):
    assert admin_client.get(path).status_code == 404
