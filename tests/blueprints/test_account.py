"""The account pages: address book and order history (docs/behaviour.md#pages)."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Address
from tests.blueprints.conftest import make_order
from tests.factories import AddressFactory

NEW_ADDRESS = {
    "full_name": "Grace Hopper",
    "line1": "1 Navy Way",
    "line2": "",
    "city": "Arlington",
    "region": "VA",
    "postal_code": "22202",
    "country": "US",
    "phone": "",
}


def saved_addresses(user) -> list[Address]:
    db.session.expire_all()
    return list(db.session.scalars(select(Address).where(Address.user_id == user.id).order_by(Address.id)))


# Address book


def test_address_book_needs_a_login_and_comes_back(client, shopper):
    response = client.get("/account/addresses")

    assert response.headers["Location"] == "/auth/login?next=%2Faccount%2Faddresses"


def test_address_book_lists_only_the_shoppers_own_addresses(client, logged_in, other_shopper):
    AddressFactory(user=logged_in, full_name="Ada Lovelace", is_default=True)
    AddressFactory(user=other_shopper, full_name="Somebody Else")

    page = client.get("/account/addresses").get_data(as_text=True)

    assert "Ada Lovelace" in page and "Default" in page
    assert "Somebody Else" not in page


def test_address_book_shows_the_country_by_name(client, logged_in):
    AddressFactory(user=logged_in, country="GB")

    page = client.get("/account/addresses").get_data(as_text=True)

    assert re.search(r"<address>[^<]*(<br>[^<]*)*United Kingdom", page)


def test_address_book_without_addresses_says_so(client, logged_in):
    assert "You have no saved addresses yet." in client.get("/account/addresses").get_data(as_text=True)


def test_every_address_form_field_has_a_label(client, logged_in):
    address = AddressFactory(user=logged_in)

    for url in ("/account/addresses", f"/account/addresses/{address.id}/edit"):
        page = client.get(url).get_data(as_text=True)
        field_ids = re.findall(r'<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*\bid="([^"]+)"', page)
        assert "full_name" in field_ids and "country" in field_ids
        for field_id in field_ids:
            assert f'for="{field_id}"' in page or re.search(rf'<label><input[^>]*id="{field_id}"', page), (
                field_id
            )


def test_country_is_chosen_from_a_list_of_countries(client, logged_in):
    page = client.get("/account/addresses").get_data(as_text=True)

    assert '<option value="GB">United Kingdom</option>' in page
    # The shop's own country (en_US) is chosen until another is.
    assert '<option selected value="US">United States</option>' in page


def test_adding_an_address_saves_it_as_the_default_when_it_is_the_first(client, logged_in):
    response = client.post("/account/addresses", data=NEW_ADDRESS)

    assert response.status_code == 302
    assert response.headers["Location"] == "/account/addresses"
    [address] = saved_addresses(logged_in)
    assert (address.full_name, address.country, address.is_default) == ("Grace Hopper", "US", True)
    assert "Address added." in client.get("/account/addresses").get_data(as_text=True)


def test_adding_an_address_can_make_it_the_default(client, logged_in):
    AddressFactory(user=logged_in, is_default=True)

    client.post("/account/addresses", data={**NEW_ADDRESS, "make_default": "y"})

    assert [a.is_default for a in saved_addresses(logged_in)] == [False, True]


def test_adding_an_address_without_required_fields_is_refused(client, logged_in):
    response = client.post("/account/addresses", data={**NEW_ADDRESS, "full_name": "  ", "city": ""})

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert page.count("This field is required.") == 2
    assert "The address was not saved" in page
    assert saved_addresses(logged_in) == []


@pytest.mark.parametrize("country", ["XX", "USA", "", "1"])
def test_adding_an_address_with_a_bad_country_is_refused(client, logged_in, country):
    response = client.post("/account/addresses", data={**NEW_ADDRESS, "country": country})

    assert response.status_code == 400
    assert saved_addresses(logged_in) == []


def test_adding_an_address_with_a_too_long_field_is_refused(client, logged_in):
    response = client.post("/account/addresses", data={**NEW_ADDRESS, "postal_code": "9" * 21})

    assert response.status_code == 400
    assert "At most 20 characters." in response.get_data(as_text=True)
    assert saved_addresses(logged_in) == []


def test_edit_page_shows_the_address(client, logged_in):
    address = AddressFactory(user=logged_in, city="London")

    response = client.get(f"/account/addresses/{address.id}/edit")

    assert response.status_code == 200
    assert 'value="London"' in response.get_data(as_text=True)
    assert '<option selected value="GB">' in response.get_data(as_text=True)


def test_editing_an_address_saves_the_change(client, logged_in):
    address = AddressFactory(user=logged_in)

    response = client.post(f"/account/addresses/{address.id}/edit", data={**NEW_ADDRESS, "city": "Boston"})

    assert response.headers["Location"] == "/account/addresses"
    assert saved_addresses(logged_in)[0].city == "Boston"
    assert "Address saved." in client.get("/account/addresses").get_data(as_text=True)


def test_editing_an_address_with_a_bad_value_changes_nothing(client, logged_in):
    address = AddressFactory(user=logged_in, city="London")

    response = client.post(f"/account/addresses/{address.id}/edit", data={**NEW_ADDRESS, "city": ""})

    assert response.status_code == 400
    assert "This field is required." in response.get_data(as_text=True)
    assert saved_addresses(logged_in)[0].city == "London"


def test_deleting_an_address_removes_it(client, logged_in):
    address = AddressFactory(user=logged_in)

    response = client.post(f"/account/addresses/{address.id}/delete")

    assert response.headers["Location"] == "/account/addresses"
    assert saved_addresses(logged_in) == []
    assert "Address deleted." in client.get("/account/addresses").get_data(as_text=True)


def test_making_an_address_the_default(client, logged_in):
    first = AddressFactory(user=logged_in, is_default=True)
    second = AddressFactory(user=logged_in, is_default=False)

    client.post(f"/account/addresses/{second.id}/default")

    defaults = {a.id: a.is_default for a in saved_addresses(logged_in)}
    assert defaults == {first.id: False, second.id: True}


def test_deleting_by_get_is_not_allowed(client, logged_in):
    address = AddressFactory(user=logged_in)

    assert client.get(f"/account/addresses/{address.id}/delete").status_code == 405
    assert len(saved_addresses(logged_in)) == 1


def test_another_shoppers_address_cannot_be_seen_for_editing(client, logged_in, other_shopper):
    theirs = AddressFactory(user=other_shopper, full_name="Somebody Else")

    response = client.get(f"/account/addresses/{theirs.id}/edit")

    assert response.status_code == 404
    assert "Somebody Else" not in response.get_data(as_text=True)


def test_another_shoppers_address_cannot_be_edited(client, logged_in, other_shopper):
    theirs = AddressFactory(user=other_shopper, city="London")

    response = client.post(f"/account/addresses/{theirs.id}/edit", data={**NEW_ADDRESS, "city": "Boston"})

    assert response.status_code == 404
    assert saved_addresses(other_shopper)[0].city == "London"


def test_another_shoppers_address_cannot_be_deleted(client, logged_in, other_shopper):
    theirs = AddressFactory(user=other_shopper)

    response = client.post(f"/account/addresses/{theirs.id}/delete")

    assert response.status_code == 404
    assert len(saved_addresses(other_shopper)) == 1


def test_another_shoppers_address_cannot_be_made_default(client, logged_in, other_shopper):
    AddressFactory(user=logged_in, is_default=True)
    theirs = AddressFactory(user=other_shopper, is_default=False)

    response = client.post(f"/account/addresses/{theirs.id}/default")

    assert response.status_code == 404
    assert saved_addresses(other_shopper)[0].is_default is False
    assert saved_addresses(logged_in)[0].is_default is True


@pytest.mark.parametrize("address_id", ["999999", "99999999999999999999"])
def test_an_address_that_does_not_exist_is_not_found(client, logged_in, address_id):
    assert client.get(f"/account/addresses/{address_id}/edit").status_code == 404
    assert client.post(f"/account/addresses/{address_id}/delete").status_code == 404


# Order history


def test_order_history_needs_a_login_and_comes_back(client, shopper):
    response = client.get("/account/orders")

    assert response.headers["Location"] == "/auth/login?next=%2Faccount%2Forders"


def test_order_history_lists_orders_newest_first_with_links(client, logged_in):
    now = datetime.now(UTC)
    make_order(
        logged_in, "SO-OLDER111", created_at=now - timedelta(days=2), status="delivered", total="18.20"
    )
    make_order(logged_in, "SO-NEWER222", created_at=now, status="pending", total="54.00", quantity=3)

    page = client.get("/account/orders").get_data(as_text=True)

    assert page.index("SO-NEWER222") < page.index("SO-OLDER111")
    assert 'href="/orders/SO-NEWER222"' in page
    assert "Pending" in page and "Delivered" in page
    assert "$54.00" in page and "$18.20" in page
    assert now.strftime("%Y-%m-%d") in page


def test_order_history_shows_only_the_shoppers_own_orders(client, logged_in, other_shopper):
    make_order(other_shopper, "SO-THEIRS11")

    page = client.get("/account/orders").get_data(as_text=True)

    assert "SO-THEIRS11" not in page
    assert "You have not ordered anything yet." in page


def test_order_history_shows_twenty_orders_a_page(client, logged_in):
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for n in range(21):
        make_order(logged_in, f"SO-{n:08d}", created_at=start + timedelta(hours=n))

    first = client.get("/account/orders").get_data(as_text=True)
    second = client.get("/account/orders?page=2").get_data(as_text=True)

    assert "SO-00000020" in first and "SO-00000001" in first and "SO-00000000" not in first
    assert "Page 1 of 2" in first and 'href="/account/orders?page=2"' in first
    assert "SO-00000000" in second and "SO-00000001" not in second


def test_order_history_with_a_page_number_too_large_for_any_list_shows_the_first_page(client, logged_in):
    make_order(logged_in, "SO-ONLY1111")

    response = client.get("/account/orders?page=99999999999999999999")

    assert response.status_code == 200
    assert "SO-ONLY1111" in response.get_data(as_text=True)
