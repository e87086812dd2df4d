"""The catalog pages: product list with search and pages, and the product page (docs/behaviour.md#pages)."""

from decimal import Decimal

import pytest

from tests.factories import ProductFactory


def test_product_list_shows_name_price_and_stock_state(client):
    ProductFactory(name="Blue Mug", price=Decimal("12.50"), stock=3)
    ProductFactory(name="Red Mug", price=Decimal("1234.00"), stock=0)

    page = client.get("/").get_data(as_text=True)

    assert "Blue Mug" in page and "$12.50" in page
    assert "Red Mug" in page and "$1,234.00" in page
    assert page.index("Only 3 left") < page.index("Out of stock")


def test_product_list_hides_inactive_products(client):
    ProductFactory(name="Old Lamp", is_active=False)

    page = client.get("/").get_data(as_text=True)

    assert "Old Lamp" not in page
    assert "No products yet" in page


def test_product_list_links_each_product_to_its_page(client):
    ProductFactory(name="Blue Mug", slug="blue-mug")

    assert 'href="/products/blue-mug"' in client.get("/").get_data(as_text=True)


def test_search_shows_only_matching_products(client):
    ProductFactory(name="Blue Mug")
    ProductFactory(name="Green Teapot")

    page = client.get("/?q=teapot").get_data(as_text=True)

    assert "Green Teapot" in page
    assert "Blue Mug" not in page
    assert 'value="teapot"' in page


def test_search_without_match_says_so(client):
    ProductFactory(name="Blue Mug")

    page = client.get("/?q=%25").get_data(as_text=True)

    assert "No products match “%”." in page
    assert "Blue Mug" not in page


def test_product_list_shows_twelve_products_a_page(client):
    for n in range(13):
        ProductFactory(name=f"Item {n:02d}")

    first = client.get("/").get_data(as_text=True)
    second = client.get("/?page=2").get_data(as_text=True)

    assert "Item 11" in first and "Item 12" not in first
    assert "Page 1 of 2" in first and 'href="/?page=2"' in first
    assert "Item 12" in second and "Item 11" not in second


def test_pagination_links_keep_the_search(client):
    for n in range(13):
        ProductFactory(name=f"Mug {n:02d}")

    page = client.get("/?q=mug").get_data(as_text=True)

    assert 'href="/?page=2&amp;q=mug"' in page


@pytest.mark.parametrize(
    "page", ["abc", "2147483648", "770000000000000000", "9223372036854775807", "99999999999999999999"]
)
def test_a_page_number_no_list_could_have_shows_the_first_page(client, page):
    ProductFactory(name="Blue Mug")

    response = client.get(f"/?page={page}")

    assert response.status_code == 200
    assert "Blue Mug" in response.get_data(as_text=True)


@pytest.mark.parametrize("page", [5, 2147483647])
def test_a_page_past_the_end_says_there_is_none(client, page):
    ProductFactory(name="Blue Mug")

    response = client.get(f"/?page={page}")

    assert response.status_code == 200
    assert f"There is no page {page}." in response.get_data(as_text=True)


def test_product_page_shows_description_price_stock_and_add_to_cart(client):
    ProductFactory(
        name="Blue Mug", slug="blue-mug", description="Holds tea.", price=Decimal("12.50"), stock=4
    )

    response = client.get("/products/blue-mug")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Blue Mug</h1>" in page
    assert "Holds tea." in page and "$12.50" in page and "Only 4 left" in page
    assert 'action="/cart/items"' in page
    assert '<label for="quantity">Quantity</label>' in page
    assert "Add to cart" in page


def test_product_page_of_an_out_of_stock_product_offers_no_add_to_cart(client):
    ProductFactory(slug="blue-mug", stock=0)

    page = client.get("/products/blue-mug").get_data(as_text=True)

    assert "Out of stock" in page
    assert "Add to cart" not in page


def test_product_page_escapes_the_description(client):
    ProductFactory(slug="blue-mug", description="<script>alert(1)</script>")

    page = client.get("/products/blue-mug").get_data(as_text=True)

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_unknown_product_is_not_found(client):
    response = client.get("/products/no-such-thing")

    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_inactive_product_is_not_found(client):
    ProductFactory(slug="old-lamp", is_active=False)

    assert client.get("/products/old-lamp").status_code == 404
