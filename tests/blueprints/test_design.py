"""The shop's face: its name and logo in the header, the footer pages the admin edits, product
cards that sell, and a cart that fits a phone (docs/behaviour.md#pages, #footer-pages)."""

import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from app import create_app
from app.extensions import db
from app.models import Page
from config import ConfigError
from tests.admin.conftest import log_in
from tests.conftest import _test_config
from tests.factories import ProductFactory, fill_cart


def page_row(slug: str) -> Page | None:
    db.session.rollback()
    return db.session.scalar(select(Page).where(Page.slug == slug))


@pytest.fixture
def shipping(app) -> Page:
    page = Page(slug="shipping", title="Shipping", body="We ship in two days.\n\nFree above $50.")
    db.session.add(page)
    db.session.commit()
    return page


def token_in(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


# The header ---------------------------------------------------------------------------------


class TestHeader:
    @pytest.fixture
    def app_config(self, app_config):
        return {
            **app_config,
            "STORE_NAME": "Tea & Cups",
            "STORE_LOGO_URL": "https://cdn.example.com/logo.png",
        }

    def test_the_header_shows_the_shops_name_and_logo_and_titles_end_with_it(self, client):
        page = client.get("/cart").get_data(as_text=True)

        assert re.search(r'<a class="brand" href="/">.*?Tea &amp; Cups</span>', page, re.S)
        assert '<img class="brand-logo" src="https://cdn.example.com/logo.png"' in page
        assert re.search(r"<title>Your cart · Tea &amp; Cups</title>", page)

    def test_the_logos_site_is_allowed_to_serve_images(self, client):
        policy = client.get("/").headers["Content-Security-Policy"]

        assert "img-src 'self' data: https://cdn.example.com" in policy


def test_without_a_logo_the_header_shows_the_name_alone(client):
    page = client.get("/").get_data(as_text=True)

    assert 'class="brand-name">Storefront</span>' in page
    assert "brand-logo" not in page


def test_the_header_has_a_search_box_categories_and_the_cart_count(client, logged_in):
    from tests.factories import CategoryFactory

    CategoryFactory(name="Kitchen", slug="kitchen")
    mug = ProductFactory(name="Blue Mug", stock=10)
    fill_cart(logged_in, (mug, 3))

    page = client.get("/account").get_data(as_text=True)

    assert re.search(r'<form class="site-search" method="get" action="/"', page)
    assert 'name="q"' in page
    assert '<a href="/c/kitchen">Kitchen</a>' in page
    assert '<span class="cart-count">3</span>' in page and "Cart (3) items" in page


@pytest.mark.parametrize(
    "logo",
    ["javascript:alert(1)", "logo.png", "//evil.example/logo.png", "ftp://example.com/logo.png", "/a b.png"],
)
def test_a_bad_logo_url_refuses_to_start(database_url, logo):
    with pytest.raises(ConfigError) as refused:
        create_app({**_test_config(database_url), "STORE_LOGO_URL": logo})

    assert f"STORE_LOGO_URL={logo!r}" in str(refused.value)


@pytest.mark.parametrize(
    "logo", ["/static/logo.svg", "https://cdn.example.com/logo.png", "http://localhost/l.png"]
)
def test_a_logo_url_or_path_is_accepted(database_url, logo):
    assert create_app({**_test_config(database_url), "STORE_LOGO_URL": logo}).config["STORE_LOGO_URL"] == logo


# Footer pages -------------------------------------------------------------------------------


def test_every_page_links_the_footer_pages_and_the_guest_order_search(client):
    page = client.get("/").get_data(as_text=True)
    footer = page[page.index('<footer class="site-footer">') :]

    for slug in ("shipping", "returns", "privacy", "contact"):
        assert f'href="/pages/{slug}"' in footer
    assert 'href="/orders/find"' in footer


def test_a_footer_page_shows_its_text_in_paragraphs(client, shipping):
    response = client.get("/pages/shipping")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Shipping</h1>" in page
    assert "<p>We ship in two days.</p><p>Free above $50.</p>" in page
    assert "<title>Shipping · Storefront</title>" in page


def test_a_footer_pages_text_is_shown_escaped(client, shipping):
    shipping.body = "<script>alert(1)</script>"
    db.session.commit()

    page = client.get("/pages/shipping").get_data(as_text=True)

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_an_unknown_page_is_not_found(client, shipping):
    assert client.get("/pages/nothing-here").status_code == 404


class TestEditingPages:
    def test_the_admin_lists_the_pages(self, app, client, auth, admin, shipping):
        log_in(app, client, auth, admin)

        page = client.get("/admin/pages").get_data(as_text=True)

        assert 'href="/admin/pages/shipping"' in page and 'data-label="Title"' in page

    def test_the_admin_edits_a_page_and_shoppers_see_it(self, app, client, auth, admin, shipping):
        log_in(app, client, auth, admin)

        edit = {"title": "Delivery", "body": "Next day.\n\nAlways."}
        response = client.post("/admin/pages/shipping", data=edit)

        assert response.status_code == 303
        row = page_row("shipping")
        assert (row.title, row.body) == ("Delivery", "Next day.\n\nAlways.")
        assert "<p>Next day.</p><p>Always.</p>" in client.get("/pages/shipping").get_data(as_text=True)

    @pytest.mark.parametrize(
        ("form", "field", "message"),
        [
            ({"title": "  ", "body": "Text"}, "title", "Please give the page a title."),
            ({"title": "Shipping", "body": "x" * 10_001}, "body", "at most 10,000 characters"),
            ({"title": "T" * 121, "body": "Text"}, "title", "at most 120 characters"),
        ],
    )
    def test_bad_input_is_refused_naming_the_field_and_nothing_changes(
        self, app, client, auth, admin, shipping, form, field, message
    ):
        log_in(app, client, auth, admin)

        response = client.post("/admin/pages/shipping", data=form)

        page = response.get_data(as_text=True)
        assert response.status_code == 400
        errors = re.search(rf'<ul class="errors" id="{field}-errors">(.*?)</ul>', page, re.S)
        assert errors is not None and message in errors.group(1)
        row = page_row("shipping")
        assert (row.title, row.body) == ("Shipping", "We ship in two days.\n\nFree above $50.")

    def test_a_shopper_may_not_edit_pages(self, app, client, auth, shopper, shipping):
        log_in(app, client, auth, shopper)

        assert client.get("/admin/pages").status_code == 403
        assert client.post("/admin/pages/shipping", data={"title": "Hacked", "body": ""}).status_code == 403
        assert page_row("shipping").title == "Shipping"

    def test_an_unknown_page_cannot_be_edited(self, app, client, auth, admin, shipping):
        log_in(app, client, auth, admin)

        assert client.get("/admin/pages/nothing").status_code == 404


class TestEditingPagesWithCsrf:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "WTF_CSRF_ENABLED": True}

    @pytest.fixture
    def admin_client(self, app, client, auth, admin):
        log_in(app, client, auth, admin)
        return client

    def test_an_edit_without_the_token_is_refused_and_changes_nothing(self, admin_client, shipping):
        client = admin_client

        response = client.post("/admin/pages/shipping", data={"title": "Delivery", "body": ""})

        assert response.status_code == 400
        assert page_row("shipping").title == "Shipping"

    def test_the_edit_page_carries_the_token_its_form_needs(self, admin_client, shipping):
        client = admin_client
        html = client.get("/admin/pages/shipping").get_data(as_text=True)

        response = client.post(
            "/admin/pages/shipping", data={"title": "Delivery", "body": "", "csrf_token": token_in(html)}
        )

        assert response.status_code == 303
        assert page_row("shipping").title == "Delivery"


# Product cards ------------------------------------------------------------------------------


def card_of(page: str, name: str) -> str:
    cards = re.findall(r'<li class="card product-card">.*?</li>', page, re.S)
    return next(card for card in cards if name in card)


def test_a_product_card_has_image_name_price_badge_and_add_to_cart(client):
    mug = ProductFactory(name="Blue Mug", slug="blue-mug", price=Decimal("12.50"), stock=40)

    card = card_of(client.get("/").get_data(as_text=True), "Blue Mug")

    assert re.search(r'<img class="placeholder" src="[^"]+" alt=""\s+width="240" height="240"', card)
    assert '<a href="/products/blue-mug">Blue Mug</a>' in card
    assert "$12.50" in card
    assert '<span class="badge badge-ok">In stock</span>' in card
    assert 'action="/cart/items"' in card
    assert f'name="product_id" value="{mug.id}"' in card and 'name="quantity" value="1"' in card


@pytest.mark.parametrize(
    ("stock", "badge"),
    [
        (5, '<span class="badge badge-warn">Only 5 left</span>'),
        (0, '<span class="badge badge-err">Out of stock</span>'),
    ],
)
def test_a_product_card_says_when_few_or_none_are_left(client, stock, badge):
    ProductFactory(name="Blue Mug", stock=stock)

    card = card_of(client.get("/").get_data(as_text=True), "Blue Mug")

    assert badge in card
    assert ("Add to cart" in card) == (stock > 0)


def test_pictures_below_the_first_row_load_lazily(client):
    for number in range(6):
        ProductFactory(name=f"Mug {number}")

    page = client.get("/").get_data(as_text=True)

    cards = re.findall(r'<li class="card product-card">.*?</li>', page, re.S)
    assert ["loading=" in card for card in cards] == [False] * 4 + [True] * 2


class TestAddingFromACard:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "WTF_CSRF_ENABLED": True, "CATALOG_PAGE_CACHE_SECONDS": 60}

    def test_a_new_visitor_adds_one_from_the_card_with_its_token(self, app, client):
        mug = ProductFactory(name="Blue Mug", stock=10)
        app.test_client().get("/")  # the page is now kept for visitors without a session

        html = client.get("/").get_data(as_text=True)
        token = token_in(card_of(html, "Blue Mug"))
        one_mug = {"csrf_token": token, "product_id": mug.id, "quantity": "1"}
        response = client.post("/cart/items", data=one_mug)

        assert response.status_code == 302 and response.headers["Location"] == "/cart"
        assert "Cart (1)" in client.get("/cart").get_data(as_text=True)

    def test_each_visitor_gets_a_token_of_their_own_and_the_kept_page_none(self, app):
        ProductFactory(name="Blue Mug", stock=10)
        first = app.test_client().get("/").get_data(as_text=True)
        second = app.test_client().get("/").get_data(as_text=True)

        assert token_in(first) != token_in(second)
        assert "<csrf-token>" not in first + second

    def test_the_card_form_without_the_token_is_refused(self, app, client):
        mug = ProductFactory(name="Blue Mug", stock=10)

        response = client.post("/cart/items", data={"product_id": mug.id, "quantity": "1"})

        assert response.status_code == 400
        assert "Cart (" not in client.get("/cart").get_data(as_text=True)


# The cart -----------------------------------------------------------------------------------


def test_each_cart_cell_carries_its_label_for_narrow_screens(client, logged_in):
    mug = ProductFactory(name="Blue Mug", price=Decimal("4.00"), stock=10)
    fill_cart(logged_in, (mug, 2))

    page = client.get("/cart").get_data(as_text=True)

    assert '<table class="cart stack">' in page
    row = re.search(r"<tbody>.*?</tbody>", page, re.S).group(0)
    labels = re.findall(r'<td data-label="([^"]+)"', row)
    assert labels == ["Product", "Unit price", "Quantity", "Total", "Remove"]


def test_the_stylesheet_stacks_labelled_rows_on_narrow_screens(client):
    css = client.get("/static/css/site.css").get_data(as_text=True)

    narrow = css[css.index("@media (max-width: 640px)") :]
    assert "table.stack td[data-label]::before { content: attr(data-label);" in narrow
    assert "@media (prefers-color-scheme: dark)" in css


class TestInGerman:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "STORE_LOCALE": "de_DE", "STORE_CURRENCY": "EUR"}

    def test_the_header_cards_and_footer_speak_german(self, client):
        ProductFactory(name="Blaue Tasse", price=Decimal("12.50"), stock=40)

        page = client.get("/").get_data(as_text=True)

        assert '<html lang="de-DE">' in page
        assert "<title>Produkte · Storefront</title>" in page
        card = card_of(page, "Blaue Tasse")
        assert "12,50\xa0€" in card and "Auf Lager" in card and "In den Warenkorb" in card
        assert "Im Shop suchen" in page and "Warenkorb" in page
        assert ">Versand</a>" in page and ">Gastbestellung finden</a>" in page
