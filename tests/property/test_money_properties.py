"""Property tests of the money and coupon rules (docs/behaviour.md#money-and-totals, #coupons).

The expected amounts are computed here with exact fractions and an explicit
half-up rule, independently of the Decimal code under test.
"""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app import create_app
from app.models.coupons import FIXED, PERCENT, Coupon
from app.services.errors import CouponUnusable
from app.services.ordering.coupons import check_coupon
from app.services.ordering.pricing import PricingRules, compute_totals

CENT = Decimal("0.01")
NOW = datetime(2030, 6, 15, 12, 0, tzinfo=UTC)


def money(min_value="0.00", max_value="100000.00"):
    return st.decimals(min_value=Decimal(min_value), max_value=Decimal(max_value), places=2, allow_nan=False)


def half_up_cents(amount) -> Decimal:
    """Round a non-negative amount to the cent, halves up, with exact arithmetic."""
    cents = Fraction(amount) * 100
    rounded = int(cents + Fraction(1, 2))  # floor of a non-negative number
    return Decimal(rounded) / 100


rules_strategy = st.builds(
    PricingRules,
    tax_rate=st.decimals(min_value=0, max_value=Decimal("0.30"), places=4, allow_nan=False),
    shipping_flat_rate=money("0.00", "50.00"),
    free_shipping_threshold=money("0.00", "500.00"),
    currency=st.just("USD"),
)
percent_coupons = st.builds(lambda value: Coupon(kind=PERCENT, value=value), money("1.00", "100.00"))
fixed_coupons = st.builds(lambda value: Coupon(kind=FIXED, value=value), money("0.01", "100000.00"))
any_coupon = st.one_of(st.none(), percent_coupons, fixed_coupons)


def amounts(totals) -> list[Decimal]:
    return [totals.subtotal, totals.discount, totals.shipping, totals.tax, totals.total_payable]


@given(subtotal=money(), coupon=any_coupon, rules=rules_strategy)
def test_total_payable_is_the_sum_of_its_parts(subtotal, coupon, rules):
    totals = compute_totals(subtotal, coupon, rules)
    assert totals.total_payable == totals.subtotal - totals.discount + totals.shipping + totals.tax


@given(subtotal=money(), coupon=any_coupon, rules=rules_strategy)
def test_no_amount_is_ever_negative(subtotal, coupon, rules):
    totals = compute_totals(subtotal, coupon, rules)
    assert all(amount >= 0 for amount in amounts(totals))
    assert totals.discounted >= 0


@given(subtotal=money(), coupon=any_coupon, rules=rules_strategy)
def test_every_amount_is_in_whole_cents(subtotal, coupon, rules):
    totals = compute_totals(subtotal, coupon, rules)
    assert all(amount == amount.quantize(CENT) for amount in amounts(totals))
    assert all(amount.as_tuple().exponent == -2 for amount in amounts(totals))


@given(
    subtotal=st.decimals(min_value=0, max_value=100000, places=4, allow_nan=False),
    rules=rules_strategy,
)
def test_a_subtotal_with_fractions_of_a_cent_is_rounded_half_up(subtotal, rules):
    assert compute_totals(subtotal, None, rules).subtotal == half_up_cents(subtotal)


@given(subtotal=money(), coupon=any_coupon, rules=rules_strategy)
def test_tax_is_the_discounted_amount_times_the_rate_rounded_half_up(subtotal, coupon, rules):
    totals = compute_totals(subtotal, coupon, rules)
    assert totals.tax == half_up_cents(Fraction(totals.discounted) * Fraction(rules.tax_rate))


@given(subtotal=money(), coupon=percent_coupons, rules=rules_strategy)
def test_percent_discount_is_the_share_of_the_subtotal_rounded_half_up(subtotal, coupon, rules):
    totals = compute_totals(subtotal, coupon, rules)
    assert totals.discount == half_up_cents(Fraction(subtotal) * Fraction(coupon.value) / 100)
    assert 0 <= totals.discount <= totals.subtotal


@given(subtotal=money(), coupon=fixed_coupons, rules=rules_strategy)
def test_fixed_coupon_never_discounts_more_than_the_subtotal(subtotal, coupon, rules):
    totals = compute_totals(subtotal, coupon, rules)
    assert totals.discount == min(coupon.value, totals.subtotal)
    assert totals.discount <= totals.subtotal


@given(subtotal=money(), rules=rules_strategy)
def test_no_coupon_means_no_discount(subtotal, rules):
    assert compute_totals(subtotal, None, rules).discount == Decimal("0.00")


@given(subtotal=money(), coupon=any_coupon, rules=rules_strategy)
def test_shipping_is_free_exactly_from_the_threshold(subtotal, coupon, rules):
    totals = compute_totals(subtotal, coupon, rules)
    if totals.discounted >= rules.free_shipping_threshold:
        assert totals.shipping == Decimal("0.00")
    else:
        assert totals.shipping == rules.shipping_flat_rate


# Coupon rules (docs/behaviour.md#coupons) ----------------------------------------

optional_offset = st.one_of(st.none(), st.integers(min_value=-30, max_value=30).map(timedelta))
optional_limit = st.one_of(st.none(), st.integers(min_value=0, max_value=5))


@st.composite
def coupon_situations(draw):
    """A coupon, a subtotal and the shopper's uses, in any combination of the rules."""
    kind = draw(st.sampled_from([PERCENT, FIXED]))
    start, end = draw(optional_offset), draw(optional_offset)
    usage_limit = draw(optional_limit)
    coupon = Coupon(
        code="SAVE",
        kind=kind,
        value=Decimal("10.00"),
        is_active=draw(st.booleans()),
        valid_from=None if start is None else NOW + start,
        valid_until=None if end is None else NOW + end,
        min_order_amount=draw(money("0.00", "200.00")),
        usage_limit=usage_limit,
        used_count=draw(st.integers(min_value=0, max_value=usage_limit if usage_limit is not None else 9)),
        per_user_limit=draw(st.one_of(st.none(), st.integers(min_value=1, max_value=3))),
    )
    return coupon, draw(money("0.00", "300.00")), draw(st.integers(min_value=0, max_value=4))


def rules_hold(coupon: Coupon, subtotal: Decimal, user_uses: int) -> bool:
    return (
        coupon.is_active
        and (coupon.valid_from is None or coupon.valid_from <= NOW)
        and (coupon.valid_until is None or coupon.valid_until >= NOW)
        and subtotal >= coupon.min_order_amount
        and (coupon.usage_limit is None or coupon.used_count < coupon.usage_limit)
        and (coupon.per_user_limit is None or user_uses < coupon.per_user_limit)
    )


# A refusal is worded in the shop's language and currency, so the checks run in the app.
SHOP = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


@given(situation=coupon_situations())
def test_a_coupon_is_usable_exactly_when_every_rule_holds(situation):
    coupon, subtotal, user_uses = situation
    with SHOP.app_context():
        if rules_hold(coupon, subtotal, user_uses):
            assert check_coupon(coupon, subtotal, user_uses, now=NOW) is coupon
        else:
            with pytest.raises(CouponUnusable):
                check_coupon(coupon, subtotal, user_uses, now=NOW)


@given(subtotal=money(), user_uses=st.integers(min_value=0, max_value=5))
def test_an_unknown_code_is_never_usable(subtotal, user_uses):
    with SHOP.app_context(), pytest.raises(CouponUnusable):
        check_coupon(None, subtotal, user_uses, now=NOW)


@given(
    code=st.text(alphabet="ABCDEFGHJKMNPQRSTVWXYZ0123456789-", min_size=1, max_size=20),
    blanks=st.tuples(st.sampled_from(["", " ", "\t", "  "]), st.sampled_from(["", " ", "\n"])),
    lower=st.booleans(),
)
def test_codes_match_ignoring_letter_case_and_surrounding_blanks(code, blanks, lower):
    typed = blanks[0] + (code.lower() if lower else code) + blanks[1]
    assert Coupon.normalize_code(typed) == Coupon.normalize_code(code)
