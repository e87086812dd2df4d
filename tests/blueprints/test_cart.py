"""The cart page: add, change and remove lines, with the quantity bounds (docs/behaviour.md#cart)."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Cart, CartItem
from tests.factories import ProductFactory, fill_cart

QUANTITY_ERROR = "Quantity must be a whole number from 0 to 999."


def cart_quantities() -> dict[int, int]:
    db.session.expire_all()
    return {item.product_id: item.quantity for item in db.session.scalars(select(CartItem))}


def test_a_visitor_without_a_cart_sees_an_empty_one(client, shopper):
    response = client.get("/cart")

    assert response.status_code == 200
    assert "Your cart is empty." in response.get_data(as_text=True)


def test_empty_cart_says_so(client, logged_in):
    page = client.get("/cart").get_data(as_text=True)

    assert "Your cart is empty." in page
    assert "Checkout" not in page


def test_cart_shows_lines_prices_totals_subtotal_and_checkout(client, logged_in):
    mug = ProductFactory(name="Blue Mug", price=Decimal("12.50"))
    pot = ProductFactory(name="Teapot", price=Decimal("30.00"))
    fill_cart(logged_in, (mug, 2), (pot, 1))

    page = client.get("/cart").get_data(as_text=True)

    assert "Blue Mug" in page and "$12.50" in page and "$25.00" in page
    assert "Teapot" in page and "$30.00" in page
    assert "Subtotal (3 items)" in page and "$55.00" in page
    assert 'value="2" min="0" max="999"' in page
    assert 'href="/checkout"' in page


def test_cart_labels_every_quantity_field(client, logged_in):
    mug = ProductFactory(name="Blue Mug")
    fill_cart(logged_in, (mug, 1))

    page = client.get("/cart").get_data(as_text=True)

    assert f'<label for="quantity-{mug.id}" class="visually-hidden">Quantity of Blue Mug</label>' in page
    assert f'id="quantity-{mug.id}"' in page


def test_cart_warns_about_a_line_with_too_little_stock(client, logged_in):
    mug = ProductFactory(name="Blue Mug", stock=2)
    fill_cart(logged_in, (mug, 5))

    page = client.get("/cart").get_data(as_text=True)

    assert "Only 2 in stock." in page
    assert "Some items cannot be ordered as they are." in page


def test_cart_warns_about_a_product_out_of_stock(client, logged_in):
    mug = ProductFactory(name="Blue Mug", stock=0)
    fill_cart(logged_in, (mug, 1))

    assert "Out of stock." in client.get("/cart").get_data(as_text=True)


def test_cart_warns_about_a_product_no_longer_sold(client, logged_in):
    lamp = ProductFactory(name="Old Lamp", is_active=False)
    fill_cart(logged_in, (lamp, 1))

    page = client.get("/cart").get_data(as_text=True)

    assert "No longer available." in page
    assert "Some items cannot be ordered as they are." in page


def test_cart_shows_no_warning_when_every_line_can_be_ordered(client, logged_in):
    mug = ProductFactory(stock=5)
    fill_cart(logged_in, (mug, 5))

    assert "cannot be ordered" not in client.get("/cart").get_data(as_text=True)


def test_cart_shows_only_the_shoppers_own_lines(client, logged_in, other_shopper):
    fill_cart(other_shopper, (ProductFactory(name="Someone Else's Mug"), 1))

    page = client.get("/cart").get_data(as_text=True)

    assert "Someone Else" not in page
    assert "Your cart is empty." in page


# Adding from the product page


def test_add_to_cart_puts_the_quantity_in_the_cart(client, logged_in):
    mug = ProductFactory(name="Blue Mug")

    response = client.post("/cart/items", data={"product_id": mug.id, "quantity": "3"})

    assert response.status_code == 302
    assert response.headers["Location"] == "/cart"
    assert cart_quantities() == {mug.id: 3}
    assert "Added 3 × Blue Mug to your cart." in client.get("/cart").get_data(as_text=True)


def test_add_to_cart_adds_to_what_is_there(client, logged_in):
    mug = ProductFactory()
    fill_cart(logged_in, (mug, 2))

    client.post("/cart/items", data={"product_id": mug.id, "quantity": "3"})

    assert cart_quantities() == {mug.id: 5}


def test_a_visitor_adds_to_a_cart_of_their_own(client, shopper):
    mug = ProductFactory(name="Blue Mug", slug="blue-mug")

    response = client.post("/cart/items", data={"product_id": mug.id, "quantity": "2"})

    assert response.status_code == 302
    assert response.headers["Location"] == "/cart"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("cart=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Max-Age=2592000" in cookie  # 30 days
    page = client.get("/cart").get_data(as_text=True)
    assert "Blue Mug" in page and "Cart (2" in page
    assert db.session.scalars(select(Cart.user_id)).all() == [None]  # a visitor's, nobody's account


def test_add_to_cart_refuses_an_inactive_product(client, logged_in):
    lamp = ProductFactory(is_active=False)

    response = client.post("/cart/items", data={"product_id": lamp.id, "quantity": "1"})

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "That product is not available." in client.get("/").get_data(as_text=True)
    assert cart_quantities() == {}


@pytest.mark.parametrize("product_id", ["999999", "abc", "", "99999999999999999999", "-1"])
def test_add_to_cart_refuses_an_unknown_product(client, logged_in, product_id):
    response = client.post("/cart/items", data={"product_id": product_id, "quantity": "1"})

    assert response.headers["Location"] == "/"
    assert "That product is not available." in client.get("/").get_data(as_text=True)
    assert cart_quantities() == {}


@pytest.mark.parametrize("quantity", ["0", "-1", "1000", "abc", "1.5", "", "99999999999999999999"])
def test_add_to_cart_refuses_a_quantity_outside_1_to_999(client, logged_in, quantity):
    mug = ProductFactory(slug="blue-mug")

    response = client.post("/cart/items", data={"product_id": mug.id, "quantity": quantity})

    assert response.headers["Location"] == "/products/blue-mug"
    page = client.get("/products/blue-mug").get_data(as_text=True)
    assert "Quantity must be a whole number from 1 to 999." in page
    assert cart_quantities() == {}


def test_add_to_cart_refuses_to_take_a_line_past_999(client, logged_in):
    mug = ProductFactory(slug="blue-mug")
    fill_cart(logged_in, (mug, 998))

    client.post("/cart/items", data={"product_id": mug.id, "quantity": "2"})

    assert "A cart line holds at most 999; you have 998." in client.get("/products/blue-mug").get_data(
        as_text=True
    )
    assert cart_quantities() == {mug.id: 998}


# Changing and removing lines


def test_update_sets_the_line_quantity(client, logged_in):
    mug = ProductFactory()
    fill_cart(logged_in, (mug, 2))

    response = client.post(f"/cart/items/{mug.id}", data={"quantity": "7"})

    assert response.headers["Location"] == "/cart"
    assert cart_quantities() == {mug.id: 7}
    assert "Your cart is updated." in client.get("/cart").get_data(as_text=True)


def test_update_to_zero_removes_the_line(client, logged_in):
    mug = ProductFactory()
    fill_cart(logged_in, (mug, 2))

    client.post(f"/cart/items/{mug.id}", data={"quantity": "0"})

    assert cart_quantities() == {}
    assert "Removed from your cart." in client.get("/cart").get_data(as_text=True)


@pytest.mark.parametrize("quantity", ["-1", "1000", "abc", "1.5", "", " ", "99999999999999999999"])
def test_update_refuses_a_bad_quantity_and_changes_nothing(client, logged_in, quantity):
    mug = ProductFactory()
    fill_cart(logged_in, (mug, 2))

    response = client.post(f"/cart/items/{mug.id}", data={"quantity": quantity})

    assert response.headers["Location"] == "/cart"
    assert QUANTITY_ERROR in client.get("/cart").get_data(as_text=True)
    assert cart_quantities() == {mug.id: 2}


def test_update_of_a_line_not_in_the_cart_is_refused(client, logged_in, other_shopper):
    mug = ProductFactory()
    fill_cart(other_shopper, (mug, 2))

    client.post(f"/cart/items/{mug.id}", data={"quantity": "5"})

    assert "That product is not in your cart." in client.get("/cart").get_data(as_text=True)
    assert cart_quantities() == {mug.id: 2}


def test_remove_takes_the_line_out(client, logged_in):
    mug = ProductFactory()
    pot = ProductFactory()
    fill_cart(logged_in, (mug, 2), (pot, 1))

    response = client.post(f"/cart/items/{mug.id}/remove")

    assert response.headers["Location"] == "/cart"
    assert cart_quantities() == {pot.id: 1}
    assert "Removed from your cart." in client.get("/cart").get_data(as_text=True)


def test_remove_of_another_shoppers_line_is_refused(client, logged_in, other_shopper):
    mug = ProductFactory()
    fill_cart(other_shopper, (mug, 2))

    client.post(f"/cart/items/{mug.id}/remove")

    assert "That product is not in your cart." in client.get("/cart").get_data(as_text=True)
    assert cart_quantities() == {mug.id: 2}


def test_a_visitor_cannot_change_a_shoppers_cart(client, shopper):
    mug = ProductFactory()
    fill_cart(shopper, (mug, 2))

    response = client.post(f"/cart/items/{mug.id}", data={"quantity": "5"})

    assert response.headers["Location"] == "/cart"
    assert "That product is not in your cart." in client.get("/cart").get_data(as_text=True)
    assert cart_quantities() == {mug.id: 2}


def test_removing_by_get_is_not_allowed(client, logged_in):
    mug = ProductFactory()
    fill_cart(logged_in, (mug, 2))

    assert client.get(f"/cart/items/{mug.id}/remove").status_code == 405
    assert cart_quantities() == {mug.id: 2}
