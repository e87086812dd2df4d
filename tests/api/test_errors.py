"""One error body for every failure under /api/v1, whatever the Accept header says."""

import logging

from sqlalchemy import select

from app.blueprints.api import routes
from app.extensions import db
from app.models import CartItem
from tests.api.conftest import ApiClient, error_of


def test_malformed_json_is_a_validation_error_on_the_body(api, product):
    response = api.client.post(
        "/api/v1/cart/items/",
        data='{"product_id": 1, "quantity": ',
        headers=api.headers({"Content-Type": "application/json"}),
    )

    error = error_of(response)
    assert response.status_code == 400
    assert error["code"] == "validation_error"
    assert "body" in error["details"]["fields"]
    assert db.session.scalars(select(CartItem)).all() == []


def test_a_body_that_is_not_json_is_415(api, product):
    response = api.client.post(
        "/api/v1/cart/items/",
        data="product_id=1&quantity=1",
        headers=api.headers({"Content-Type": "application/x-www-form-urlencoded"}),
    )

    assert response.status_code == 415
    assert error_of(response)["code"] == "unsupported_media_type"
    assert db.session.scalars(select(CartItem)).all() == []


def test_a_json_body_without_a_content_type_is_415(api, product):
    response = api.client.post(
        "/api/v1/cart/items/", data=f'{{"product_id": {product.id}, "quantity": 1}}', headers=api.headers()
    )

    assert response.status_code == 415


def test_a_body_over_64_kib_is_413(api, product):
    padding = "x" * (64 * 1024)
    response = api.post("/api/v1/addresses/", json={"full_name": padding})

    assert response.status_code == 413
    assert error_of(response)["code"] == "payload_too_large"


def test_a_body_just_under_64_kib_is_read(api):
    response = api.post("/api/v1/addresses/", json={"full_name": "x" * (60 * 1024)})

    assert response.status_code == 400
    assert error_of(response)["details"]["fields"]["full_name"]


def test_an_unknown_field_is_reported_under_its_own_name(api, product):
    response = api.post(
        "/api/v1/cart/items/", json={"product_id": product.id, "quantity": 1, "colour": "red"}
    )

    error = error_of(response)
    assert response.status_code == 400
    assert error["details"]["fields"] == {"colour": ["Unknown field."]}
    assert db.session.scalars(select(CartItem)).all() == []


def test_every_bad_field_is_listed(api):
    response = api.post("/api/v1/cart/items/", json={"product_id": "one", "quantity": None})

    assert set(error_of(response)["details"]["fields"]) == {"product_id", "quantity"}


def test_a_json_array_body_is_a_validation_error(api):
    response = api.post("/api/v1/cart/items/", json=[1, 2])

    assert response.status_code == 400
    assert "body" in error_of(response)["details"]["fields"]


def test_absurdly_nested_json_is_a_validation_error(api):
    response = api.client.post(
        "/api/v1/cart/items/",
        data="[" * 30000 + "]" * 30000,
        headers=api.headers({"Content-Type": "application/json"}),
    )

    assert response.status_code == 400
    assert error_of(response)["code"] == "validation_error"


def test_a_text_field_with_a_nul_character_is_a_validation_error(api):
    response = api.post(
        "/api/v1/addresses/",
        json={"full_name": "A\x00", "line1": "1 Road", "city": "Town", "postal_code": "1", "country": "GB"},
    )

    assert response.status_code == 400
    assert list(error_of(response)["details"]["fields"]) == ["full_name"]


def test_an_unknown_path_is_404_json_even_when_html_is_asked_for(api):
    response = api.get("/api/v1/nothing-here", headers={"Accept": "text/html"})

    assert response.status_code == 404
    assert response.mimetype == "application/json"
    assert error_of(response)["code"] == "not_found"


def test_a_method_the_resource_does_not_have_is_405_with_allow(api):
    response = api.client.put("/api/v1/cart/", headers=api.headers({"Accept": "text/html"}))

    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]


def test_an_unexpected_exception_is_500_with_a_request_id_and_no_stack_trace(api, monkeypatch, caplog):
    def explode(user_id):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(routes.cart, "get_cart", explode)
    with caplog.at_level(logging.ERROR):
        response = api.get("/api/v1/cart/", headers={"Accept": "text/html"})

    error = error_of(response)
    assert response.status_code == 500
    assert error["code"] == "internal_error"
    request_id = error["details"]["request_id"]
    assert request_id in caplog.text
    assert "secret internals" in caplog.text
    assert b"secret internals" not in response.data
    assert b"Traceback" not in response.data


def test_api_responses_set_no_cookie(api, product):
    responses = [
        api.get("/api/v1/products/"),
        api.post("/api/v1/cart/items/", json={"product_id": product.id, "quantity": 1}),
        api.post("/api/v1/cart/items/", json={"product_id": product.id, "quantity": True}),
        api.get("/api/v1/nothing-here"),
    ]

    assert [r.headers.get("Set-Cookie") for r in responses] == [None] * 4


def test_an_api_request_leaves_the_browser_session_alone(client, auth, shopper, token):
    auth.login()

    response = ApiClient(client, token).get("/api/v1/cart/")

    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.vary  # the answer does not depend on the session cookie
    assert client.get("/account/orders").status_code == 200  # still logged in on the site


def test_a_url_over_4096_bytes_is_414_json(api):
    response = api.get("/api/v1/products/?q=" + "a" * 4100, headers={"Accept": "text/html"})

    assert response.status_code == 414
    assert error_of(response)["code"] == "uri_too_long"


def test_a_url_just_under_the_limit_is_answered(api):
    response = api.get("/api/v1/products/?q=" + "a" * 150 + "&x=" + "b" * 3900)

    assert response.status_code == 200


def test_a_header_over_4096_bytes_is_431_json(api):
    response = api.get("/api/v1/cart/", headers={"X-Padding": "p" * 4100})

    assert response.status_code == 431
    assert error_of(response)["code"] == "request_header_fields_too_large"


def test_more_than_50_headers_is_431_json(api):
    response = api.get("/api/v1/cart/", headers={f"X-Extra-{n}": "1" for n in range(55)})

    assert response.status_code == 431
    assert error_of(response)["code"] == "request_header_fields_too_large"


def test_an_unknown_method_on_an_api_path_is_405_json_with_allow(api):
    response = api.client.open("/api/v1/auth/token", method="QUERY")

    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"
    assert set(response.headers["Allow"].split(", ")) == {"POST", "DELETE", "OPTIONS"}


def test_an_unknown_api_path_with_a_line_break_is_404_json(api):
    response = api.get("/api/v1/orders/%0Ax", headers={"Accept": "text/html"})

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_a_page_error_is_still_an_html_page(client):
    response = client.get("/no-such-page")

    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_options_lists_only_the_methods_of_the_resource(anonymous):
    response = anonymous.client.options("/api/v1/products/")

    assert response.status_code == 200
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
