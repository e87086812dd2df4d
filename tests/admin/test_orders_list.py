"""The admin orders list: filters, search, pagination, newest first, and its CSV export."""

import csv
import io
import re
from datetime import UTC, datetime

import pytest

from app.services.ordering.lifecycle import change_status
from tests import factories

PER_PAGE = 3


@pytest.fixture
def app_config(app_config):
    return {**app_config, "ORDERS_PER_PAGE": PER_PAGE}


def at(day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(2024, 3, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def ana(app):
    return factories.UserFactory(email="ana@example.com")


@pytest.fixture
def bob(app):
    return factories.UserFactory(email="bob@shop.test")


@pytest.fixture
def orders(app, admin, ana, bob, product, buy):
    """Five orders over March 2024: (who, when, status)."""
    placed = {
        "ana_1st": buy(ana, (product, 1), created_at=at(1)),
        "bob_2nd": buy(bob, (product, 2), created_at=at(2, 9)),
        "ana_5th_late": buy(ana, (product, 1), created_at=at(5, 23, 59)),
        "bob_6th": buy(bob, (product, 3), created_at=at(6, 0, 0)),
        "ana_10th": buy(ana, (product, 1), created_at=at(10)),
    }
    change_status(placed["bob_2nd"], "paid", admin.id)
    change_status(placed["ana_10th"], "paid", admin.id)
    return {name: order.number for name, order in placed.items()}


def listed(client, **args) -> list[str]:
    """The order numbers on every page of the list for these filters, in page order."""
    numbers, page = [], 1
    while True:
        response = client.get("/admin/orders", query_string={**args, "page": page})
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        numbers += _numbers_in(html)
        if 'rel="next"' not in html:
            return numbers
        page += 1


def _numbers_in(html: str) -> list[str]:
    return re.findall(r'href="/admin/orders/(SO-[0-9A-Z]{8})"', html)


def exported(client, **args) -> list[dict]:
    response = client.get("/admin/orders.csv", query_string=args)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_the_list_shows_orders_newest_first_with_totals_and_status(admin_client, orders):
    response = admin_client.get("/admin/orders")
    html = response.get_data(as_text=True)

    assert _numbers_in(html) == [orders["ana_10th"], orders["bob_6th"], orders["ana_5th_late"]]
    assert "5 orders" in html
    assert '<span class="status status-paid">paid</span>' in html
    assert '<span class="status status-pending">pending</span>' in html
    assert "bob@shop.test" in html
    assert "$64.80" in html  # 3 x 20.00, free shipping, 8% tax


def test_the_list_is_paginated(admin_client, orders):
    first = admin_client.get("/admin/orders").get_data(as_text=True)
    second = admin_client.get("/admin/orders?page=2").get_data(as_text=True)

    assert "Page 1 of 2" in first
    assert _numbers_in(second) == [orders["bob_2nd"], orders["ana_1st"]]


def test_a_page_number_too_large_for_any_list_shows_the_first_page(admin_client, orders):
    response = admin_client.get("/admin/orders?page=99999999999999999999")

    assert response.status_code == 200
    assert _numbers_in(response.get_data(as_text=True)) == [
        orders["ana_10th"],
        orders["bob_6th"],
        orders["ana_5th_late"],
    ]


def test_page_links_keep_the_filter(admin_client, orders):
    html = admin_client.get("/admin/orders?q=ana").get_data(as_text=True)

    assert "page=2" not in html  # three of ana's orders fit on one page
    html = admin_client.get("/admin/orders?date_from=2024-03-01").get_data(as_text=True)
    assert "date_from=2024-03-01" in html and "page=2" in html


def test_filter_by_status(admin_client, orders):
    assert listed(admin_client, status="paid") == [orders["ana_10th"], orders["bob_2nd"]]


def test_filter_by_date_range_includes_both_whole_days(admin_client, orders):
    numbers = listed(admin_client, date_from="2024-03-02", date_to="2024-03-05")

    assert numbers == [orders["ana_5th_late"], orders["bob_2nd"]]


def test_filter_from_a_date_only(admin_client, orders):
    assert listed(admin_client, date_from="2024-03-06") == [orders["ana_10th"], orders["bob_6th"]]


def test_search_by_part_of_the_order_number_ignores_case(admin_client, orders):
    number = orders["bob_6th"]

    assert listed(admin_client, q=number[-6:].lower()) == [number]


def test_search_by_shopper_email(admin_client, orders):
    numbers = listed(admin_client, q="ANA@EXAMPLE")

    assert numbers == [orders["ana_10th"], orders["ana_5th_late"], orders["ana_1st"]]


def test_filters_combine(admin_client, orders):
    assert listed(admin_client, q="ana@", status="paid", date_from="2024-03-10") == [orders["ana_10th"]]


def test_no_match_says_so(admin_client, orders):
    html = admin_client.get("/admin/orders?q=nobody").get_data(as_text=True)

    assert "No orders match." in html


def test_an_end_date_before_the_start_is_refused_with_a_clear_error(admin_client, orders):
    response = admin_client.get("/admin/orders?date_from=2024-03-05&date_to=2024-03-01")
    html = response.get_data(as_text=True)

    assert "The end date must not be before the start date." in html
    assert _numbers_in(html) == []


def test_an_unknown_status_is_refused(admin_client, orders):
    html = admin_client.get("/admin/orders?status=lost").get_data(as_text=True)

    assert "Not a valid choice" in html
    assert _numbers_in(html) == []


def test_the_csv_holds_exactly_the_filtered_list(admin_client, orders):
    filters = {"q": "ana", "date_to": "2024-03-09"}

    rows = exported(admin_client, **filters)

    assert [row["number"] for row in rows] == listed(admin_client, **filters)
    assert [row["number"] for row in rows] == [orders["ana_5th_late"], orders["ana_1st"]]


def test_the_csv_without_a_filter_holds_every_order_across_pages(admin_client, orders):
    rows = exported(admin_client)

    assert [row["number"] for row in rows] == listed(admin_client)
    assert len(rows) == 5


def test_the_csv_row_carries_the_order_figures(admin_client, orders):
    (row,) = exported(admin_client, q=orders["bob_6th"])

    assert row == {
        "number": orders["bob_6th"],
        "created_at": "2024-03-06T00:00:00+00:00",
        "status": "pending",
        "email": "bob@shop.test",
        "item_count": "3",
        "subtotal": "60.00",
        "discount": "0.00",
        "shipping": "0.00",
        "tax": "4.80",
        "total_payable": "64.80",
        "currency": "USD",
        "coupon_code": "",
    }


def test_the_csv_is_streamed_as_a_download(admin_client, orders):
    response = admin_client.get("/admin/orders.csv?status=paid")

    assert response.is_streamed
    assert response.headers["Content-Disposition"] == 'attachment; filename="orders.csv"'
    response.close()


def test_the_csv_with_a_bad_filter_is_refused(admin_client, orders):
    response = admin_client.get("/admin/orders.csv?date_from=yesterday")

    assert response.status_code == 400
    assert "Fix the filter" in response.get_data(as_text=True)


def test_a_csv_cell_cannot_start_a_spreadsheet_formula(admin_client, product, buy):
    shopper = factories.UserFactory(email="=cmd@example.com")
    buy(shopper, (product, 1))

    (row,) = exported(admin_client)

    assert row["email"] == "'=cmd@example.com"
