"""The money rules: every amount, rounded half up to the cent at each step.

The rules: docs/behaviour.md#money-and-totals.
"""

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from app.extensions import db
from app.models import Coupon, Order
from app.services.errors import OrderTooLarge, ValidationFailed
from app.services.ordering.cart import get_cart
from app.services.ordering.placing import place_order
from app.services.ordering.preview import preview_checkout
from app.services.ordering.pricing import MAX_AMOUNT, PricingRules, compute_totals, line_total, to_cents
from tests.factories import CouponFactory, ProductFactory, fill_cart
from tests.services.helpers import snapshot

D = Decimal
DEFAULT_RULES = PricingRules(
    tax_rate=D("0.08"), shipping_flat_rate=D("5.00"), free_shipping_threshold=D("50.00"), currency="USD"
)


def percent(value: str) -> Coupon:
    return Coupon(code="P", kind="percent", value=D(value))


def fixed(amount: str) -> Coupon:
    return Coupon(code="F", kind="fixed", value=D(amount))


def amounts(totals) -> tuple:
    return totals.subtotal, totals.discount, totals.shipping, totals.tax, totals.total_payable


# --- subtotal -------------------------------------------------------------------------------------


def test_subtotal_is_the_sum_of_price_times_quantity(app, shopper):
    tea, cup = ProductFactory(price=D("19.99")), ProductFactory(price=D("0.35"))
    fill_cart(shopper, (tea, 3), (cup, 7))
    assert get_cart(shopper.id).subtotal == D("62.42")  # 59.97 + 2.45


def test_order_uses_the_price_in_the_database_at_order_time(app, shopper, address):
    tea = ProductFactory(price=D("10.00"))
    fill_cart(shopper, (tea, 2))
    tea.price = D("12.50")
    db.session.commit()
    order = place_order(shopper.id, address.id).order
    assert order.subtotal == D("25.00")
    assert order.items[0].unit_price == D("12.50")


def test_line_total_is_price_times_quantity_in_cents():
    assert line_total(D("0.10"), 3) == D("0.30")
    assert line_total(D("33.33"), 999) == D("33296.67")


def test_every_amount_has_exactly_two_places():
    totals = compute_totals(D("10"), percent("15"), DEFAULT_RULES)
    assert all(amount.as_tuple().exponent == -2 for amount in amounts(totals))


# --- discount -------------------------------------------------------------------------------------


def test_no_coupon_means_no_discount():
    assert compute_totals(D("20.00"), None, DEFAULT_RULES).discount == D("0.00")


def test_percent_discount_is_the_rounded_share_of_the_subtotal():
    assert compute_totals(D("80.00"), percent("25"), DEFAULT_RULES).discount == D("20.00")


def test_percent_discount_half_a_cent_rounds_up():
    # 10% of 10.05 is 1.005: half up gives 1.01 (banker's rounding would give 1.00).
    assert compute_totals(D("10.05"), percent("10"), DEFAULT_RULES).discount == D("1.01")


def test_percent_discount_below_half_a_cent_rounds_down():
    # 10% of 10.04 is 1.004.
    assert compute_totals(D("10.04"), percent("10"), DEFAULT_RULES).discount == D("1.00")


def test_hundred_percent_coupon_makes_the_goods_free_but_not_the_shipping():
    assert amounts(compute_totals(D("30.00"), percent("100"), DEFAULT_RULES)) == (
        D("30.00"),
        D("30.00"),
        D("5.00"),
        D("0.00"),
        D("5.00"),
    )


def test_fixed_discount_is_its_amount():
    assert compute_totals(D("30.00"), fixed("7.50"), DEFAULT_RULES).discount == D("7.50")


def test_fixed_coupon_larger_than_the_subtotal_discounts_only_the_subtotal():
    assert amounts(compute_totals(D("15.00"), fixed("20.00"), DEFAULT_RULES)) == (
        D("15.00"),
        D("15.00"),
        D("5.00"),
        D("0.00"),
        D("5.00"),
    )


# --- shipping -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("subtotal", "coupon", "shipping"),
    [
        ("49.99", None, "5.00"),
        ("50.00", None, "0.00"),
        ("50.01", None, "0.00"),
        # the threshold applies after the discount: 10% of 55.54 is 5.554 -> 5.55, leaving 49.99
        ("55.54", percent("10"), "5.00"),
        # 10% of 55.56 is 5.556 -> 5.56, leaving exactly 50.00
        ("55.56", percent("10"), "0.00"),
        ("55.00", fixed("5.01"), "5.00"),
        ("55.00", fixed("5.00"), "0.00"),
    ],
)
def test_shipping_is_free_from_the_threshold_after_discount(subtotal, coupon, shipping):
    assert compute_totals(D(subtotal), coupon, DEFAULT_RULES).shipping == D(shipping)


# --- tax and total --------------------------------------------------------------------------------


def test_tax_is_the_rounded_rate_of_the_discounted_amount():
    # 8% of 63.67 is 5.0936.
    assert compute_totals(D("70.75"), percent("10"), DEFAULT_RULES).tax == D("5.09")


def test_shipping_is_not_taxed():
    totals = compute_totals(D("10.00"), None, DEFAULT_RULES)
    assert (totals.shipping, totals.tax) == (D("5.00"), D("0.80"))


def test_tax_half_a_cent_rounds_up():
    rules = PricingRules(D("0.075"), D("5.00"), D("50.00"), "USD")
    # 7.5% of 0.60 is 0.045: half up gives 0.05 (banker's rounding would give 0.04).
    assert compute_totals(D("0.60"), None, rules).tax == D("0.05")


def test_each_step_is_rounded_before_the_next():
    # 15% of 33.33 = 4.9995 -> 5.00 (not 4.9995); discounted 28.33; 8% tax of 28.33 = 2.2664 -> 2.27.
    assert amounts(compute_totals(D("33.33"), percent("15"), DEFAULT_RULES)) == (
        D("33.33"),
        D("5.00"),
        D("5.00"),
        D("2.27"),
        D("35.60"),
    )


def test_total_payable_is_discounted_plus_shipping_plus_tax():
    totals = compute_totals(D("42.42"), fixed("2.42"), DEFAULT_RULES)
    assert totals.total_payable == D("40.00") + D("5.00") + D("3.20")


def test_to_cents_rounds_half_up_also_for_negative_values():
    assert (to_cents(D("0.005")), to_cents(D("0.0049")), to_cents(D("-0.005"))) == (
        D("0.01"),
        D("0.00"),
        D("-0.01"),
    )


# --- the largest storable amounts ------------------------------------------------------------------

NO_TAX = PricingRules(
    tax_rate=D("0"), shipping_flat_rate=D("5.00"), free_shipping_threshold=D("50.00"), currency="USD"
)


def test_totals_up_to_the_largest_storable_amount_are_allowed():
    totals = compute_totals(MAX_AMOUNT, None, NO_TAX)
    assert (totals.subtotal, totals.total_payable) == (MAX_AMOUNT, MAX_AMOUNT)


@pytest.mark.parametrize(
    ("subtotal", "coupon", "rules"),
    [
        ("12000000000.00", None, DEFAULT_RULES),  # 6,000,000,000.00 x 2: the subtotal itself
        ("10000000000.00", None, NO_TAX),  # one cent over
        ("9999999999.99", None, DEFAULT_RULES),  # the subtotal fits, the tax on top does not
        ("9500000000.00", None, DEFAULT_RULES),  # 9.5e9 + 8% tax = 10.26e9
        ("12000000000.00", percent("50"), NO_TAX),  # the subtotal is stored too, whatever the discount
    ],
)
def test_totals_over_the_largest_storable_amount_are_refused(subtotal, coupon, rules):
    with pytest.raises(OrderTooLarge) as refused:
        compute_totals(D(subtotal), coupon, rules)
    assert isinstance(refused.value, ValidationFailed)
    message = (
        "This order's total is over the most one order can hold (9,999,999,999.99); please order fewer items."
    )
    assert refused.value.fields == {"cart": [message]}
    assert refused.value.message == message
    assert refused.value.totals.subtotal == D(subtotal)


@pytest.fixture
def too_large_cart(shopper):
    """6,000,000,000.00 x 2: each price storable, the subtotal not."""
    product = ProductFactory(price=D("6000000000.00"), stock=5)
    fill_cart(shopper, (product, 2))
    return product


def test_an_order_over_the_largest_storable_amount_is_refused_and_changes_nothing(
    shopper, address, too_large_cart
):
    CouponFactory(code="TENOFF", kind="fixed", value=D("10.00"), usage_limit=5)
    before = snapshot()
    for coupon_code, key in [(None, None), ("tenoff", None), ("tenoff", "key-1")]:
        with pytest.raises(OrderTooLarge):
            place_order(shopper.id, address.id, coupon_code, idempotency_key=key)
        assert snapshot() == before  # stock, cart, coupon uses, orders, lines, emails, keys


def test_the_preview_of_a_too_large_cart_is_refused(shopper, too_large_cart):
    with pytest.raises(OrderTooLarge):
        preview_checkout(shopper.id).totals_or_refusal()


# --- configuration --------------------------------------------------------------------------------


def test_rules_default_to_the_spec(app):
    assert PricingRules.from_config() == DEFAULT_RULES


def test_rates_come_from_the_configuration(app):
    app.config.update(
        TAX_RATE=D("0.2"), SHIPPING_FLAT_RATE=D("7.5"), FREE_SHIPPING_THRESHOLD=D("100"), STORE_CURRENCY="EUR"
    )
    totals = compute_totals(D("60.00"), None)
    assert amounts(totals) == (D("60.00"), D("0.00"), D("7.50"), D("12.00"), D("79.50"))
    assert totals.currency == "EUR"


def test_rates_given_as_floats_or_strings_round_as_decimals(app):
    # 0.075 as a float is 0.07499999...; read as such, 7.5% of 0.60 would round to 0.04.
    app.config.update(TAX_RATE=0.075, SHIPPING_FLAT_RATE="5", FREE_SHIPPING_THRESHOLD=50)
    rules = PricingRules.from_config()
    assert (rules.tax_rate, rules.shipping_flat_rate, rules.free_shipping_threshold) == (
        D("0.075"),
        D("5.00"),
        D("50.00"),
    )
    assert compute_totals(D("0.60"), None).tax == D("0.05")


class TestAnOrderUnderOtherRates:
    @pytest.fixture
    def app_config(self, database_url):
        from tests.conftest import _test_config

        return _test_config(database_url) | {
            "TAX_RATE": D("0.10"),
            "SHIPPING_FLAT_RATE": D("4.00"),
            "FREE_SHIPPING_THRESHOLD": D("20.00"),
        }

    def test_order_stores_the_amounts_of_the_configured_rules(self, shopper, address):
        fill_cart(shopper, (ProductFactory(price=D("12.25")), 1))
        order = db.session.get(Order, place_order(shopper.id, address.id).order.id)
        # 10% of 12.25 is 1.225 -> 1.23; below the 20.00 threshold: 4.00 shipping.
        assert (order.subtotal, order.discount, order.shipping, order.tax, order.total_payable) == (
            D("12.25"),
            D("0.00"),
            D("4.00"),
            D("1.23"),
            D("17.48"),
        )


def test_rates_are_read_from_environment_variables_of_the_same_names(tmp_path):
    env = os.environ | {
        "TAX_RATE": "0.19",
        "SHIPPING_FLAT_RATE": "3.90",
        "FREE_SHIPPING_THRESHOLD": "29.00",
        "STORE_CURRENCY": "EUR",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'env.db'}",
    }
    env.pop("STORE_ENV", None)
    script = (
        "import json; from app import create_app; from app.services.ordering.pricing import PricingRules\n"
        "with create_app().app_context(): r = PricingRules.from_config()\n"
        "print(json.dumps([str(r.tax_rate), str(r.shipping_flat_rate), "
        "str(r.free_shipping_threshold), r.currency]))"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=root, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == ["0.19", "3.90", "29.00", "EUR"]
