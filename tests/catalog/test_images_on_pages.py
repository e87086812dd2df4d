"""Product pictures beside cart, checkout and order lines, and in the confirmation email."""

import pytest

from app.extensions import mail
from app.services.catalog import images as image_service
from app.services.ordering.placing import place_order
from tests import factories
from tests.catalog import images


@pytest.fixture
def app_config(app_config):
    return {**app_config, "PUBLIC_BASE_URL": "https://shop.example"}


@pytest.fixture
def pictured(app):
    product = factories.ProductFactory(name="Teapot", slug="teapot")
    image_service.add_image(product.id, images.jpeg(800, 600), "A white teapot")
    return product


def test_cart_and_checkout_lines_show_the_products_picture(client, auth, shopper, pictured):
    factories.fill_cart(shopper, (pictured, 1))
    auth.login()

    for path in ("/cart", "/checkout"):
        page = client.get(path).get_data(as_text=True)
        assert 'class="line-thumb" src="/media/products/' in page, path
        assert '-240w.jpg" alt="A white teapot"' in page, path


def test_the_order_page_and_the_confirmation_email_show_the_picture(client, auth, shopper, pictured):
    address = factories.AddressFactory(user=shopper)
    factories.fill_cart(shopper, (pictured, 1))

    with mail.record_messages() as outbox:
        order = place_order(shopper.id, address.id).order
    auth.login()
    page = client.get(f"/orders/{order.number}").get_data(as_text=True)

    assert '-240w.jpg" alt="A white teapot"' in page
    (email,) = outbox
    assert 'src="https://shop.example/media/products/' in email.html
    assert '-240w.jpg" alt="A white teapot"' in email.html


def test_a_line_without_a_picture_shows_the_placeholder(client, auth, shopper):
    factories.fill_cart(shopper, (factories.ProductFactory(name="Bare"), 1))
    auth.login()

    assert 'class="line-thumb placeholder"' in client.get("/cart").get_data(as_text=True)
