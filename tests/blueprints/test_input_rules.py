"""Text no person types (a NUL, other control characters) is refused where it arrives on a
page, with the page's usual answer and nothing changed (issue 19). PostgreSQL refuses a NUL
in text, so before this rule these were server errors there."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Address, Order, User
from tests import factories
from tests.blueprints.checkout_support import log_in, saved_address

NOT_TEXT = "contains characters that are not text"
ADDRESS = {
    "full_name": "Ada Lovelace",
    "line1": "12 Analytical Row",
    "city": "London",
    "postal_code": "N1 7AA",
}


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_search_with_a_nul_lists_every_product_and_says_the_search_was_ignored(client):
    factories.ProductFactory(name="Blue Teapot")

    response = client.get("/?q=tea%00pot")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Your search was ignored" in page and NOT_TEXT in page
    assert "Blue Teapot" in page


def test_a_search_over_200_characters_is_ignored_and_the_page_says_so(client):
    response = client.get("/?q=" + "a" * 201)

    assert response.status_code == 200
    assert "at most 200 characters" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path", ["/products/x%00", "/products/%01tea", "/orders/SO-%00", "/products/" + "a" * 256]
)
def test_a_path_value_that_is_not_text_is_not_found(client, shopper, path):
    log_in(client, shopper)

    response = client.get(path)

    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_a_login_email_with_a_nul_is_refused_in_the_form(client, shopper):
    response = client.post("/auth/login", data={"email": "shopper@example.com\x00", "password": "x"})

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Please correct the marked fields." in page and NOT_TEXT in page


def test_registering_with_a_control_character_in_the_email_creates_no_account(client):
    response = client.post(
        "/auth/register",
        data={"email": "new\x1b@example.com", "password": "long enough pw", "confirm": "long enough pw"},
    )

    assert response.status_code == 400
    assert NOT_TEXT in response.get_data(as_text=True)
    assert count(User) == 0


def test_an_address_with_a_nul_is_refused_with_the_field_marked_and_not_saved(client, shopper):
    log_in(client, shopper)

    response = client.post("/account/addresses", data={**ADDRESS, "city": "Lon\x00don", "country": "GB"})

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "please correct the marked fields" in page and NOT_TEXT in page
    assert count(Address) == 0


def test_an_address_posted_as_json_is_not_read_as_the_form(client, shopper):
    """A page reads HTML forms only: a JSON body's numbers and nulls never reach the service."""
    log_in(client, shopper)

    response = client.post("/account/addresses", json={**ADDRESS, "city": 7, "country": "GB"})

    assert response.status_code == 400
    assert count(Address) == 0


def test_right_to_left_marks_and_markup_are_text_and_are_saved_escaped(client, shopper):
    log_in(client, shopper)
    name = "\u202bعلي\u202c <b>Ali</b>"

    response = client.post("/account/addresses", data={**ADDRESS, "full_name": name, "country": "GB"})

    assert response.status_code == 302
    page = client.get("/account/addresses").get_data(as_text=True)
    assert "\u202bعلي\u202c &lt;b&gt;Ali&lt;/b&gt;" in page


@pytest.mark.parametrize(
    "fields",
    [
        {"coupon_code": "SAVE\x00"},
        {"address_choice": "new", **ADDRESS, "country": "GB", "line1": "12\x00 Analytical Row"},
    ],
    ids=["coupon", "new address"],
)
def test_checkout_with_a_nul_in_a_field_places_no_order_and_saves_no_address(client, shopper, fields):
    address = saved_address(shopper)
    product = factories.ProductFactory(price=Decimal("12.50"), stock=10)
    factories.fill_cart(shopper, (product, 1))
    log_in(client, shopper)
    form = {"checkout_key": "0123456789abcdef0123456789abcdef", "address_choice": str(address.id), **fields}

    response = client.post("/checkout", data=form)

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Please correct the marked fields." in page and NOT_TEXT in page
    assert count(Order) == 0 and count(Address) == 1
