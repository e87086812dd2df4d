"""Every form carries a CSRF token; a POST without it is refused and changes nothing."""

import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Address, CartItem, User
from tests.conftest import PASSWORD
from tests.factories import ProductFactory

ADDRESS = {
    "full_name": "Grace Hopper",
    "line1": "1 Navy Way",
    "city": "Arlington",
    "region": "VA",
    "postal_code": "22202",
    "country": "US",
}


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


def csrf_token(client, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    match = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', page
    )
    assert match, f"no CSRF token on {url}"
    return match.group(1) or match.group(2)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def logged_in_with_token(client, shopper):
    token = csrf_token(client, "/auth/login")
    response = client.post(
        "/auth/login", data={"email": shopper.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    return shopper


def test_login_without_a_token_is_refused(client, shopper):
    response = client.post("/auth/login", data={"email": shopper.email, "password": PASSWORD})

    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    assert client.get("/account/orders").status_code == 302


def test_register_without_a_token_creates_no_account(client):
    response = client.post(
        "/auth/register",
        data={"email": "new@example.com", "password": "long enough", "confirm": "long enough"},
    )

    assert response.status_code == 400
    assert count(User) == 0


def test_register_with_the_token_works(client):
    token = csrf_token(client, "/auth/register")

    response = client.post(
        "/auth/register",
        data={
            "email": "new@example.com",
            "password": "long enough",
            "confirm": "long enough",
            "csrf_token": token,
        },
    )

    assert response.status_code == 302
    assert count(User) == 1


def test_adding_an_address_without_a_token_is_refused(client, logged_in_with_token):
    response = client.post("/account/addresses", data=ADDRESS)

    assert response.status_code == 400
    assert count(Address) == 0


def test_adding_an_address_with_the_token_works(client, logged_in_with_token):
    token = csrf_token(client, "/account/addresses")

    response = client.post("/account/addresses", data={**ADDRESS, "csrf_token": token})

    assert response.status_code == 302
    assert count(Address) == 1


def test_adding_to_cart_without_a_token_is_refused(client, logged_in_with_token):
    mug = ProductFactory(slug="blue-mug")

    response = client.post("/cart/items", data={"product_id": mug.id, "quantity": "1"})

    assert response.status_code == 400
    assert count(CartItem) == 0


def test_adding_to_cart_with_the_token_from_the_product_page_works(client, logged_in_with_token):
    mug = ProductFactory(slug="blue-mug")
    token = csrf_token(client, "/products/blue-mug")

    response = client.post("/cart/items", data={"product_id": mug.id, "quantity": "1", "csrf_token": token})

    assert response.status_code == 302
    assert count(CartItem) == 1


def test_logout_without_a_token_keeps_the_shopper_logged_in(client, logged_in_with_token):
    response = client.post("/auth/logout")

    assert response.status_code == 400
    assert client.get("/account/orders").status_code == 200


def test_logout_with_the_token_logs_out(client, logged_in_with_token):
    token = csrf_token(client, "/")

    response = client.post("/auth/logout", data={"csrf_token": token})

    assert response.status_code == 302
    assert client.get("/account/orders").status_code == 302
