"""One rule for a product's fields, one money parser and one slug maker, whether an admin
types a product in or a CSV import brings it."""

import io
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Product
from app.services.catalog.editing import create_product, update_product
from app.services.catalog.imports import import_products
from app.services.catalog.product_input import MAX_NAME_LENGTH, MAX_SKU_LENGTH, MAX_STOCK
from app.services.errors import ValidationFailed
from app.services.ordering.pricing import parse_decimal
from tests.factories import ProductFactory


def by_form(**fields):
    """Save a product as the admin page does: the form's fields to the editing service."""
    values = {"name": "Green Tea", "sku": "TEA-GREEN", "price": Decimal("7.50"), "stock": 3} | fields
    return create_product(**values)


def by_import(**cells):
    """Save a product as `flask products import` does: one CSV line."""
    values = {"sku": "TEA-GREEN", "name": "Green Tea", "price": "7.50", "stock": "3"} | cells
    header = ",".join(values)
    line = ",".join(str(value) for value in values.values())
    return import_products(io.StringIO(f"{header}\n{line}\n"))


def refusal(save, **fields) -> str:
    """The message a refused save gives; nothing is saved."""
    with pytest.raises(ValidationFailed) as refused:
        save(**fields)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Product)) == 0
    return refused.value.message


def slug_of(sku: str) -> str:
    db.session.expire_all()
    return db.session.scalar(select(Product.slug).where(Product.sku == sku))


@pytest.mark.parametrize(
    ("field", "value", "phrase"),
    [
        ("name", "x" * (MAX_NAME_LENGTH + 1), f"ame is longer than {MAX_NAME_LENGTH} characters"),
        ("sku", "S" * (MAX_SKU_LENGTH + 1), f"ku is longer than {MAX_SKU_LENGTH} characters"),
        ("price", "-0.01", "rice -0.01 is negative"),
        ("price", "1.005", "rice 1.005 has more than 2 decimal places"),
        ("price", "NaN", "rice 'NaN' is not a number"),
        ("price", "10000000000", "rice 10000000000 cannot be more than 9,999,999,999.99"),
        ("stock", MAX_STOCK + 1, f"tock {MAX_STOCK + 1} is too large"),
        ("stock", -1, "tock -1 is negative"),
    ],
)
def test_the_admin_form_and_the_csv_import_refuse_the_same_product_alike(app, field, value, phrase):
    assert phrase in refusal(by_form, **{field: value})
    assert phrase in refusal(by_import, **{field: value})


def test_the_longest_name_and_the_largest_stock_either_may_save_are_the_same(app):
    by_form(name="n" * MAX_NAME_LENGTH, stock=MAX_STOCK)
    by_import(sku="TEA-BLACK", name="m" * MAX_NAME_LENGTH, stock=MAX_STOCK)

    stocks = db.session.scalars(select(Product.stock).order_by(Product.sku)).all()
    assert stocks == [MAX_STOCK, MAX_STOCK]


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("12.50", Decimal("12.50")),
        (" 3 ", Decimal("3")),
        (7, Decimal("7")),
        (Decimal("0.10"), Decimal("0.10")),
    ],
)
def test_the_money_parser_reads_a_number_as_typed(typed, number):
    assert parse_decimal(typed) == number


@pytest.mark.parametrize("typed", ["", "abc", "1,50", "NaN", "-Infinity", None, Decimal("NaN")])
def test_the_money_parser_refuses_what_is_not_a_finite_number(typed):
    assert parse_decimal(typed) is None


def test_an_admin_and_an_import_make_a_taken_name_s_slug_unique_the_same_way(app):
    ProductFactory(sku="MUG-0", name="Blue Mug", slug="blue-mug")

    by_form(sku="MUG-1", name="Blue Mug")
    by_import(sku="MUG-2", name="Blue Mug")

    assert (slug_of("MUG-1"), slug_of("MUG-2")) == ("blue-mug-2", "blue-mug-3")


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Café Crème 250g", "cafe-creme-250g"),
        ("Straße", "strasse"),
        ("Чай", "chai"),
        ("AT&amp;T", "at-amp-t"),
    ],
)
def test_a_name_in_any_script_gets_the_same_readable_slug_from_the_form_and_the_import(app, name, slug):
    by_form(sku="BY-FORM", name=name)
    by_import(sku="BY-CSV", name=name)

    assert slug_of("BY-FORM") == slug
    assert slug_of("BY-CSV") == f"{slug}-2"


def test_clearing_the_slug_of_a_product_makes_it_from_its_own_name_again(app):
    product = by_form(name="Blue Mug", slug="old-address")

    update_product(product.id, name="Blue Mug", sku=product.sku, price=product.price, slug="")

    assert slug_of(product.sku) == "blue-mug"
