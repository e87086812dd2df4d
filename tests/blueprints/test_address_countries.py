"""Addresses by country: printed in the country's format, checked by its rules, chosen from a list."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Address
from app.services.accounts.address_format import address_lines

SPRINGFIELD = {
    "full_name": "Abe Lincoln",
    "line1": "413 S 8th St",
    "line2": "",
    "city": "Springfield",
    "region": "IL",
    "postal_code": "62701",
    "country": "US",
    "phone": "",
}


def saved_addresses() -> int:
    return db.session.scalar(select(func.count(Address.id)))


@pytest.mark.parametrize(
    ("address", "lines"),
    [
        (SPRINGFIELD, ["Abe Lincoln", "413 S 8th St", "Springfield, IL 62701", "United States"]),
        (
            {
                "full_name": "Ada Lovelace",
                "line1": "12 Analytical Row",
                "line2": "Flat 3",
                "city": "London",
                "postal_code": "N1 7AA",
                "country": "GB",
            },  # fmt: skip
            ["Ada Lovelace", "12 Analytical Row", "Flat 3", "London", "N1 7AA", "United Kingdom"],
        ),
        (
            {
                "full_name": "Max Mustermann",
                "line1": "Unter den Linden 1",
                "city": "Berlin",
                "postal_code": "10115",
                "country": "DE",
                "phone": "+49 30 1234",
            },  # fmt: skip
            ["Max Mustermann", "Unter den Linden 1", "10115 Berlin", "Germany", "+49 30 1234"],
        ),
        (
            # Japan's latin layout: the ward goes with the street, the prefecture after it.
            {
                "full_name": "Taro Yamada",
                "line1": "1-1 Chiyoda",
                "city": "Chiyoda-ku",
                "region": "Tokyo",
                "postal_code": "100-0001",
                "country": "JP",
            },  # fmt: skip
            ["Taro Yamada", "1-1 Chiyoda", "Chiyoda-ku, Tokyo", "100-0001", "Japan"],
        ),
    ],
    ids=["US", "GB", "DE", "JP"],
)
def test_an_address_is_printed_in_its_countrys_format(app, address, lines):
    with app.test_request_context():
        assert address_lines(address) == lines


def test_the_address_book_prints_a_british_postcode_on_its_own_line(client, logged_in):
    british = {**SPRINGFIELD, "city": "London", "region": "", "postal_code": "n1 7aa", "country": "GB"}

    client.post("/account/addresses", data=british)
    page = client.get("/account/addresses").get_data(as_text=True)

    # Written the way the country writes it, and on a line of its own.
    assert "London<br>N1 7AA<br>United Kingdom" in page
    assert "N1 7AA London" not in page


def test_a_us_address_without_a_state_is_refused_on_the_page_and_nothing_is_saved(client, logged_in):
    response = client.post("/account/addresses", data={**SPRINGFIELD, "region": ""})

    assert response.status_code == 400
    assert "An address in United States needs its state, province or region." in response.get_data(
        as_text=True
    )
    assert saved_addresses() == 0


def test_a_postcode_of_the_wrong_shape_is_refused_naming_the_field(client, logged_in):
    response = client.post("/account/addresses", data={**SPRINGFIELD, "postal_code": "6270"})

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="postal_code-errors"' in page
    assert "This is not a postal code of United States (one looks like" in page
    assert saved_addresses() == 0


def test_a_country_without_postcodes_needs_none(client, logged_in):
    hong_kong = {
        **SPRINGFIELD,
        "city": "Central",
        "region": "Hong Kong Island",
        "postal_code": "",
        "country": "HK",
    }

    response = client.post("/account/addresses", data=hong_kong)

    assert response.status_code == 302
    assert saved_addresses() == 1


def test_the_country_list_shows_names_not_codes(client, logged_in):
    page = client.get("/account/addresses").get_data(as_text=True)

    assert '<select autocomplete="country" id="country" name="country" required>' in page
    assert '<option value="DE">Germany</option>' in page
    assert '<option value="JP">Japan</option>' in page
    assert ">DE<" not in page


class TestInGerman:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "STORE_LOCALE": "de_DE"}

    def test_the_country_list_is_in_the_shops_language_sorted_by_name(self, client, logged_in):
        page = client.get("/account/addresses").get_data(as_text=True)

        assert '<option selected value="DE">Deutschland</option>' in page
        names = [page.index(f">{name}</option>") for name in ("Ägypten", "Österreich", "Vereinigte Staaten")]
        assert names == sorted(names)
        assert page.index(">Ägypten<") < page.index(">Albanien<")  # Ä sorts with A

    def test_an_address_prints_its_country_in_the_shops_language(self, app):
        with app.test_request_context():
            assert address_lines(SPRINGFIELD)[-1] == "Vereinigte Staaten"
