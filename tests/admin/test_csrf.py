"""With CSRF protection on (as in production), every admin action needs the page's token."""

import re

import pytest

from tests.admin.helpers import status_of, stock_of


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


def token_in(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def test_an_action_without_the_token_is_refused_and_changes_nothing(admin_client, shopper, product, buy):
    order = buy(shopper, (product, 1))

    response = admin_client.post(f"/admin/orders/{order.number}/status", data={"status": "cancelled"})

    assert response.status_code == 400
    assert status_of(order.number) == "pending"
    assert stock_of(product.id) == 9


def test_the_order_page_carries_the_token_its_actions_need(admin_client, shopper, product, buy):
    order = buy(shopper, (product, 1))
    html = admin_client.get(f"/admin/orders/{order.number}").get_data(as_text=True)

    response = admin_client.post(
        f"/admin/orders/{order.number}/status", data={"status": "paid", "csrf_token": token_in(html)}
    )

    assert response.status_code == 303
    assert status_of(order.number) == "paid"


def test_the_stock_form_carries_the_token(admin_client, product):
    html = admin_client.get(f"/admin/products/{product.id}").get_data(as_text=True)
    form = html[html.index(f'action="/admin/products/{product.id}/stock"') :]

    admin_client.post(
        f"/admin/products/{product.id}/stock",
        data={"delta": "2", "reason": "Found", "csrf_token": token_in(form)},
    )

    assert stock_of(product.id) == 12
