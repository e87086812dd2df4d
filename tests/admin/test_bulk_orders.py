"""Bulk actions on the orders list: mark paid or shipped after a confirmation page, each order in
a transaction of its own through the lifecycle; export the ticked orders as CSV."""

import csv
import io
import re

import pytest

from app.services.ordering.lifecycle import change_status
from tests.admin.helpers import events_of, status_of


@pytest.fixture
def orders(admin, shopper, product, buy):
    """Two pending orders and one already shipped."""
    first, second = buy(shopper, (product, 1)), buy(shopper, (product, 2))
    shipped = buy(shopper, (product, 1))
    change_status(shipped, "paid", admin.id)
    change_status(shipped, "shipped", admin.id)
    return first, second, shipped


def bulk(client, action, *orders, confirmed=True, follow_redirects=True):
    data = {"action": action, "number": [order.number for order in orders]}
    if confirmed:
        data["confirmed"] = "yes"
    return client.post("/admin/bulk/orders", data=data, follow_redirects=follow_redirects)


def test_the_orders_list_has_a_checkbox_per_row_and_the_bulk_buttons(admin_client, orders):
    html = admin_client.get("/admin/orders").get_data(as_text=True)
    form = html[html.index('id="bulk-orders"') : html.index("</form>", html.index('id="bulk-orders"'))]

    for order in orders:
        assert f'type="checkbox" name="number" value="{order.number}"' in form
    assert re.findall(r'<button type="submit" name="action" value="(\w+)"', form) == [
        "paid",
        "shipped",
        "export",
    ]


def test_a_bulk_change_asks_first_and_changes_nothing_until_confirmed(admin_client, orders):
    first, second, shipped = orders

    response = bulk(admin_client, "paid", first, shipped, confirmed=False)
    html = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "Mark 2 orders paid?" in html
    assert "no: it is shipped" in html
    assert 'name="confirmed" value="yes"' in html and "<script" not in html
    assert status_of(first.number) == "pending"


def test_bulk_mark_paid_moves_the_allowed_orders_and_names_the_others(admin_client, admin, orders):
    first, second, shipped = orders

    html = bulk(admin_client, "paid", first, shipped, second).get_data(as_text=True)

    assert status_of(first.number) == "paid" and status_of(second.number) == "paid"
    assert status_of(shipped.number) == "shipped"
    assert f"Marked paid: {first.number}, {second.number}." in html
    assert f"their status does not allow it: {shipped.number} (is shipped)." in html
    # through the lifecycle, as the single-order button: the same event, by the same admin
    assert events_of(first.number)[-1] == ("status", "Status changed to paid.", admin.id)
    assert events_of(shipped.number)[-1][1] == "Status changed to shipped."


def test_bulk_mark_shipped_moves_paid_orders_only(admin_client, admin, orders):
    first, second, _ = orders
    change_status(first, "paid", admin.id)

    html = bulk(admin_client, "shipped", first, second).get_data(as_text=True)

    assert status_of(first.number) == "shipped"
    assert status_of(second.number) == "pending"
    assert f"Not marked shipped, their status does not allow it: {second.number} (is pending)." in html


def test_an_unknown_number_is_reported_and_the_others_done(admin_client, orders):
    response = admin_client.post(
        "/admin/bulk/orders",
        data={"action": "paid", "confirmed": "yes", "number": [orders[0].number, "SO-NOSUCH00"]},
        follow_redirects=True,
    )

    assert status_of(orders[0].number) == "paid"
    assert "No such order: SO-NOSUCH00." in response.get_data(as_text=True)


def test_export_selected_is_a_csv_of_the_ticked_orders_only(admin_client, orders):
    first, second, shipped = orders

    response = bulk(admin_client, "export", first, shipped, confirmed=False, follow_redirects=False)
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert 'filename="orders-selected.csv"' in response.headers["Content-Disposition"]
    assert rows[0][:4] == ["number", "created_at", "status", "email"]
    assert {row[0] for row in rows[1:]} == {first.number, shipped.number}
    by_number = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert by_number[first.number]["total_payable"] == "26.60"  # a plain decimal, no currency sign
    assert by_number[shipped.number]["status"] == "shipped"
    assert status_of(first.number) == "pending"


@pytest.mark.parametrize(
    "data",
    [
        {"action": "paid", "confirmed": "yes"},  # nothing ticked
        {"action": "cancelled", "confirmed": "yes", "number": "SO-X"},  # not a bulk action
        {"action": "delivered", "confirmed": "yes", "number": "SO-X"},
        {"action": "paid", "confirmed": "yes", "number": "S" * 17},  # longer than any number
        {"action": "paid", "confirmed": "yes", "number": "SO-\x00"},
    ],
)
def test_bad_bulk_input_is_refused_and_changes_nothing(admin_client, orders, data):
    if data.get("number") == "SO-X":
        data = {**data, "number": orders[0].number}

    response = admin_client.post("/admin/bulk/orders", data=data, follow_redirects=True)

    assert response.status_code == 200
    assert 'class="flash flash-error"' in response.get_data(as_text=True)
    assert [status_of(order.number) for order in orders] == ["pending", "pending", "shipped"]


def test_more_than_a_page_of_orders_is_refused(admin_client, orders):
    numbers = [orders[0].number] + [f"SO-{n:08d}" for n in range(100)]

    response = admin_client.post(
        "/admin/bulk/orders",
        data={"action": "paid", "confirmed": "yes", "number": numbers},
        follow_redirects=True,
    )

    assert "Tick at most 100 orders." in response.get_data(as_text=True)
    assert status_of(orders[0].number) == "pending"


class TestWithCsrf:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "WTF_CSRF_ENABLED": True}

    def test_a_bulk_change_without_the_token_is_refused(self, admin_client, orders):
        response = bulk(admin_client, "paid", orders[0], follow_redirects=False)

        assert response.status_code == 400
        assert status_of(orders[0].number) == "pending"

    def test_the_confirmation_page_carries_the_token(self, admin_client, orders):
        listing = admin_client.get("/admin/orders").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', listing).group(1)
        page = admin_client.post(
            "/admin/bulk/orders", data={"csrf_token": token, "action": "paid", "number": orders[0].number}
        ).get_data(as_text=True)
        form = page[page.index('name="confirmed"') - 400 :]
        confirm_token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)

        admin_client.post(
            "/admin/bulk/orders",
            data={
                "csrf_token": confirm_token,
                "action": "paid",
                "confirmed": "yes",
                "number": orders[0].number,
            },
        )

        assert status_of(orders[0].number) == "paid"
