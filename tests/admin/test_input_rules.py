"""The admin pages refuse text no person types like every page does (issue 19): the form
comes back with the field marked, a search is ignored with a message, nothing is written."""

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from app.extensions import db
from app.models import Coupon, OrderEvent, Product

NOT_TEXT = "contains characters that are not text"


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_product_search_with_a_nul_lists_every_product_and_says_so(admin_client, product):
    response = admin_client.get("/admin/products?q=tea%00")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Your search was ignored" in page and "Teapot" in page


def test_an_order_search_with_a_nul_marks_the_search_field(admin_client):
    response = admin_client.get("/admin/orders?q=SO-%00")

    assert response.status_code == 200
    assert NOT_TEXT in response.get_data(as_text=True)


def test_the_csv_export_refuses_a_nul_before_sending_anything(admin_client, shopper, product, buy):
    buy(shopper, (product, 1))

    response = admin_client.get("/admin/orders.csv?q=%00")

    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert "Fix the filter" in response.get_data(as_text=True)


def test_an_export_whose_query_fails_is_an_error_page_not_a_download_cut_short(admin_client, monkeypatch):
    def database_gone(*args, **kwargs):
        raise OperationalError("SELECT ...", {}, Exception("server closed the connection"))

    monkeypatch.setattr(db.session, "execute", database_gone)

    response = admin_client.get("/admin/orders.csv")

    assert response.status_code == 500
    assert response.mimetype == "text/html"


@pytest.mark.parametrize("path", ["/admin/orders/SO-%00", "/admin/orders/%7F"])
def test_an_order_number_that_is_not_text_is_not_found(admin_client, path):
    assert admin_client.get(path).status_code == 404


def test_a_new_product_with_a_nul_in_its_name_is_refused_and_not_created(admin_client):
    form = {"name": "Tea\x00pot", "sku": "TEA-9", "price": "12.50", "stock": "3"}

    response = admin_client.post("/admin/products/new", data=form)

    assert response.status_code == 400
    assert NOT_TEXT in response.get_data(as_text=True)
    assert count(Product) == 0


def test_a_new_coupon_with_a_nul_in_its_code_is_refused_and_not_created(admin_client):
    response = admin_client.post(
        "/admin/coupons/new", data={"code": "SAVE\x00", "kind": "percent", "value": "10"}
    )

    assert response.status_code == 400
    assert NOT_TEXT in response.get_data(as_text=True)
    assert count(Coupon) == 0


def test_a_description_over_the_page_limit_is_refused(admin_client, product):
    form = {"name": "Teapot", "sku": "TEA-1", "price": "20.00", "description": "a" * 10_001}

    response = admin_client.post(f"/admin/products/{product.id}", data=form)

    assert response.status_code == 400
    assert "at most 10,000 characters" in response.get_data(as_text=True)


def test_a_note_keeps_its_line_breaks_and_tabs(admin_client, shopper, product, buy):
    order = buy(shopper, (product, 1))
    events = count(OrderEvent)

    response = admin_client.post(
        f"/admin/orders/{order.number}/notes", data={"note": "Rang twice.\r\n\tNo answer."}
    )

    assert response.status_code == 303
    assert count(OrderEvent) == events + 1
