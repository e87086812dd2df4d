"""The admin coupons: list with uses and limits, create, edit, deactivate."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Coupon
from tests import factories
from tests.admin.helpers import count

NEW = {
    "code": " summer15 ",
    "kind": "percent",
    "value": "15",
    "min_order": "20.00",
    "usage_limit": "100",
    "per_user_limit": "1",
    "valid_from": "2030-06-01T00:00",
    "valid_until": "2030-08-31T23:59",
    "is_active": "y",
}


def coupon_row(code: str) -> Coupon | None:
    db.session.rollback()
    return db.session.scalar(select(Coupon).where(Coupon.code == code))


def form_of(coupon: Coupon, **changes) -> dict:
    data = {
        "code": coupon.code,
        "kind": coupon.kind,
        "value": str(coupon.value),
        "min_order": str(coupon.min_order_amount),
        "usage_limit": "" if coupon.usage_limit is None else str(coupon.usage_limit),
        "per_user_limit": "" if coupon.per_user_limit is None else str(coupon.per_user_limit),
        "is_active": "y" if coupon.is_active else "",
    }
    return {name: value for name, value in {**data, **changes}.items() if value != ""}


@pytest.fixture
def welcome(app):
    return factories.CouponFactory(code="WELCOME", value=Decimal("10"), usage_limit=10, used_count=3)


@pytest.fixture
def open_ended(app):
    return factories.CouponFactory(code="FIVEOFF", kind="fixed", value=Decimal("5.00"))


def test_the_list_shows_uses_against_limits(admin_client, welcome, open_ended):
    html = admin_client.get("/admin/coupons").get_data(as_text=True)

    assert "WELCOME" in html and "10% off" in html and "3 / 10" in html
    assert "FIVEOFF" in html and "5.00 off" in html and "0 / no limit" in html


def test_creating_a_percent_coupon(admin_client):
    response = admin_client.post("/admin/coupons/new", data=NEW, follow_redirects=True)

    assert "Coupon SUMMER15 created." in response.get_data(as_text=True)
    coupon = coupon_row("SUMMER15")
    assert (coupon.kind, coupon.value, coupon.min_order_amount) == (
        "percent",
        Decimal("15.00"),
        Decimal("20.00"),
    )
    assert (coupon.usage_limit, coupon.per_user_limit, coupon.used_count) == (100, 1, 0)
    assert coupon.valid_from == datetime(2030, 6, 1, tzinfo=UTC)
    assert coupon.valid_until == datetime(2030, 8, 31, 23, 59, tzinfo=UTC)


def test_creating_an_amount_coupon_without_limits(admin_client):
    data = {"code": "TENOFF", "kind": "fixed", "value": "10.00", "is_active": "y"}

    admin_client.post("/admin/coupons/new", data=data)

    coupon = coupon_row("TENOFF")
    assert (coupon.kind, coupon.value, coupon.usage_limit, coupon.valid_until) == (
        "fixed",
        Decimal("10.00"),
        None,
        None,
    )


def test_a_duplicate_code_in_any_case_is_refused(admin_client, welcome):
    response = admin_client.post("/admin/coupons/new", data={**NEW, "code": "welcome"})

    assert response.status_code == 400
    assert "A coupon with code WELCOME already exists." in response.get_data(as_text=True)
    assert count(Coupon) == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"value": "150"}, "A percent must be between 1 and 100."),
        ({"kind": "fixed", "value": "0"}, "An amount must be more than zero."),
        ({"usage_limit": "-1"}, "The usage limit cannot be negative."),
        ({"per_user_limit": "0"}, "The per-user limit must be at least 1."),
        ({"valid_until": "2030-05-01T00:00"}, "The end must not be before the start."),
        ({"code": ""}, "This field is required."),
    ],
)
def test_a_bad_coupon_is_refused_with_the_reason(admin_client, changes, message):
    response = admin_client.post("/admin/coupons/new", data={**NEW, **changes})

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count(Coupon) == 0


def test_the_edit_page_shows_the_coupon(admin_client, welcome):
    html = admin_client.get(f"/admin/coupons/{welcome.id}").get_data(as_text=True)

    assert 'value="WELCOME"' in html and "Used 3 times." in html


def test_editing_a_coupon_keeps_its_uses(admin_client, welcome):
    data = form_of(welcome, value="20", usage_limit="50", min_order="15.00")

    response = admin_client.post(f"/admin/coupons/{welcome.id}", data=data, follow_redirects=True)

    assert "Coupon WELCOME saved." in response.get_data(as_text=True)
    coupon = coupon_row("WELCOME")
    assert (coupon.value, coupon.usage_limit, coupon.min_order_amount, coupon.used_count) == (
        Decimal("20.00"),
        50,
        Decimal("15.00"),
        3,
    )


def test_renaming_a_coupon(admin_client, welcome):
    admin_client.post(f"/admin/coupons/{welcome.id}", data=form_of(welcome, code="hello"))

    assert coupon_row("HELLO").id == welcome.id


def test_editing_to_another_coupons_code_is_refused(admin_client, welcome, open_ended):
    response = admin_client.post(f"/admin/coupons/{welcome.id}", data=form_of(welcome, code="fiveoff"))

    assert response.status_code == 400
    assert "A coupon with code FIVEOFF already exists." in response.get_data(as_text=True)
    assert coupon_row("WELCOME") is not None


def test_a_usage_limit_below_the_uses_so_far_is_refused(admin_client, welcome):
    response = admin_client.post(
        f"/admin/coupons/{welcome.id}", data=form_of(welcome, usage_limit="2", value="50")
    )

    assert response.status_code == 400
    assert "The usage limit cannot be below the 3 uses so far." in response.get_data(as_text=True)
    coupon = coupon_row("WELCOME")
    assert (coupon.usage_limit, coupon.value) == (10, Decimal("10.00"))


def test_a_bad_edit_changes_nothing(admin_client, welcome):
    response = admin_client.post(
        f"/admin/coupons/{welcome.id}", data=form_of(welcome, value="0", code="NEWCODE")
    )

    assert response.status_code == 400
    assert "A percent must be between 1 and 100." in response.get_data(as_text=True)
    assert coupon_row("WELCOME").value == Decimal("10.00")
    assert coupon_row("NEWCODE") is None


def test_deactivating_a_coupon(admin_client, welcome):
    response = admin_client.post(f"/admin/coupons/{welcome.id}/deactivate", follow_redirects=True)

    assert "Coupon WELCOME deactivated" in response.get_data(as_text=True)
    assert coupon_row("WELCOME").is_active is False


def test_reactivating_a_coupon(admin_client, welcome):
    admin_client.post(f"/admin/coupons/{welcome.id}/deactivate")

    admin_client.post(f"/admin/coupons/{welcome.id}/activate")

    assert coupon_row("WELCOME").is_active is True


def test_an_unknown_coupon_is_404(admin_client):
    assert admin_client.get("/admin/coupons/999").status_code == 404


# --- money and limits the columns cannot hold: refused with the reason, never a 500 -----------------

UNSTORABLE = {
    "amount of a tenth of a cent": (
        {"kind": "fixed", "value": "0.001"},
        "An amount has more than 2 decimal places.",
    ),
    "amount too large": (
        {"kind": "fixed", "value": "99999999999"},
        "An amount cannot be more than 9,999,999,999.99.",
    ),
    "amount not a number": ({"kind": "fixed", "value": "NaN"}, "An amount is not a number."),
    "percent with fractions of a hundredth": ({"value": "12.345"}, "A percent has at most 2 decimal places."),
    "percent too large": ({"value": "99999999999"}, "A percent must be between 1 and 100."),
    "percent not a number": ({"value": "Infinity"}, "A percent must be between 1 and 100."),
    "minimum order too large": (
        {"min_order": "99999999999"},
        "The minimum order cannot be more than 9,999,999,999.99.",
    ),
    "minimum order with fractions of a cent": (
        {"min_order": "20.001"},
        "The minimum order has more than 2 decimal places.",
    ),
    "minimum order negative": ({"min_order": "-1"}, "The minimum order cannot be negative."),
    "usage limit too large": (
        {"usage_limit": "99999999999"},
        "The usage limit can be at most 2,147,483,647.",
    ),
    "per-user limit too large": (
        {"per_user_limit": "99999999999"},
        "The per-user limit can be at most 2,147,483,647.",
    ),
}


@pytest.mark.parametrize(("changes", "message"), UNSTORABLE.values(), ids=UNSTORABLE.keys())
def test_a_value_the_database_cannot_hold_is_refused_with_the_reason(admin_client, changes, message):
    response = admin_client.post("/admin/coupons/new", data={**NEW, **changes})

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html
    assert "already exists" not in html
    assert count(Coupon) == 0


@pytest.mark.parametrize(("changes", "message"), UNSTORABLE.values(), ids=UNSTORABLE.keys())
def test_an_edit_to_a_value_the_database_cannot_hold_changes_nothing(admin_client, welcome, changes, message):
    response = admin_client.post(f"/admin/coupons/{welcome.id}", data=form_of(welcome, **changes))

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    coupon = coupon_row("WELCOME")
    assert (
        coupon.kind,
        coupon.value,
        coupon.min_order_amount,
        coupon.usage_limit,
        coupon.per_user_limit,
    ) == (
        "percent",
        Decimal("10.00"),
        Decimal("0.00"),
        10,
        None,
    )


def test_the_largest_storable_amounts_are_accepted(admin_client):
    data = {**NEW, "kind": "fixed", "value": "9999999999.99", "min_order": "9999999999.99"}

    response = admin_client.post("/admin/coupons/new", data=data, follow_redirects=True)

    assert "Coupon SUMMER15 created." in response.get_data(as_text=True)
    coupon = coupon_row("SUMMER15")
    assert (coupon.value, coupon.min_order_amount) == (Decimal("9999999999.99"), Decimal("9999999999.99"))


def test_a_code_saved_by_another_admin_meanwhile_is_reported_as_taken(admin_client, monkeypatch):
    # The other admin's coupon is saved between this one's check and its commit.
    from app.services.ordering import coupons

    real_find = coupons.find_coupon

    def find_then_lose_the_race(code):
        found = real_find(code)
        if found is None and not coupon_saved_meanwhile:
            coupon_saved_meanwhile.append(factories.CouponFactory(code="SUMMER15"))
        return found

    coupon_saved_meanwhile: list = []
    monkeypatch.setattr(coupons, "find_coupon", find_then_lose_the_race)

    response = admin_client.post("/admin/coupons/new", data=NEW)

    assert response.status_code == 400
    assert "A coupon with code SUMMER15 already exists." in response.get_data(as_text=True)
    assert count(Coupon) == 1


@pytest.mark.parametrize("action", ["", "/activate", "/deactivate"])
def test_a_coupon_id_too_large_for_any_coupon_is_404_and_changes_nothing(admin_client, action):
    factories.CouponFactory(code="KEEP", is_active=True)
    url = f"/admin/coupons/99999999999999999999{action}"

    response = admin_client.post(url) if action else admin_client.get(url)

    assert response.status_code == 404
    assert coupon_row("KEEP").is_active is True


def test_the_coupon_list_with_a_page_number_too_large_for_any_list_shows_the_first_page(admin_client):
    factories.CouponFactory(code="FIRSTPAGE")

    response = admin_client.get("/admin/coupons?page=99999999999999999999")

    assert response.status_code == 200
    assert "FIRSTPAGE" in response.get_data(as_text=True)
