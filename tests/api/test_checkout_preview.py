"""GET /api/v1/checkout/preview: the totals the cart would have now (docs/behaviour.md#money-and-totals)."""

from tests import factories
from tests.api.conftest import error_of


def test_the_preview_has_every_amount_as_a_decimal_string(api, shopper, product):
    factories.fill_cart(shopper, (product, 2))  # 39.98: under the free-shipping threshold

    response = api.get("/api/v1/checkout/preview")

    assert response.status_code == 200
    assert response.get_json() == {
        "subtotal": "39.98",
        "discount": "0.00",
        "shipping": "5.00",
        "tax": "3.20",
        "total_payable": "48.18",
        "currency": "USD",
    }


def test_a_usable_coupon_is_applied(api, shopper, product):
    factories.fill_cart(shopper, (product, 3))  # 59.97
    factories.CouponFactory(code="SAVE10", kind="percent", value="10.00")

    body = api.get("/api/v1/checkout/preview?coupon_code=save10").get_json()

    assert (body["discount"], body["shipping"], body["total_payable"]) == ("6.00", "0.00", "58.29")


def test_an_unusable_coupon_is_a_validation_error_on_coupon_code(api, shopper, product):
    factories.fill_cart(shopper, (product, 1))
    factories.CouponFactory(code="BIG", min_order_amount="100.00")

    response = api.get("/api/v1/checkout/preview?coupon_code=BIG")

    error = error_of(response)
    assert response.status_code == 400
    assert error["code"] == "validation_error"
    assert list(error["details"]["fields"]) == ["coupon_code"]


def test_an_unknown_coupon_is_a_validation_error_on_coupon_code(api, shopper, product):
    factories.fill_cart(shopper, (product, 1))

    response = api.get("/api/v1/checkout/preview?coupon_code=NOPE")

    assert list(error_of(response)["details"]["fields"]) == ["coupon_code"]


def test_a_total_over_the_largest_storable_amount_is_a_validation_error_on_cart(api, shopper):
    # Each price fits Numeric(12, 2); 6,000,000,000.00 x 2 does not.
    factories.fill_cart(shopper, (factories.ProductFactory(price="6000000000.00"), 2))

    response = api.get("/api/v1/checkout/preview")

    error = error_of(response)
    message = (
        "This order's total is over the most one order can hold (9,999,999,999.99); please order fewer items."
    )
    assert response.status_code == 400
    assert error["code"] == "validation_error"
    assert error["details"]["fields"] == {"cart": [message]}


def test_a_total_at_the_largest_storable_amount_is_previewed(api, shopper):
    # 9,259,259,259.25 + 8% tax (740,740,740.74) = 9,999,999,999.99 exactly.
    factories.fill_cart(shopper, (factories.ProductFactory(price="9259259259.25"), 1))

    body = api.get("/api/v1/checkout/preview").get_json()

    assert (body["tax"], body["total_payable"]) == ("740740740.74", "9999999999.99")


def test_the_preview_needs_a_token(anonymous):
    assert anonymous.get("/api/v1/checkout/preview").status_code == 401
