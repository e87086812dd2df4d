"""The admin dashboard: today's orders and revenue, 14 days of revenue, products low on stock."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from app.services.ordering.lifecycle import change_status
from tests import factories


@pytest.fixture
def sales(admin, shopper, product, buy):
    """Today: 26.60 + 64.80 and a cancelled 26.60; three days ago: 26.60; twenty days ago: 26.60."""
    now = datetime.now(UTC)
    buy(shopper, (product, 1))
    buy(shopper, (product, 3))
    change_status(buy(shopper, (product, 1)), "cancelled", admin.id)
    buy(shopper, (product, 1), created_at=now - timedelta(days=3))
    buy(shopper, (product, 1), created_at=now - timedelta(days=20))
    return now.date()


def revenue_rows(html: str) -> dict[str, tuple[str, str]]:
    table = html[html.index('id="revenue-table"') : html.index("</table>", html.index('id="revenue-table"'))]
    rows = re.findall(
        r"<td>(\d{4}-\d\d-\d\d)</td><td class=\"num\">(\d+)</td><td class=\"num\">"
        r"<span class=\"money\">\$([\d.,]+)</span>",
        table,
    )
    return {day: (orders, revenue) for day, orders, revenue in rows}


def test_the_dashboard_shows_todays_orders_and_revenue_without_cancelled_ones(admin_client, sales):
    html = admin_client.get("/admin").get_data(as_text=True)

    assert re.search(r'id="orders-today"><strong>2</strong>', html)
    assert re.search(r'id="revenue-today"><strong><span class="money">\$91.40</span>', html)


def test_the_revenue_table_covers_the_last_14_days(admin_client, sales):
    rows = revenue_rows(admin_client.get("/admin").get_data(as_text=True))
    today = sales

    assert list(rows) == [(today - timedelta(days=n)).isoformat() for n in range(13, -1, -1)]
    assert rows[today.isoformat()] == ("2", "91.40")
    assert rows[(today - timedelta(days=3)).isoformat()] == ("1", "26.60")
    assert rows[(today - timedelta(days=1)).isoformat()] == ("0", "0.00")


def test_the_revenue_chart_is_an_inline_svg_with_one_bar_per_day(admin_client, sales):
    html = admin_client.get("/admin").get_data(as_text=True)
    # The chart's picture, after its heading (the page's header has icons of its own).
    start = html.index("<svg", html.index('id="chart-heading"'))
    svg = html[start : html.index("</svg>", start)]

    assert 'role="img"' in svg
    assert svg.count("<rect") == 14
    assert f"{sales.isoformat()}: $91.40 from 2 orders" in svg


def test_the_tallest_bar_is_the_best_day(admin_client, sales):
    html = admin_client.get("/admin").get_data(as_text=True)
    heights = [float(h) for h in re.findall(r'<rect [^>]*height="([\d.]+)"', html)]

    assert heights[-1] == max(heights)
    assert heights[-4] == pytest.approx(heights[-1] * 26.60 / 91.40, abs=0.2)


def test_a_day_without_orders_still_renders(admin_client):
    html = admin_client.get("/admin").get_data(as_text=True)

    assert re.search(r'id="orders-today"><strong>0</strong>', html)
    assert html.count("<rect") == 14


def test_products_low_on_stock_are_listed(admin_client):
    factories.ProductFactory(name="Almost Gone", stock=2)
    factories.ProductFactory(name="Five Left", stock=5)
    factories.ProductFactory(name="Plenty", stock=6)
    factories.ProductFactory(name="Withdrawn", stock=0, is_active=False)

    html = admin_client.get("/admin").get_data(as_text=True)
    low = html[html.index('id="low-stock"') :]

    assert "Almost Gone" in low and "Five Left" in low
    assert low.index("Almost Gone") < low.index("Five Left")
    assert "Plenty" not in html and "Withdrawn" not in html


def test_no_product_low_on_stock_says_so(admin_client, product):
    html = admin_client.get("/admin").get_data(as_text=True)

    assert "Every active product has more than a few in stock." in html
