"""The customers pages: accounts found by email or name with their order count and paid total,
guests grouped by email, and one customer's orders and addresses."""

import re
import secrets

import pytest

from app.services.ordering.cart import Visitor, add_to_cart
from app.services.ordering.guests import checked_guest
from app.services.ordering.lifecycle import change_status
from app.services.ordering.placing import place_order
from tests import factories


@pytest.fixture
def ada(app):
    return factories.UserFactory(email="ada@example.com", name="Ada Lovelace")


@pytest.fixture
def ada_orders(admin, ada, product, buy):
    """A paid 64.80, a pending 26.60 and a cancelled 26.60: three orders, 64.80 paid."""
    paid = buy(ada, (product, 3))
    change_status(paid, "paid", admin.id)
    pending = buy(ada, (product, 1))
    change_status(buy(ada, (product, 1)), "cancelled", admin.id)
    return paid, pending


def rows_of(html: str) -> dict[str, tuple[str, str]]:
    """email -> (order count, paid total) of the customers table."""
    return {
        email: (count, total)
        for email, count, total in re.findall(
            r'<td data-label="Email">(?:<a [^>]*>)?([^<]+)(?:</a>)?.*?'
            r'<td data-label="Orders" class="num">(?:<a [^>]*>)?(\d+).*?'
            r'<td data-label="Paid total" class="num"><span class="money">\$([\d.,]+)</span>',
            html,
            re.S,
        )
    }


def test_each_customer_shows_their_order_count_and_paid_total(admin_client, ada_orders, shopper):
    rows = rows_of(admin_client.get("/admin/customers").get_data(as_text=True))

    assert rows["ada@example.com"] == ("3", "64.80")  # the pending and cancelled ones bring nothing
    assert rows["shopper@example.com"] == ("0", "0.00")


@pytest.mark.parametrize("query", ["ADA@", "lovelace", "  Ada Love  "])
def test_customers_are_found_by_email_or_name_in_any_case(admin_client, ada, shopper, query):
    rows = rows_of(admin_client.get("/admin/customers", query_string={"q": query}).get_data(as_text=True))

    assert list(rows) == ["ada@example.com"]


def test_a_percent_sign_is_searched_as_itself(admin_client, ada, shopper):
    html = admin_client.get("/admin/customers?q=%25").get_data(as_text=True)

    assert rows_of(html) == {}
    assert "No customer matches." in html


def test_a_search_that_is_not_text_is_ignored_and_the_page_says_so(admin_client, ada, shopper):
    response = admin_client.get("/admin/customers?q=ada%00")
    html = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "Your search was ignored" in html
    assert {"ada@example.com", "shopper@example.com"} <= set(rows_of(html))


def test_the_list_is_paginated(app, admin_client):
    app.config["ORDERS_PER_PAGE"] = 2
    for n in range(3):
        factories.UserFactory(email=f"page{n}@example.com")

    first = rows_of(admin_client.get("/admin/customers?q=page").get_data(as_text=True))
    second_html = admin_client.get("/admin/customers?q=page&page=2").get_data(as_text=True)

    assert len(first) == 2 and len(rows_of(second_html)) == 1
    assert set(first).isdisjoint(rows_of(second_html))
    assert "Page 2 of 2" in second_html


@pytest.mark.parametrize("page", ["0", "-1", "x", "99999999999"])
def test_a_bad_page_number_reads_as_the_first_page(admin_client, ada, page):
    response = admin_client.get(f"/admin/customers?page={page}")

    assert response.status_code == 200
    assert "ada@example.com" in response.get_data(as_text=True)


def test_a_customers_page_lists_their_orders_with_links_and_their_addresses(admin_client, ada, ada_orders):
    paid, pending = ada_orders
    factories.AddressFactory(user=ada, full_name="Ada Lovelace", line1="12 St James's Square")

    html = admin_client.get(f"/admin/customers/{ada.id}").get_data(as_text=True)

    assert f'<a href="/admin/orders/{paid.number}">{paid.number}</a>' in html
    assert f'<a href="/admin/orders/{pending.number}">{pending.number}</a>' in html
    assert re.search(r'id="order-count"><strong>3</strong>', html)
    assert re.search(r'id="paid-total"><strong><span class="money">\$64.80</span>', html)
    assert "12 St James&#39;s Square" in html[html.index('id="customer-addresses"') :]


def test_an_unknown_customer_is_404(admin_client):
    assert admin_client.get("/admin/customers/999999").status_code == 404


GUEST_ADDRESS = {
    "full_name": "Grace Hopper",
    "line1": "1 Harbour St",
    "city": "Arlington",
    "region": "VA",
    "postal_code": "22201",
    "country": "US",
}


def guest_order(product, email):
    visitor = Visitor(secrets.token_urlsafe(32))
    add_to_cart(visitor, product.id, 1)
    return place_order(None, None, guest=checked_guest(visitor, email, GUEST_ADDRESS)).order


def test_guests_are_grouped_by_the_email_they_ordered_with(admin_client, product, admin):
    for email in ("Grace@Example.com", "grace@example.com", "linus@example.com"):
        order = guest_order(product, email)
    change_status(order, "paid", admin.id)  # linus's

    html = admin_client.get("/admin/customers?kind=guests").get_data(as_text=True)

    assert rows_of(html) == {"grace@example.com": ("2", "0.00"), "linus@example.com": ("1", "26.60")}
    assert '<a href="/admin/orders?q=grace@example.com">2<' in html


def test_an_unknown_kind_lists_accounts(admin_client, ada):
    html = admin_client.get("/admin/customers?kind=robots").get_data(as_text=True)

    assert "ada@example.com" in html


def test_the_order_page_links_an_accounts_order_to_its_customer(admin_client, ada, ada_orders):
    html = admin_client.get(f"/admin/orders/{ada_orders[0].number}").get_data(as_text=True)

    assert f'<a href="/admin/customers/{ada.id}">customer page</a>' in html


def test_the_guests_list_pages_stay_on_guests(app, admin_client, product):
    app.config["ORDERS_PER_PAGE"] = 1
    for email in ("grace@example.com", "linus@example.com"):
        guest_order(product, email)

    html = admin_client.get("/admin/customers?kind=guests").get_data(as_text=True)

    assert 'href="/admin/customers?page=2&amp;kind=guests" rel="next"' in html
