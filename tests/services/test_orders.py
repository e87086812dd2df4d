"""Placing, replaying and cancelling orders (docs/behaviour.md, from #money-and-totals to #idempotency)."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from app import tasks as app_tasks
from app.extensions import db, mail
from app.models import IdempotencyKey, Order, OrderEvent, OutboxMessage
from app.models.types import utcnow
from app.services.errors import (
    AddressNotYours,
    CouponUnusable,
    EmptyCart,
    IdempotencyKeyReused,
    InsufficientStock,
    InvalidTransition,
    ShortLine,
)
from app.services.ordering import coupons, placing
from app.services.ordering.lifecycle import cancel_order, change_status
from app.services.ordering.placing import NUMBER_ALPHABET, new_order_number, place_order
from app.tasks import deliver_outbox_message
from tests.factories import AddressFactory, CouponFactory, ProductFactory, fill_cart
from tests.services.helpers import (
    cart_lines_of,
    celery_not_eager,
    count_rows,
    counting_statements,
    snapshot,
    stock_of,
    used_count_of,
)

NUMBER_PATTERN = re.compile(r"^SO-[0-9A-HJKMNP-TV-Z]{8}$")


@pytest.fixture
def teapot(app):
    return ProductFactory(name="Teapot", sku="TEA-1", price=Decimal("24.50"), stock=10)


@pytest.fixture
def cup(app):
    return ProductFactory(name="Cup", sku="CUP-1", price=Decimal("7.25"), stock=20)


@pytest.fixture
def coupon(app):
    return CouponFactory(code="WELCOME10", kind="percent", value=Decimal("10"))


@pytest.fixture
def filled_cart(shopper, teapot, cup):
    # 2 x 24.50 + 3 x 7.25 = 70.75
    return fill_cart(shopper, (teapot, 2), (cup, 3))


@pytest.fixture
def placed(shopper, address, filled_cart, coupon):
    return place_order(shopper.id, address.id, "welcome10").order


# --- the happy path -------------------------------------------------------------------------------


def test_placed_order_stores_every_amount(placed):
    order = db.session.get(Order, placed.id)
    # discount 10% of 70.75 = 7.075 -> 7.08 (half up); tax 8% of 63.67 = 5.0936 -> 5.09
    assert (order.subtotal, order.discount, order.shipping, order.tax, order.total_payable) == (
        Decimal("70.75"),
        Decimal("7.08"),
        Decimal("0.00"),
        Decimal("5.09"),
        Decimal("68.76"),
    )
    assert order.currency == "USD"
    assert order.coupon_code == "WELCOME10"
    assert order.status == "pending"


def test_placed_order_lines_keep_name_sku_and_price_of_the_moment(placed, teapot, cup):
    db.session.execute(
        update(type(teapot)).values(name="Renamed", sku=type(teapot).sku + "-X", price=Decimal("99.99"))
    )
    db.session.commit()
    order = db.session.get(Order, placed.id)
    lines = sorted((i.product_id, i.name, i.sku, i.unit_price, i.quantity, i.line_total) for i in order.items)
    assert lines == sorted(
        [
            (teapot.id, "Teapot", "TEA-1", Decimal("24.50"), 2, Decimal("49.00")),
            (cup.id, "Cup", "CUP-1", Decimal("7.25"), 3, Decimal("21.75")),
        ]
    )


def test_placed_order_keeps_the_shipping_address_as_it_was(placed, address):
    address.city = "Paris"
    db.session.commit()
    order = db.session.get(Order, placed.id)
    assert order.shipping_address == {
        "full_name": "Ada Lovelace",
        "line1": "12 Analytical Row",
        "line2": "",
        "city": "London",
        "region": "",
        "postal_code": "N1 7AA",
        "country": "GB",
        "phone": "+44 20 7946 0000",
    }


def test_placing_an_order_empties_the_cart(placed, shopper):
    assert cart_lines_of(shopper) == []


def test_placing_an_order_uses_the_coupon_once(placed, coupon):
    assert used_count_of(coupon) == 1


def test_placing_an_order_takes_the_stock(placed, teapot, cup):
    assert stock_of(teapot, cup) == [8, 17]


def test_placed_order_records_a_placed_event_by_the_shopper(placed, shopper):
    events = db.session.scalars(select(OrderEvent).where(OrderEvent.order_id == placed.id)).all()
    placed_events = [e for e in events if e.kind == "placed"]
    assert len(placed_events) == 1
    assert placed_events[0].actor_id == shopper.id


def test_placed_order_owes_one_confirmation_in_the_outbox(placed):
    messages = db.session.scalars(select(OutboxMessage)).all()
    assert [(m.order_id, m.kind) for m in messages] == [(placed.id, "order_confirmation")]


def test_confirmation_email_is_sent_once_with_number_and_total(shopper, address, filled_cart, coupon):
    with mail.record_messages() as sent:
        order = place_order(shopper.id, address.id, "WELCOME10").order
    assert len(sent) == 1
    message = sent[0]
    assert message.recipients == ["shopper@example.com"]
    assert order.number in message.subject
    assert order.number in message.body and "68.76" in message.body
    assert order.number in message.html and "68.76" in message.html
    db.session.expire_all()
    outbox_message = db.session.scalars(select(OutboxMessage)).one()
    assert outbox_message.status == "sent"


def test_place_order_says_created(shopper, address, filled_cart):
    assert place_order(shopper.id, address.id).created is True


def test_order_without_coupon_has_no_discount_and_pays_shipping_below_the_threshold(shopper, address, cup):
    fill_cart(shopper, (cup, 2))  # 14.50
    order = place_order(shopper.id, address.id).order
    assert (order.discount, order.shipping, order.tax, order.total_payable) == (
        Decimal("0.00"),
        Decimal("5.00"),
        Decimal("1.16"),
        Decimal("20.66"),
    )
    assert order.coupon_code is None


# --- refusals change nothing ----------------------------------------------------------------------


def test_empty_cart_is_refused_and_nothing_changes(shopper, address, coupon, teapot):
    before = snapshot()
    with mail.record_messages() as sent, pytest.raises(EmptyCart):
        place_order(shopper.id, address.id, "WELCOME10")
    assert snapshot() == before
    assert sent == []


def test_shopper_without_a_cart_gets_empty_cart(shopper, address):
    with pytest.raises(EmptyCart):
        place_order(shopper.id, address.id)
    assert count_rows(Order) == 0


def test_another_shoppers_address_is_refused_and_nothing_changes(shopper, other_shopper, filled_cart):
    theirs = AddressFactory(user=other_shopper)
    before = snapshot()
    with pytest.raises(AddressNotYours) as refused:
        place_order(shopper.id, theirs.id)
    assert refused.value.fields == {"address_id": ["Choose one of your own addresses."]}
    assert snapshot() == before


def test_unknown_address_is_refused(shopper, filled_cart):
    before = snapshot()
    with pytest.raises(AddressNotYours):
        place_order(shopper.id, 999_999)
    assert snapshot() == before


def test_inactive_product_is_listed_as_short_with_none_available(shopper, address, filled_cart, teapot, cup):
    teapot.is_active = False
    db.session.commit()
    before = snapshot()
    with pytest.raises(InsufficientStock) as refused:
        place_order(shopper.id, address.id)
    assert refused.value.items == [ShortLine(teapot.id, "TEA-1", "Teapot", requested=2, available=0)]
    assert snapshot() == before


def test_only_the_short_lines_are_listed_with_what_is_available(shopper, address, teapot, cup):
    fill_cart(shopper, (teapot, 11), (cup, 3))
    before = snapshot()
    with pytest.raises(InsufficientStock) as refused:
        place_order(shopper.id, address.id)
    assert refused.value.items == [ShortLine(teapot.id, "TEA-1", "Teapot", requested=11, available=10)]
    assert "Teapot (you asked for 11, 10 available)" in refused.value.message
    assert snapshot() == before


def test_unusable_coupon_is_refused_and_nothing_changes(shopper, address, filled_cart):
    CouponFactory(code="OLD", is_active=False)
    before = snapshot()
    with mail.record_messages() as sent, pytest.raises(CouponUnusable) as refused:
        place_order(shopper.id, address.id, "old")
    assert refused.value.reason == "inactive"
    assert snapshot() == before
    assert sent == []


def test_blank_coupon_code_means_no_coupon(shopper, address, filled_cart):
    order = place_order(shopper.id, address.id, "   ").order
    assert order.coupon_code is None and order.discount == Decimal("0.00")


def test_failure_after_the_inserts_rolls_everything_back(shopper, address, coupon, monkeypatch):
    # The last line (highest product id) is short only when the guarded stock UPDATE runs,
    # as if another buyer took the units between our read and our UPDATE: skipping the
    # early check makes the order, lines, event, outbox row and cart delete happen first.
    first = ProductFactory(stock=5)
    last = ProductFactory(name="Last", stock=2)
    fill_cart(shopper, (first, 1), (last, 3))
    monkeypatch.setattr(placing, "refuse_short_lines", lambda lines: None)
    before = snapshot()

    with (
        mail.record_messages() as sent,
        counting_statements() as statements,
        pytest.raises(InsufficientStock) as refused,
    ):
        place_order(shopper.id, address.id, "WELCOME10", idempotency_key="k-1")

    assert any(s.startswith("INSERT INTO order_items") for s in statements)
    assert refused.value.items == [ShortLine(last.id, last.sku, "Last", requested=3, available=2)]
    assert snapshot() == before
    assert stock_of(first, last) == [5, 2]
    assert used_count_of(coupon) == 0
    assert cart_lines_of(shopper) == [(first.id, 1), (last.id, 3)]
    assert sent == []


def test_coupon_used_up_inside_the_transaction_rolls_everything_back(
    shopper, address, filled_cart, monkeypatch
):
    # The coupon passes the early check, but its guarded increment finds the limit reached
    # (another buyer used the last use in between): nothing of the order survives.
    limited = CouponFactory(code="LAST1", usage_limit=1, used_count=0)
    real_check = coupons.check_coupon

    def check_then_lose_the_race(coupon, subtotal, uses):
        checked = real_check(coupon, subtotal, uses)
        db.session.execute(update(type(limited)).where(type(limited).id == limited.id).values(used_count=1))
        return checked

    monkeypatch.setattr(coupons, "check_coupon", check_then_lose_the_race)
    before = snapshot()
    with mail.record_messages() as sent, pytest.raises(CouponUnusable) as refused:
        place_order(shopper.id, address.id, "LAST1")
    assert refused.value.reason == "used_up"
    assert snapshot() == before
    assert sent == []


# --- idempotency ----------------------------------------------------------------------------------


def test_same_key_returns_the_same_order_and_creates_nothing(shopper, address, filled_cart, teapot, cup):
    first = place_order(shopper.id, address.id, idempotency_key="form-1")
    fill_cart(shopper, (teapot, 1))
    with mail.record_messages() as sent:
        again = place_order(shopper.id, address.id, idempotency_key="form-1")
    assert again.created is False
    assert again.order.id == first.order.id
    assert count_rows(Order) == 1
    assert cart_lines_of(shopper) == [(teapot.id, 1)]
    assert stock_of(teapot, cup) == [8, 17]
    assert sent == []


def test_same_key_with_an_empty_cart_still_returns_the_order(shopper, address, filled_cart):
    first = place_order(shopper.id, address.id, idempotency_key="form-1")
    again = place_order(shopper.id, address.id, idempotency_key="form-1")
    assert (again.order.id, again.created) == (first.order.id, False)


def test_same_key_with_a_different_body_is_refused(shopper, address, filled_cart, teapot, coupon):
    place_order(shopper.id, address.id, idempotency_key="form-1")
    fill_cart(shopper, (teapot, 1))
    before = snapshot()
    with pytest.raises(IdempotencyKeyReused):
        place_order(shopper.id, address.id, "WELCOME10", idempotency_key="form-1")
    assert snapshot() == before


def test_a_key_older_than_a_day_still_returns_its_order_and_makes_no_other(
    shopper, address, filled_cart, teapot
):
    first = place_order(shopper.id, address.id, idempotency_key="form-1").order
    db.session.execute(update(IdempotencyKey).values(created_at=utcnow() - timedelta(days=30)))
    db.session.commit()
    fill_cart(shopper, (teapot, 1))
    before = snapshot()

    again = place_order(shopper.id, address.id, idempotency_key="form-1")

    assert (again.order.id, again.created) == (first.id, False)
    assert snapshot() == before


def test_same_key_with_the_cart_filled_again_returns_the_order_without_checking_the_cart(
    shopper, address, filled_cart, teapot
):
    first = place_order(shopper.id, address.id, idempotency_key="form-1").order
    fill_cart(shopper, (teapot, teapot.stock + 1))  # the new cart alone would be refused as short
    before = snapshot()

    again = place_order(shopper.id, address.id, idempotency_key="form-1")

    assert (again.order.id, again.created) == (first.id, False)
    assert snapshot() == before


def test_same_key_with_a_different_body_is_refused_before_the_cart_is_checked(
    shopper, other_shopper, address, filled_cart, teapot
):
    place_order(shopper.id, address.id, idempotency_key="form-1")
    fill_cart(shopper, (teapot, 1))
    someone_elses = AddressFactory(user=other_shopper)
    before = snapshot()

    with pytest.raises(IdempotencyKeyReused):
        place_order(shopper.id, someone_elses.id, idempotency_key="form-1")

    assert snapshot() == before


def test_keys_are_scoped_to_the_shopper(shopper, other_shopper, address, filled_cart, teapot):
    mine = place_order(shopper.id, address.id, idempotency_key="form-1").order
    fill_cart(other_shopper, (teapot, 1))
    theirs = place_order(
        other_shopper.id, AddressFactory(user=other_shopper).id, idempotency_key="form-1"
    ).order
    assert theirs.id != mine.id
    assert theirs.user_id == other_shopper.id


# --- order numbers --------------------------------------------------------------------------------


def test_order_number_is_short_and_readable(placed):
    assert NUMBER_PATTERN.match(placed.number)


def test_generated_numbers_have_the_format_and_do_not_repeat():
    numbers = [new_order_number() for _ in range(2000)]
    assert all(NUMBER_PATTERN.match(number) for number in numbers)
    assert len(set(numbers)) == len(numbers)


def test_order_numbers_are_not_sequential(shopper, address, teapot):
    def as_int(number: str) -> int:
        return sum(NUMBER_ALPHABET.index(c) * 32**i for i, c in enumerate(reversed(number[3:])))

    values = []
    for _ in range(5):
        fill_cart(shopper, (teapot, 1))
        values.append(as_int(place_order(shopper.id, address.id).order.number))
    gaps = [abs(b - a) for a, b in zip(values, values[1:], strict=False)]
    # Random numbers out of 32**8: two orders in a row land within 1000 of each other ~1e-9 of the time.
    assert min(gaps) > 1000


# --- cancelling and status changes ----------------------------------------------------------------


def cancel(order: Order, actor_id: int) -> Order:
    """Cancel as the shopper would, from a freshly loaded order."""
    return cancel_order(db.session.get(Order, order.id), actor_id)


def test_cancel_returns_stock_and_coupon_use(placed, shopper, teapot, cup, coupon):
    cancelled = cancel(placed, shopper.id)
    assert cancelled.status == "cancelled"
    assert stock_of(teapot, cup) == [10, 20]
    assert used_count_of(coupon) == 0


def test_cancel_is_recorded_as_an_event(placed, shopper):
    cancel(placed, shopper.id)
    kinds = db.session.scalars(
        select(OrderEvent.kind).where(OrderEvent.order_id == placed.id).order_by(OrderEvent.id)
    ).all()
    assert kinds[0] == "placed" and kinds[-1] == "status"


def test_second_cancel_is_refused_and_returns_nothing_more(placed, shopper, teapot, cup, coupon):
    cancel(placed, shopper.id)
    with pytest.raises(InvalidTransition) as refused:
        cancel(placed, shopper.id)
    assert (refused.value.current, refused.value.target) == ("cancelled", "cancelled")
    assert stock_of(teapot, cup) == [10, 20]
    assert used_count_of(coupon) == 0


def test_cancelled_order_no_longer_counts_for_the_per_user_limit(shopper, address, teapot):
    CouponFactory(code="ONCE", per_user_limit=1)
    fill_cart(shopper, (teapot, 1))
    first = place_order(shopper.id, address.id, "ONCE").order
    cancel(first, shopper.id)
    fill_cart(shopper, (teapot, 1))
    assert place_order(shopper.id, address.id, "ONCE").order.coupon_code == "ONCE"


def test_cancel_returns_nothing_for_a_line_whose_product_was_deleted(placed, shopper, teapot, cup):
    db.session.delete(db.session.get(type(teapot), teapot.id))
    db.session.commit()
    cancel(placed, shopper.id)
    assert stock_of(cup) == [20]


def test_shopper_cannot_cancel_a_paid_order(placed, shopper, admin, teapot, cup):
    change_status(db.session.get(Order, placed.id), "paid", admin.id)
    with pytest.raises(InvalidTransition):
        cancel(placed, shopper.id)
    assert db.session.get(Order, placed.id).status == "paid"
    assert stock_of(teapot, cup) == [8, 17]


def test_admin_cancelling_a_paid_order_returns_stock_and_coupon(placed, admin, teapot, cup, coupon):
    change_status(db.session.get(Order, placed.id), "paid", admin.id)
    cancelled = change_status(db.session.get(Order, placed.id), "cancelled", admin.id)
    assert cancelled.status == "cancelled"
    assert stock_of(teapot, cup) == [10, 20]
    assert used_count_of(coupon) == 0


def order_in(status: str, order: Order) -> Order:
    """Walk the order along the allowed arrows to `status` (directly in the database)."""
    db.session.execute(update(Order).where(Order.id == order.id).values(status=status))
    db.session.commit()
    return db.session.get(Order, order.id)


ALLOWED = [
    ("pending", "paid"),
    ("paid", "shipped"),
    ("shipped", "delivered"),
    ("pending", "cancelled"),
    ("paid", "cancelled"),
]
ALL_STATUSES = ["pending", "paid", "shipped", "delivered", "cancelled"]
REFUSED = [(a, b) for a in ALL_STATUSES for b in ALL_STATUSES if (a, b) not in ALLOWED] + [
    ("pending", "refunded")
]


@pytest.mark.parametrize(("current", "target"), ALLOWED)
def test_admin_may_move_an_order_along_an_allowed_arrow(placed, admin, current, target):
    order = order_in(current, placed)
    moved = change_status(order, target, admin.id)
    assert moved.status == target
    last = db.session.scalars(
        select(OrderEvent).where(OrderEvent.order_id == placed.id).order_by(OrderEvent.id.desc())
    ).first()
    assert (last.kind, last.actor_id) == ("status", admin.id)


@pytest.mark.parametrize(("current", "target"), REFUSED)
def test_any_other_move_is_refused_and_changes_nothing(placed, admin, current, target, teapot, cup):
    order = order_in(current, placed)
    events_before = count_rows(OrderEvent)
    with pytest.raises(InvalidTransition):
        change_status(order, target, admin.id)
    db.session.expire_all()
    assert db.session.get(Order, placed.id).status == current
    assert count_rows(OrderEvent) == events_before
    assert stock_of(teapot, cup) == [8, 17]


# --- the confirmation task ------------------------------------------------------------------------


def test_running_the_delivery_task_twice_sends_one_email(app, shopper, address, filled_cart):
    with celery_not_eager(app):
        place_order(shopper.id, address.id)
    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.status == "pending"
    message_id = message.id
    db.session.rollback()

    with mail.record_messages() as sent:
        deliver_outbox_message(message_id)
        deliver_outbox_message(message_id)

    assert len(sent) == 1
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message_id).status == "sent"
    email_events = db.session.scalars(select(OrderEvent).where(OrderEvent.kind == "email")).all()
    assert len(email_events) == 1


def test_a_failed_send_leaves_the_order_and_marks_the_message_failed(
    app, shopper, address, filled_cart, monkeypatch
):
    def broken_send(message):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(app_tasks, "send_email", broken_send)
    placed = place_order(shopper.id, address.id)
    assert placed.created is True
    db.session.expire_all()
    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.status == "failed"
    assert "mail server down" in message.last_error
    assert count_rows(Order) == 1
