"""The cart endpoints: GET /cart/, POST /cart/items/, PATCH and DELETE /cart/items/<product_id>."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import CartItem
from tests import factories
from tests.api.conftest import error_of


def cart_rows():
    return [
        (item.product_id, item.quantity)
        for item in db.session.scalars(select(CartItem).order_by(CartItem.id))
    ]


def test_an_empty_cart(api):
    response = api.get("/api/v1/cart/")

    assert response.status_code == 200
    assert response.get_json() == {"items": [], "subtotal": "0.00", "currency": "USD", "item_count": 0}


def test_adding_a_product_returns_the_cart_with_201(api, product):
    response = api.post("/api/v1/cart/items/", json={"product_id": product.id, "quantity": 2})

    assert response.status_code == 201
    assert response.get_json() == {
        "items": [
            {
                "product_id": product.id,
                "sku": "TEA-1",
                "name": "Teapot",
                "unit_price": "19.99",
                "quantity": 2,
                "line_total": "39.98",
            }
        ],
        "subtotal": "39.98",
        "currency": "USD",
        "item_count": 2,
    }


def test_adding_again_adds_to_what_is_there(api, product):
    api.post("/api/v1/cart/items/", json={"product_id": product.id, "quantity": 2})
    api.post("/api/v1/cart/items/", json={"product_id": product.id, "quantity": 3})

    assert cart_rows() == [(product.id, 5)]


def test_the_cart_shows_what_was_added(api, product):
    api.post("/api/v1/cart/items/", json={"product_id": product.id, "quantity": 1})

    assert api.get("/api/v1/cart/").get_json()["subtotal"] == "19.99"


@pytest.mark.parametrize(
    "quantity", [True, False, 1.5, 2.0, "2", None, 0, -1, 1000], ids=lambda q: f"{type(q).__name__}-{q}"
)
def test_a_quantity_that_is_not_an_integer_from_1_to_999_is_refused(api, product, quantity):
    response = api.post("/api/v1/cart/items/", json={"product_id": product.id, "quantity": quantity})

    error = error_of(response)
    assert response.status_code == 400
    assert error["code"] == "validation_error"
    assert list(error["details"]["fields"]) == ["quantity"]
    assert cart_rows() == []


def test_a_missing_quantity_is_refused(api, product):
    response = api.post("/api/v1/cart/items/", json={"product_id": product.id})

    assert error_of(response)["details"]["fields"] == {"quantity": ["Missing data for required field."]}


def test_a_line_cannot_pass_999(api, product):
    api.post("/api/v1/cart/items/", json={"product_id": product.id, "quantity": 998})

    response = api.post("/api/v1/cart/items/", json={"product_id": product.id, "quantity": 2})

    assert response.status_code == 400
    assert "quantity" in error_of(response)["details"]["fields"]
    assert cart_rows() == [(product.id, 998)]


def test_adding_an_unknown_product_is_404(api):
    response = api.post("/api/v1/cart/items/", json={"product_id": 4242, "quantity": 1})

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
    assert cart_rows() == []


def test_adding_an_inactive_product_is_404(api):
    retired = factories.ProductFactory(is_active=False)

    assert api.post("/api/v1/cart/items/", json={"product_id": retired.id, "quantity": 1}).status_code == 404


def test_patch_sets_the_quantity(api, shopper, product):
    factories.fill_cart(shopper, (product, 2))

    response = api.patch(f"/api/v1/cart/items/{product.id}", json={"quantity": 7})

    assert response.status_code == 200
    assert response.get_json()["items"][0]["quantity"] == 7
    assert cart_rows() == [(product.id, 7)]


def test_patch_to_zero_removes_the_line(api, shopper, product):
    factories.fill_cart(shopper, (product, 2))

    response = api.patch(f"/api/v1/cart/items/{product.id}", json={"quantity": 0})

    assert response.status_code == 200
    assert response.get_json()["items"] == []
    assert cart_rows() == []


@pytest.mark.parametrize("quantity", [True, 1.0, "3", None, -1, 1000])
def test_patch_refuses_a_bad_quantity(api, shopper, product, quantity):
    factories.fill_cart(shopper, (product, 2))

    response = api.patch(f"/api/v1/cart/items/{product.id}", json={"quantity": quantity})

    assert response.status_code == 400
    assert list(error_of(response)["details"]["fields"]) == ["quantity"]
    assert cart_rows() == [(product.id, 2)]


def test_patch_of_a_line_not_in_the_cart_is_404(api, product):
    response = api.patch(f"/api/v1/cart/items/{product.id}", json={"quantity": 1})

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_delete_removes_the_line(api, shopper, product):
    factories.fill_cart(shopper, (product, 2))

    response = api.delete(f"/api/v1/cart/items/{product.id}")

    assert response.status_code == 204
    assert cart_rows() == []


def test_delete_of_a_line_not_in_the_cart_is_404(api, product):
    response = api.delete(f"/api/v1/cart/items/{product.id}")

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_another_shoppers_cart_line_is_404_and_stays(api, other_shopper, product):
    factories.fill_cart(other_shopper, (product, 2))

    assert api.delete(f"/api/v1/cart/items/{product.id}").status_code == 404
    assert api.patch(f"/api/v1/cart/items/{product.id}", json={"quantity": 1}).status_code == 404
    assert cart_rows() == [(product.id, 2)]
