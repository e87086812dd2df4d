"""POST /api/v1/addresses/ checks each country's own rules, as the pages do."""

from sqlalchemy import func, select

from app.extensions import db
from app.models import Address
from tests.api.conftest import error_of

SPRINGFIELD = {
    "full_name": "Abe Lincoln",
    "line1": "413 S 8th St",
    "city": "Springfield",
    "region": "IL",
    "postal_code": "62701",
    "country": "US",
}


def address_count() -> int:
    return db.session.scalar(select(func.count(Address.id)))


def test_an_address_with_its_region_is_saved_and_returned_with_it(api):
    response = api.post("/api/v1/addresses/", json=SPRINGFIELD)

    assert response.status_code == 201
    assert response.get_json()["region"] == "IL"
    assert api.get("/api/v1/addresses/").get_json()["items"][0]["region"] == "IL"


def test_a_us_address_without_a_state_is_refused_and_nothing_is_saved(api):
    response = api.post("/api/v1/addresses/", json={**SPRINGFIELD, "region": ""})

    error = error_of(response)
    assert (response.status_code, error["code"]) == (400, "validation_error")
    assert error["details"]["fields"] == {
        "region": ["An address in United States needs its state, province or region."]
    }
    assert address_count() == 0


def test_a_postcode_of_the_wrong_shape_is_refused_and_nothing_is_saved(api):
    response = api.post("/api/v1/addresses/", json={**SPRINGFIELD, "country": "GB", "region": ""})

    error = error_of(response)
    assert (response.status_code, error["code"]) == (400, "validation_error")
    assert list(error["details"]["fields"]) == ["postal_code"]
    assert error["details"]["fields"]["postal_code"][0].startswith(
        "This is not a postal code of United Kingdom"
    )
    assert address_count() == 0


def test_the_region_and_postcode_are_stored_as_the_country_writes_them(api):
    typed = {**SPRINGFIELD, "region": "illinois"}
    british = {**SPRINGFIELD, "city": "London", "region": "", "postal_code": "n1 7aa", "country": "GB"}

    assert api.post("/api/v1/addresses/", json=typed).get_json()["region"] == "IL"
    assert api.post("/api/v1/addresses/", json=british).get_json()["postal_code"] == "N1 7AA"
