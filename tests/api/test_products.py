"""GET /api/v1/products/ and /api/v1/products/<id>: the catalog, no token needed."""

from tests import factories
from tests.api.conftest import error_of


def test_the_product_list_needs_no_token_and_has_the_spec_shape(anonymous, product):
    response = anonymous.get("/api/v1/products/")

    assert response.status_code == 200
    assert response.get_json() == {
        "items": [
            {
                "id": product.id,
                "sku": "TEA-1",
                "name": "Teapot",
                "slug": product.slug,
                "description": "A fine product.",
                "price": "19.99",
                "stock": 10,
                "is_active": True,
            }
        ],
        "page": 1,
        "per_page": 12,
        "total": 1,
    }


def test_the_product_list_is_paginated(anonymous):
    for n in range(5):
        factories.ProductFactory(name=f"Mug {n}")

    body = anonymous.get("/api/v1/products/?page=2&per_page=2").get_json()

    assert [item["name"] for item in body["items"]] == ["Mug 2", "Mug 3"]
    assert (body["page"], body["per_page"], body["total"]) == (2, 2, 5)


def test_a_page_past_the_end_is_empty(anonymous, product):
    body = anonymous.get("/api/v1/products/?page=9").get_json()

    assert body["items"] == [] and body["total"] == 1


def test_q_searches_the_catalog(anonymous, product):
    factories.ProductFactory(name="Kettle")

    body = anonymous.get("/api/v1/products/?q=kett").get_json()

    assert [item["name"] for item in body["items"]] == ["Kettle"]


def test_inactive_products_are_not_listed(anonymous, product):
    factories.ProductFactory(name="Retired", is_active=False)

    assert [item["name"] for item in anonymous.get("/api/v1/products/").get_json()["items"]] == ["Teapot"]


def test_a_bad_page_number_is_a_validation_error(anonymous):
    response = anonymous.get("/api/v1/products/?page=0&per_page=many")

    assert response.status_code == 400
    assert set(error_of(response)["details"]["fields"]) == {"page", "per_page"}


def test_one_product_by_id(anonymous, product):
    response = anonymous.get(f"/api/v1/products/{product.id}")

    assert response.status_code == 200
    assert response.get_json()["price"] == "19.99"


def test_an_unknown_product_is_404(anonymous):
    response = anonymous.get("/api/v1/products/4242")

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_an_inactive_product_is_404(anonymous):
    retired = factories.ProductFactory(is_active=False)

    assert anonymous.get(f"/api/v1/products/{retired.id}").status_code == 404


def test_a_product_id_too_large_for_the_database_is_404(anonymous):
    assert anonymous.get("/api/v1/products/99999999999999999999").status_code == 404


def test_a_page_number_is_plain_digits_as_the_document_says(anonymous):
    for odd in ("+1", " 1", "1_0", "\u0661", "1.0"):
        response = anonymous.get("/api/v1/products/", query_string={"page": odd})

        assert response.status_code == 400, odd
        assert list(error_of(response)["details"]["fields"]) == ["page"], odd
