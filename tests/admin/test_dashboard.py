"""The admin dashboard: today's orders and paid revenue, 14 days of paid revenue as a chart with
axes and a table, products low on stock."""

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from app.blueprints.admin.charts import bar_chart, tick_step
from app.services.ordering.lifecycle import change_status
from app.services.ordering.reports import DayRevenue
from tests import factories


@pytest.fixture
def move(admin):
    def move(order, *statuses):
        for status in statuses:
            change_status(order, status, admin.id)
        return order

    return move


@pytest.fixture
def sales(shopper, product, buy, move):
    """Today: a pending 26.60, a paid 64.80, a shipped 26.60, a delivered 26.60 and a cancelled 26.60;
    three days ago: a paid 26.60 and a pending one; twenty days ago: a paid 26.60."""
    now = datetime.now(UTC)
    buy(shopper, (product, 1))
    move(buy(shopper, (product, 3)), "paid")
    move(buy(shopper, (product, 1)), "paid", "shipped")
    move(buy(shopper, (product, 1)), "paid", "shipped", "delivered")
    move(buy(shopper, (product, 1)), "cancelled")
    move(buy(shopper, (product, 1), created_at=now - timedelta(days=3)), "paid")
    buy(shopper, (product, 1), created_at=now - timedelta(days=3))
    move(buy(shopper, (product, 1), created_at=now - timedelta(days=20)), "paid")
    return now.date()


def revenue_rows(html: str) -> dict[str, tuple[str, str]]:
    table = html[html.index('id="revenue-table"') : html.index("</table>", html.index('id="revenue-table"'))]
    rows = re.findall(
        r"<td[^>]*>(\d{4}-\d\d-\d\d)</td><td[^>]*>(\d+)</td><td[^>]*>"
        r"<span class=\"money\">\$([\d.,]+)</span>",
        table,
    )
    return {day: (orders, revenue) for day, orders, revenue in rows}


def chart_of(html: str) -> str:
    return html[html.index("<svg") : html.index("</svg>")]


def test_revenue_today_counts_paid_shipped_and_delivered_orders_only(admin_client, sales):
    html = admin_client.get("/admin").get_data(as_text=True)

    assert re.search(r'id="revenue-today"><strong><span class="money">\$118.00</span>', html)
    assert re.search(r'id="paid-orders-today"><strong>3</strong>', html)
    assert re.search(r'id="orders-today"><strong>4</strong>', html)  # placed: all but the cancelled one


def test_a_pending_and_a_cancelled_order_bring_no_revenue(admin_client, shopper, product, buy, move):
    buy(shopper, (product, 1))
    move(buy(shopper, (product, 2)), "cancelled")

    html = admin_client.get("/admin").get_data(as_text=True)

    assert re.search(r'id="revenue-today"><strong><span class="money">\$0.00</span>', html)
    assert re.search(r'id="paid-orders-today"><strong>0</strong>', html)
    assert re.search(r'id="orders-today"><strong>1</strong>', html)


def test_the_revenue_table_covers_the_last_14_days_of_paid_orders(admin_client, sales):
    rows = revenue_rows(admin_client.get("/admin").get_data(as_text=True))
    today = sales

    assert list(rows) == [(today - timedelta(days=n)).isoformat() for n in range(13, -1, -1)]
    assert rows[today.isoformat()] == ("3", "118.00")
    assert rows[(today - timedelta(days=3)).isoformat()] == ("1", "26.60")
    assert rows[(today - timedelta(days=1)).isoformat()] == ("0", "0.00")


def test_the_chart_has_a_title_axes_with_tick_labels_and_units(admin_client, sales):
    svg = chart_of(admin_client.get("/admin").get_data(as_text=True))

    assert 'role="img"' in svg
    assert "Paid revenue per day, last 14 days (UTC)</title>" in svg
    assert ">Revenue (USD)</text>" in svg
    assert ">Day the order was placed (UTC)</text>" in svg
    revenue_ticks = re.findall(r'<text class="tick-label" x="[\d.]+" y="[\d.]+">\$([\d.,]+)</text>', svg)
    assert revenue_ticks == ["0.00", "50.00", "100.00", "150.00"]
    day_ticks = re.findall(r'<text class="tick-label" x="[\d.]+" y="[\d.]+">(\d\d \w{3})</text>', svg)
    assert day_ticks[-1] == sales.strftime("%d %b") and len(day_ticks) == 14


def test_the_chart_and_its_table_show_the_same_figures(admin_client, sales):
    html = admin_client.get("/admin").get_data(as_text=True)
    bars = re.findall(
        r"<title>(\d{4}-\d\d-\d\d): \$([\d.,]+) from (\d+) paid orders?</title>", chart_of(html)
    )

    assert {day: (orders, revenue) for day, revenue, orders in bars} == revenue_rows(html)
    assert len(bars) == 14


def test_the_tallest_bar_is_the_best_day_on_the_axis_scale(admin_client, sales):
    html = admin_client.get("/admin").get_data(as_text=True)
    heights = [float(h) for h in re.findall(r'<rect [^>]*height="([\d.]+)"', html)]

    assert len(heights) == 14
    assert heights[-1] == max(heights)
    assert heights[-4] == pytest.approx(heights[-1] * 26.60 / 118.00, abs=0.2)


@pytest.mark.parametrize(
    ("peak", "step"),
    [("118.00", "50"), ("0.80", "0.2"), ("1000.00", "250"), ("9.99", "2.5"), ("0", "1")],
)
def test_the_revenue_axis_steps_by_round_amounts(peak, step):
    assert tick_step(Decimal(peak)) == Decimal(step)


def test_the_top_tick_is_at_or_above_the_best_day_and_ticks_are_evenly_spaced():
    today = datetime(2026, 3, 10, tzinfo=UTC).date()
    chart = bar_chart(
        [DayRevenue(today - timedelta(days=1), Decimal("0"), 0), DayRevenue(today, Decimal("333.33"), 2)]
    )

    values = [tick.value for tick in chart.ticks]
    assert values[0] == 0 and values[-1] >= Decimal("333.33")
    assert len({round(b.y - a.y, 1) for a, b in zip(chart.ticks, chart.ticks[1:], strict=False)}) == 1
    assert chart.bars[1].y >= chart.ticks[-1].y  # the bar ends under the top tick


def test_a_day_without_orders_still_renders(admin_client):
    html = admin_client.get("/admin").get_data(as_text=True)

    assert re.search(r'id="orders-today"><strong>0</strong>', html)
    assert html.count("<rect") == 14


def test_products_low_on_stock_are_listed_with_links_to_their_edit_pages(admin_client):
    almost_gone = factories.ProductFactory(name="Almost Gone", stock=2)
    factories.ProductFactory(name="Five Left", stock=5)
    factories.ProductFactory(name="Plenty", stock=6)
    factories.ProductFactory(name="Withdrawn", stock=0, is_active=False)

    html = admin_client.get("/admin").get_data(as_text=True)
    low = html[html.index('id="low-stock"') :]

    assert "Almost Gone" in low and "Five Left" in low
    assert low.index("Almost Gone") < low.index("Five Left")
    assert f'<a href="/admin/products/{almost_gone.id}">Almost Gone</a>' in low
    assert "Plenty" not in html and "Withdrawn" not in html


def test_no_product_low_on_stock_says_so(admin_client, product):
    html = admin_client.get("/admin").get_data(as_text=True)

    assert "Every active product has more than 5 in stock." in html


def test_the_admin_layout_has_its_own_header_and_sidebar_and_no_shopper_links(admin_client):
    html = admin_client.get("/admin").get_data(as_text=True)
    sidebar = html[
        html.index('<nav class="admin-sidebar"') : html.index("</nav>", html.index("admin-sidebar"))
    ]

    for label in ("Dashboard", "Orders", "Products", "Categories", "Coupons", "Customers", "Pages"):
        assert f">{label}</a>" in sidebar
    assert 'aria-current="page">Dashboard</a>' in sidebar
    assert ">View shop</a>" in html and ">Log out</button>" in html
    assert "/cart" not in html and "My orders" not in html
