"""GET and POST /api/v1/addresses/: the caller's address book."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Address
from app.models.address_fields import ADDRESS_FIELDS
from tests import factories
from tests.api.conftest import error_of

NEW_ADDRESS = {
    "full_name": "Grace Hopper",
    "line1": "1 Navy Yard",
    "city": "Arlington",
    "region": "VA",
    "postal_code": "22202",
    "country": "US",
}


def address_count() -> int:
    return db.session.scalar(select(func.count(Address.id)))


def test_adding_an_address_returns_it_with_201(api):
    response = api.post("/api/v1/addresses/", json={**NEW_ADDRESS, "phone": "+1 555 0100"})

    assert response.status_code == 201
    body = response.get_json()
    assert body == {
        "id": body["id"],
        "full_name": "Grace Hopper",
        "line1": "1 Navy Yard",
        "line2": "",
        "city": "Arlington",
        "region": "VA",
        "postal_code": "22202",
        "country": "US",
        "phone": "+1 555 0100",
        "is_default": True,
    }


def test_the_list_holds_only_the_callers_addresses(api, address, other_shopper):
    factories.AddressFactory(user=other_shopper, full_name="Someone Else")

    response = api.get("/api/v1/addresses/")

    assert response.status_code == 200
    assert [item["id"] for item in response.get_json()["items"]] == [address.id]


@pytest.mark.parametrize(
    "field", [field for field in ADDRESS_FIELDS if field.name != "country"], ids=lambda field: field.name
)
def test_a_value_too_long_for_its_column_is_refused_on_its_field(api, field):
    response = api.post("/api/v1/addresses/", json={**NEW_ADDRESS, field.name: "x" * (field.max_length + 1)})

    assert response.status_code == 400
    assert set(error_of(response)["details"]["fields"]) == {field.name}
    assert address_count() == 0


def test_missing_fields_are_each_named(api):
    response = api.post("/api/v1/addresses/", json={"full_name": "Grace Hopper"})

    error = error_of(response)
    assert response.status_code == 400
    # The postal code is required by the country's rules, checked once the country is known.
    assert set(error["details"]["fields"]) == {"line1", "city", "country"}
    assert address_count() == 0


def test_a_country_that_is_not_an_iso_code_is_refused(api):
    response = api.post("/api/v1/addresses/", json={**NEW_ADDRESS, "country": "XZ"})

    assert response.status_code == 400
    assert list(error_of(response)["details"]["fields"]) == ["country"]
    assert address_count() == 0


def test_a_country_code_in_small_letters_is_refused_as_the_document_says(api):
    response = api.post("/api/v1/addresses/", json={**NEW_ADDRESS, "country": "us"})

    assert response.status_code == 400
    assert error_of(response)["details"]["fields"] == {
        "country": ["Use a two-letter ISO 3166-1 country code, e.g. US or GB."]
    }
    assert address_count() == 0


def test_a_blank_required_field_is_refused(api):
    response = api.post("/api/v1/addresses/", json={**NEW_ADDRESS, "city": "   "})

    assert response.status_code == 400
    assert list(error_of(response)["details"]["fields"]) == ["city"]


def test_a_field_of_the_wrong_type_is_refused(api):
    response = api.post("/api/v1/addresses/", json={**NEW_ADDRESS, "postal_code": 22202})

    assert response.status_code == 400
    assert list(error_of(response)["details"]["fields"]) == ["postal_code"]
