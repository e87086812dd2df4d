"""Every copy of an address follows the one list of its fields (app/models/address_fields.py)."""

import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.blueprints.account.forms import AddressForm
from app.blueprints.api.schemas import NewAddressSchema, ShippingAddressSchema
from app.blueprints.checkout.forms import CheckoutForm
from app.extensions import db
from app.models import Address, Order
from app.models.address_fields import ADDRESS_FIELD_NAMES, ADDRESS_FIELDS
from tests import factories
from tests.blueprints.checkout_support import log_in

TYPED = {
    "full_name": "Grace Hopper",
    "line1": "1 Harvard Yard",
    "line2": "Room 2",
    "city": "Cambridge",
    "region": "MA",
    "postal_code": "02138",
    "country": "us",
    "phone": "+1 617 555 0100",
}
SHORT_ENOUGH_FOR_ALL = [field for field in ADDRESS_FIELDS if field.name != "country"]  # a code of its own


def test_every_copy_of_an_address_has_the_fields_of_the_list(app):
    for table, prefix in ((Address.__table__, ""), (Order.__table__, "ship_")):
        for field in ADDRESS_FIELDS:
            column = table.c[prefix + field.name]
            assert (column.type.length, column.nullable) == (field.max_length, False), column
    with app.test_request_context():
        for form in (AddressForm(), CheckoutForm()):
            assert set(ADDRESS_FIELD_NAMES) <= {field.name for field in form}, form
    assert tuple(NewAddressSchema().fields) == ADDRESS_FIELD_NAMES
    assert tuple(ShippingAddressSchema().fields) == ADDRESS_FIELD_NAMES


@pytest.mark.parametrize("field", SHORT_ENOUGH_FOR_ALL, ids=lambda field: field.name)
def test_a_value_too_long_for_its_column_is_refused_by_the_address_page(client, logged_in, field):
    too_long = {**TYPED, field.name: "x" * (field.max_length + 1)}

    response = client.post("/account/addresses", data=too_long)

    assert response.status_code == 400
    assert f"At most {field.max_length} characters." in response.get_data(as_text=True)
    assert db.session.scalars(select(Address)).all() == []


def test_a_text_box_holds_no_more_than_its_column(client, logged_in):
    page = client.get("/account/addresses").get_data(as_text=True)

    for field in SHORT_ENOUGH_FOR_ALL:
        [text_box] = re.findall(rf'<input[^>]*\bid="{field.name}"[^>]*>', page)
        assert f'maxlength="{field.max_length}"' in text_box, text_box


def test_an_order_to_a_new_address_copies_every_field_of_it(client, shopper):
    teapot = factories.ProductFactory(price=Decimal("12.50"), stock=10)
    factories.fill_cart(shopper, (teapot, 1))
    log_in(client, shopper)
    assert tuple(TYPED) == ADDRESS_FIELD_NAMES  # every field is typed in
    form = {"checkout_key": "0123456789abcdef0123456789abcdef", "address_choice": "new", **TYPED}

    response = client.post("/checkout", data=form)

    assert response.status_code == 303
    expected = {**TYPED, "country": "US"}
    assert db.session.scalar(select(Order)).shipping_address == expected
    assert db.session.scalar(select(Address)).snapshot() == expected


def test_a_country_posted_as_a_long_code_is_explained_not_cut_short(client, shopper):
    teapot = factories.ProductFactory(price=Decimal("12.50"), stock=10)
    factories.fill_cart(shopper, (teapot, 1))
    log_in(client, shopper)

    [country_list] = re.findall(
        r'<select[^>]*\bid="country"[^>]*>', client.get("/checkout").get_data(as_text=True)
    )
    response = client.post(
        "/checkout",
        data={
            "checkout_key": "0123456789abcdef0123456789abcdef",
            "address_choice": "new",
            **TYPED,
            "country": "AUT",
        },
    )

    assert "maxlength" not in country_list  # a list of countries, not a box a browser cuts short
    assert response.status_code == 400
    assert "two-letter ISO 3166-1 country code" in response.get_data(as_text=True)
    assert db.session.scalars(select(Order)).all() == []
