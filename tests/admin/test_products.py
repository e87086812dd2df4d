"""The admin catalog: list and search, create, edit, activate or deactivate, adjust stock."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Product, StockAdjustment
from tests import factories
from tests.admin.helpers import count, stock_of

NEW = {
    "name": "Green Tea Tin",
    "sku": "TEA-GREEN",
    "slug": "",
    "description": "Loose leaf.",
    "price": "7.50",
    "stock": "12",
    "is_active": "y",
}


def product_row(sku: str) -> Product | None:
    db.session.rollback()
    return db.session.scalar(select(Product).where(Product.sku == sku))


def adjustments_of(product_id: int) -> list[tuple[int, str, int | None]]:
    db.session.rollback()
    rows = db.session.execute(
        select(StockAdjustment.delta, StockAdjustment.reason, StockAdjustment.user_id)
        .where(StockAdjustment.product_id == product_id)
        .order_by(StockAdjustment.id)
    )
    return [tuple(row) for row in rows]


def edit_data(product: Product, **changes) -> dict:
    data = {
        "name": product.name,
        "sku": product.sku,
        "slug": product.slug,
        "description": product.description,
        "price": str(product.price),
        "is_active": "y" if product.is_active else "",
    }
    return {name: value for name, value in {**data, **changes}.items() if value != ""}


@pytest.fixture
def retired(app):
    return factories.ProductFactory(name="Old Kettle", sku="KET-OLD", is_active=False, stock=0)


def test_the_list_shows_active_and_inactive_products(admin_client, product, retired):
    html = admin_client.get("/admin/products").get_data(as_text=True)

    assert "Teapot" in html and "Old Kettle" in html
    assert "inactive" in html
    assert "2 products, inactive ones included." in html


def test_search_finds_inactive_products_by_sku(admin_client, product, retired):
    html = admin_client.get("/admin/products?q=ket-old").get_data(as_text=True)

    assert "Old Kettle" in html and "Teapot" not in html


def test_creating_a_product_saves_it_and_records_the_opening_stock(admin_client, admin):
    response = admin_client.post("/admin/products/new", data=NEW, follow_redirects=True)

    assert "Product Green Tea Tin created." in response.get_data(as_text=True)
    product = product_row("TEA-GREEN")
    assert (product.name, product.slug, product.price, product.stock, product.is_active) == (
        "Green Tea Tin",
        "green-tea-tin",
        Decimal("7.50"),
        12,
        True,
    )
    assert adjustments_of(product.id) == [(12, "Opening stock", admin.id)]


def test_the_new_product_page_shows_the_form(admin_client):
    html = admin_client.get("/admin/products/new").get_data(as_text=True)

    assert 'name="sku"' in html and 'name="price"' in html


def test_a_duplicate_sku_is_refused_with_a_clear_error(admin_client, product):
    response = admin_client.post("/admin/products/new", data={**NEW, "sku": "TEA-1"})

    assert response.status_code == 400
    assert "Another product already has SKU TEA-1." in response.get_data(as_text=True)
    assert count(Product) == 1


def test_a_duplicate_slug_is_refused_with_a_clear_error(admin_client, product):
    response = admin_client.post("/admin/products/new", data={**NEW, "slug": product.slug})

    assert response.status_code == 400
    assert f"Another product already uses the slug {product.slug}." in response.get_data(as_text=True)
    assert product_row("TEA-GREEN") is None


def test_a_name_with_accents_gets_the_same_slug_as_an_import_would_give_it(admin_client):
    response = admin_client.post("/admin/products/new", data={**NEW, "name": "Café Crème 250g"})

    assert response.status_code == 303
    assert product_row("TEA-GREEN").slug == "cafe-creme-250g"


@pytest.mark.parametrize("slug", ["---", "✓✓"])
def test_a_slug_with_no_letters_or_digits_is_refused(admin_client, slug):
    response = admin_client.post("/admin/products/new", data={**NEW, "slug": slug})

    assert response.status_code == 400
    assert "A slug needs letters or digits." in response.get_data(as_text=True)
    assert product_row("TEA-GREEN") is None


@pytest.mark.parametrize("price", ["-1", "1.999", "abc", ""])
def test_a_bad_price_is_refused(admin_client, price):
    response = admin_client.post("/admin/products/new", data={**NEW, "price": price})

    assert response.status_code == 400
    assert 'class="field has-error"' in response.get_data(as_text=True)
    assert count(Product) == 0


def test_a_product_without_a_name_is_refused(admin_client):
    response = admin_client.post("/admin/products/new", data={**NEW, "name": "  "})

    assert response.status_code == 400
    assert count(Product) == 0


def test_editing_a_product_changes_its_details(admin_client, product):
    data = edit_data(product, name="Big Teapot", price="24.00", slug="big-teapot", description="Holds 2l.")

    response = admin_client.post(f"/admin/products/{product.id}", data=data, follow_redirects=True)

    assert "Product Big Teapot saved." in response.get_data(as_text=True)
    saved = product_row("TEA-1")
    assert (saved.name, saved.price, saved.slug, saved.description) == (
        "Big Teapot",
        Decimal("24.00"),
        "big-teapot",
        "Holds 2l.",
    )


def test_editing_a_product_never_overwrites_stock_sold_meanwhile(admin_client, product, shopper, buy):
    admin_client.get(f"/admin/products/{product.id}")
    data = edit_data(product, name="Teapot II")
    buy(shopper, (product, 3))

    admin_client.post(f"/admin/products/{product.id}", data=data)

    assert stock_of(product.id) == 7


def test_editing_to_another_products_sku_is_refused(admin_client, product, retired):
    response = admin_client.post(f"/admin/products/{product.id}", data=edit_data(product, sku="KET-OLD"))

    assert response.status_code == 400
    assert "Another product already has SKU KET-OLD." in response.get_data(as_text=True)
    assert product_row("TEA-1").name == "Teapot"


def test_an_unknown_product_is_404(admin_client):
    assert admin_client.get("/admin/products/999").status_code == 404


@pytest.mark.parametrize("action", ["", "/stock", "/activate", "/deactivate"])
def test_a_product_id_too_large_for_any_product_is_404_and_changes_nothing(admin_client, product, action):
    url = f"/admin/products/99999999999999999999{action}"
    response = (
        admin_client.post(url, data={"delta": "5", "reason": "Recount"}) if action else admin_client.get(url)
    )

    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)
    assert stock_of(product.id) == 10 and product_row("TEA-1").is_active is True


def test_the_list_with_a_page_number_too_large_for_any_list_shows_the_first_page(admin_client, product):
    response = admin_client.get("/admin/products?page=99999999999999999999")

    assert response.status_code == 200
    assert "Teapot" in response.get_data(as_text=True)


def test_deactivating_hides_a_product_and_activating_brings_it_back(admin_client, product):
    response = admin_client.post(f"/admin/products/{product.id}/deactivate", follow_redirects=True)
    assert "Teapot is no longer shown to shoppers." in response.get_data(as_text=True)
    assert product_row("TEA-1").is_active is False

    admin_client.post(f"/admin/products/{product.id}/activate")
    assert product_row("TEA-1").is_active is True


def test_adding_stock_records_the_reason(admin_client, admin, product):
    response = admin_client.post(
        f"/admin/products/{product.id}/stock",
        data={"delta": "5", "reason": "Delivery"},
        follow_redirects=True,
    )

    html = response.get_data(as_text=True)
    assert "Stock of Teapot is now 15." in html
    assert "Delivery" in html[html.index('id="adjustments"') :]
    assert stock_of(product.id) == 15
    assert adjustments_of(product.id) == [(5, "Delivery", admin.id)]


def test_removing_stock_records_the_reason(admin_client, admin, product):
    admin_client.post(
        f"/admin/products/{product.id}/stock", data={"delta": "-3", "reason": "Broken in store"}
    )

    assert stock_of(product.id) == 7
    assert adjustments_of(product.id) == [(-3, "Broken in store", admin.id)]


def test_removing_more_than_is_in_stock_is_refused(admin_client, product):
    response = admin_client.post(
        f"/admin/products/{product.id}/stock", data={"delta": "-11", "reason": "Count"}
    )

    assert response.status_code == 400
    assert "Stock cannot go below zero: 10 in stock" in response.get_data(as_text=True)
    assert stock_of(product.id) == 10
    assert adjustments_of(product.id) == []


def test_adding_stock_past_what_the_column_holds_is_refused(admin_client, product):
    top = 2**31 - 1
    product.stock = top - 5
    db.session.commit()

    response = admin_client.post(
        f"/admin/products/{product.id}/stock", data={"delta": "10", "reason": "Count"}
    )

    assert response.status_code == 400
    assert "the most you can add is 5" in response.get_data(as_text=True)
    assert stock_of(product.id) == top - 5
    assert adjustments_of(product.id) == []


def test_removing_all_stock_is_allowed(admin_client, product):
    admin_client.post(f"/admin/products/{product.id}/stock", data={"delta": "-10", "reason": "Recall"})

    assert stock_of(product.id) == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"delta": "0", "reason": "Nothing"}, "Enter a change other than zero"),
        ({"delta": "2.5", "reason": "Half"}, "Not a valid integer value."),
        ({"delta": "", "reason": "Blank"}, "Enter a whole number"),
        ({"delta": "4", "reason": ""}, "This field is required."),
        ({"delta": "4", "reason": "x" * 201}, "Field cannot be longer than 200 characters."),
    ],
)
def test_a_bad_stock_adjustment_is_refused(admin_client, product, data, message):
    response = admin_client.post(f"/admin/products/{product.id}/stock", data=data)

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert stock_of(product.id) == 10
    assert adjustments_of(product.id) == []


def test_the_product_page_lists_recent_adjustments_newest_first(admin_client, product):
    for delta, reason in (("4", "First delivery"), ("-1", "Damaged")):
        admin_client.post(f"/admin/products/{product.id}/stock", data={"delta": delta, "reason": reason})

    html = admin_client.get(f"/admin/products/{product.id}").get_data(as_text=True)
    table = html[html.index('id="adjustments"') :]

    assert table.index("Damaged") < table.index("First delivery")
    assert "-1" in table and "+4" in table and "admin@example.com" in table
