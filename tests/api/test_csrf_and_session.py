"""The API uses bearer tokens only: CSRF stays on for the site's forms, and the session cookie is ignored."""

import pytest

from tests.api.conftest import ApiClient


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


def test_a_site_form_without_a_csrf_token_is_refused(client, shopper):
    response = client.post("/auth/login", data={"email": shopper.email, "password": "whatever"})

    assert response.status_code == 400
    assert b"CSRF" in response.data


def test_the_api_takes_json_posts_without_a_csrf_token(client, token, product):
    response = ApiClient(client, token).post(
        "/api/v1/cart/items/", json={"product_id": product.id, "quantity": 1}
    )

    assert response.status_code == 201


def test_a_logged_in_browser_session_does_not_open_the_api(app, client, shopper):
    with client.session_transaction() as session:
        session["_user_id"] = shopper.get_id()
        session["_fresh"] = True

    response = client.get("/api/v1/cart/")

    assert response.status_code == 401
