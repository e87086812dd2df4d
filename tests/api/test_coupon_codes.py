"""Coupon codes in the API match ignoring case and the blanks around them (docs/behaviour.md#coupons)."""

from urllib.parse import quote

from tests import factories
from tests.api.conftest import error_of

LONGEST_CODE = "A" * 40  # the column holds 40 characters


def test_blanks_around_the_longest_code_are_not_counted_in_the_preview(api, shopper, product):
    factories.fill_cart(shopper, (product, 3))  # 59.97
    factories.CouponFactory(code=LONGEST_CODE, kind="percent", value="10.00")

    response = api.get(f"/api/v1/checkout/preview?coupon_code={quote(' ' + LONGEST_CODE.lower() + ' ')}")

    assert response.status_code == 200
    assert response.get_json()["discount"] == "6.00"


def test_blanks_around_the_longest_code_are_not_counted_when_ordering(api, shopper, product, address):
    factories.fill_cart(shopper, (product, 3))
    factories.CouponFactory(code=LONGEST_CODE, kind="percent", value="10.00")

    response = api.post(
        "/api/v1/orders/", json={"address_id": address.id, "coupon_code": "\t" + LONGEST_CODE + "  "}
    )

    assert response.status_code == 201
    assert response.get_json()["coupon_code"] == LONGEST_CODE


def test_a_code_longer_than_any_coupon_is_a_validation_error(api, shopper, product):
    factories.fill_cart(shopper, (product, 1))

    response = api.get(f"/api/v1/checkout/preview?coupon_code={'A' * 41}")

    assert response.status_code == 400
    assert error_of(response)["details"]["fields"] == {"coupon_code": ["Longer than maximum length 40."]}
