"""POST /api/v1/orders/, GET /orders/, GET /orders/<number>, POST /orders/<number>/cancel."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.blueprints.api import routes
from app.extensions import db
from app.models import CartItem, Coupon, IdempotencyKey, Order, Product
from app.services.errors import IdempotencyKeyInUse
from app.services.ordering import lifecycle, lookups
from tests import factories
from tests.api.conftest import error_of


def order_count() -> int:
    return db.session.scalar(select(func.count(Order.id)))


def stock_of(product) -> int:
    return db.session.scalar(select(Product.stock).where(Product.id == product.id))


@pytest.fixture
def filled_cart(shopper, product):
    return factories.fill_cart(shopper, (product, 2))


def place(api, address, **extra):
    return api.post("/api/v1/orders/", json={"address_id": address.id, **extra.pop("body", {})}, **extra)


def test_placing_an_order_returns_it_with_201_and_its_location(api, address, filled_cart, product):
    response = place(api, address)

    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"] == f"/api/v1/orders/{body['number']}"
    assert body["number"].startswith("SO-")
    assert body["status"] == "pending"
    assert datetime.fromisoformat(body["created_at"]).utcoffset() == timedelta(0)
    assert body["items"] == [
        {
            "product_id": product.id,
            "sku": "TEA-1",
            "name": "Teapot",
            "unit_price": "19.99",
            "quantity": 2,
            "line_total": "39.98",
        }
    ]
    assert {k: body[k] for k in ("subtotal", "discount", "shipping", "tax", "total_payable", "currency")} == {
        "subtotal": "39.98",
        "discount": "0.00",
        "shipping": "5.00",
        "tax": "3.20",
        "total_payable": "48.18",
        "currency": "USD",
    }
    assert body["coupon_code"] is None
    assert body["shipping_address"] == {
        "full_name": "Ada Lovelace",
        "line1": "12 Analytical Row",
        "line2": "",
        "city": "London",
        "region": "",
        "postal_code": "N1 7AA",
        "country": "GB",
        "phone": "+44 20 7946 0000",
    }


def test_placing_an_order_takes_stock_and_empties_the_cart(api, address, filled_cart, product):
    place(api, address)

    assert stock_of(product) == 8
    assert db.session.scalars(select(CartItem)).all() == []


def test_the_placed_order_reads_back_at_its_location(api, address, filled_cart):
    placed = place(api, address)

    response = api.get(placed.headers["Location"])

    assert response.status_code == 200
    assert response.get_json() == placed.get_json()


def test_a_coupon_is_applied_and_named_on_the_order(api, address, shopper, product):
    factories.fill_cart(shopper, (product, 3))
    factories.CouponFactory(code="SAVE10")

    body = place(api, address, body={"coupon_code": " save10 "}).get_json()

    assert (body["coupon_code"], body["discount"], body["total_payable"]) == ("SAVE10", "6.00", "58.29")


def test_an_empty_cart_is_400_empty_cart(api, address):
    response = place(api, address)

    assert response.status_code == 400
    assert error_of(response)["code"] == "empty_cart"
    assert order_count() == 0


def test_another_shoppers_address_is_a_validation_error_on_address_id(
    api, other_shopper, filled_cart, product
):
    theirs = factories.AddressFactory(user=other_shopper)

    response = place(api, theirs)

    error = error_of(response)
    assert response.status_code == 400
    assert error["code"] == "validation_error"
    assert list(error["details"]["fields"]) == ["address_id"]
    assert order_count() == 0
    assert stock_of(product) == 10


def test_an_unusable_coupon_is_a_validation_error_on_coupon_code(api, address, filled_cart, product):
    factories.CouponFactory(code="USEDUP", usage_limit=1, used_count=1)

    response = place(api, address, body={"coupon_code": "USEDUP"})

    assert response.status_code == 400
    assert list(error_of(response)["details"]["fields"]) == ["coupon_code"]
    assert order_count() == 0
    assert stock_of(product) == 10


TOO_LARGE = (
    "This order's total is over the most one order can hold (9,999,999,999.99); please order fewer items."
)


@pytest.mark.parametrize(
    ("coupon_code", "headers"), [(None, {}), ("BIG10", {}), ("BIG10", {"Idempotency-Key": "key-1"})]
)
def test_a_total_over_the_largest_storable_amount_is_a_validation_error_on_cart(
    api, address, shopper, coupon_code, headers
):
    # Each price fits Numeric(12, 2); 6,000,000,000.00 x 2 and its tax do not.
    pricey = factories.ProductFactory(sku="GOLD-1", price="6000000000.00", stock=5)
    factories.fill_cart(shopper, (pricey, 2))
    coupon = factories.CouponFactory(code="BIG10", kind="fixed", value="10.00", usage_limit=3)
    body = {"coupon_code": coupon_code} if coupon_code else {}

    response = place(api, address, body=body, headers=headers)

    error = error_of(response)
    assert response.status_code == 400
    assert error["code"] == "validation_error"
    assert error["message"] == TOO_LARGE
    assert error["details"]["fields"] == {"cart": [TOO_LARGE]}
    db.session.rollback()
    assert order_count() == 0
    assert stock_of(pricey) == 5
    assert db.session.execute(select(CartItem.product_id, CartItem.quantity)).all() == [(pricey.id, 2)]
    assert db.session.scalar(select(Coupon.used_count).where(Coupon.id == coupon.id)) == 0
    assert db.session.scalar(select(func.count(IdempotencyKey.id))) == 0


def test_a_missing_address_id_is_a_validation_error(api, filled_cart):
    response = api.post("/api/v1/orders/", json={})

    assert error_of(response)["details"]["fields"] == {"address_id": ["Missing data for required field."]}


def test_short_stock_is_409_listing_only_the_short_lines(api, address, shopper, product):
    plenty = factories.ProductFactory(stock=50)
    factories.fill_cart(shopper, (product, 12), (plenty, 1))

    response = place(api, address)

    error = error_of(response)
    assert response.status_code == 409
    assert error["code"] == "insufficient_stock"
    assert error["details"]["items"] == [
        {"product_id": product.id, "sku": "TEA-1", "requested": 12, "available": 10}
    ]
    assert order_count() == 0
    assert (stock_of(product), stock_of(plenty)) == (10, 50)
    assert len(db.session.scalars(select(CartItem)).all()) == 2


def test_a_repeat_with_the_same_idempotency_key_returns_the_original_order(
    api, address, filled_cart, product
):
    first = place(api, address, headers={"Idempotency-Key": "key-1"})
    repeat = place(api, address, headers={"Idempotency-Key": "key-1"})

    assert first.status_code == repeat.status_code == 201
    assert repeat.get_json() == first.get_json()
    assert repeat.headers["Location"] == first.headers["Location"]
    assert order_count() == 1
    assert stock_of(product) == 8


def test_the_same_idempotency_key_with_a_different_body_is_422(api, address, filled_cart, shopper):
    place(api, address, headers={"Idempotency-Key": "key-1"})
    other_address = factories.AddressFactory(user=shopper)

    response = place(api, other_address, headers={"Idempotency-Key": "key-1"})

    assert response.status_code == 422
    assert error_of(response)["code"] == "idempotency_key_reused"
    assert order_count() == 1


def test_idempotency_keys_are_scoped_to_the_user(
    api, other_api, address, filled_cart, other_shopper, product
):
    place(api, address, headers={"Idempotency-Key": "shared"})
    factories.fill_cart(other_shopper, (product, 1))
    theirs = factories.AddressFactory(user=other_shopper)

    response = place(other_api, theirs, headers={"Idempotency-Key": "shared"})

    assert response.status_code == 201
    assert order_count() == 2
    assert db.session.scalar(select(func.count(IdempotencyKey.id))) == 2


def test_a_key_still_being_processed_is_409(api, address, filled_cart, monkeypatch):
    def busy(*args, **kwargs):
        raise IdempotencyKeyInUse()

    monkeypatch.setattr(routes.placing, "place_order", busy)

    response = place(api, address, headers={"Idempotency-Key": "key-1"})

    assert response.status_code == 409
    assert error_of(response)["code"] == "idempotency_key_in_use"


def test_an_empty_idempotency_key_is_a_validation_error(api, address, filled_cart):
    response = place(api, address, headers={"Idempotency-Key": ""})

    assert response.status_code == 400
    assert list(error_of(response)["details"]["fields"]) == ["Idempotency-Key"]
    assert order_count() == 0


def test_the_order_list_is_the_callers_own_orders_newest_first(api, other_api, address, shopper, product):
    numbers = []
    for _ in range(3):
        factories.fill_cart(shopper, (product, 1))
        numbers.append(place(api, address).get_json()["number"])

    response = api.get("/api/v1/orders/?per_page=2")

    body = response.get_json()
    assert response.status_code == 200
    assert [item["number"] for item in body["items"]] == numbers[::-1][:2]
    assert (body["page"], body["per_page"], body["total"]) == (1, 2, 3)
    assert set(body["items"][0]) == {
        "number",
        "status",
        "created_at",
        "total_payable",
        "currency",
        "item_count",
    }
    assert body["items"][0]["item_count"] == 1
    assert other_api.get("/api/v1/orders/").get_json()["items"] == []


def test_another_users_order_is_404(api, other_api, address, filled_cart):
    number = place(api, address).get_json()["number"]

    response = other_api.get(f"/api/v1/orders/{number}")

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_an_unknown_order_is_404(api):
    assert api.get("/api/v1/orders/SO-NOTHERE").status_code == 404


def test_cancelling_a_pending_order_returns_it_and_gives_stock_back(api, address, filled_cart, product):
    number = place(api, address).get_json()["number"]

    response = api.post(f"/api/v1/orders/{number}/cancel")

    assert response.status_code == 200
    assert response.get_json()["status"] == "cancelled"
    assert stock_of(product) == 10


def test_cancelling_gives_the_coupon_use_back(api, address, filled_cart):
    coupon = factories.CouponFactory(code="SAVE10")
    number = place(api, address, body={"coupon_code": "SAVE10"}).get_json()["number"]

    api.post(f"/api/v1/orders/{number}/cancel")

    assert db.session.scalar(select(Coupon.used_count).where(Coupon.id == coupon.id)) == 0


def test_cancelling_a_shipped_order_is_409_invalid_transition(api, address, filled_cart, admin, product):
    number = place(api, address).get_json()["number"]
    order = lookups.order_by_number(number)
    lifecycle.change_status(order, "paid", admin.id)
    lifecycle.change_status(order, "shipped", admin.id)

    response = api.post(f"/api/v1/orders/{number}/cancel")

    assert response.status_code == 409
    assert error_of(response)["code"] == "invalid_transition"
    assert db.session.scalar(select(Order.status)) == "shipped"
    assert stock_of(product) == 8


def test_cancelling_another_users_order_is_404(api, other_api, address, filled_cart):
    number = place(api, address).get_json()["number"]

    response = other_api.post(f"/api/v1/orders/{number}/cancel")

    assert response.status_code == 404
    assert db.session.scalar(select(Order.status)) == "pending"


def test_orders_need_a_token(anonymous, address):
    assert anonymous.post("/api/v1/orders/", json={"address_id": address.id}).status_code == 401
    assert anonymous.get("/api/v1/orders/").status_code == 401
