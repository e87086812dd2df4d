"""The admin order page: everything about one order, and the actions an admin may take on it."""

import re

import pytest

from app.extensions import db, mail
from app.models import Coupon, OrderEvent, OutboxMessage
from app.services.ordering.lifecycle import change_status
from tests import factories
from tests.admin.helpers import count, events_of, status_of, stock_of


@pytest.fixture
def coupon(app):
    return factories.CouponFactory(code="SAVE10", kind="percent", value=10)


@pytest.fixture
def order(shopper, product, coupon, buy):
    """Two teapots at 20.00 with SAVE10: 40.00 - 4.00 + 5.00 shipping + 2.88 tax = 43.88."""
    return buy(shopper, (product, 2), coupon="save10")


def page_of(client, order) -> str:
    response = client.get(f"/admin/orders/{order.number}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def post_status(client, order, status):
    return client.post(f"/admin/orders/{order.number}/status", data={"status": status}, follow_redirects=True)


def used_count(coupon_id: int) -> int:
    db.session.rollback()
    return db.session.get(Coupon, coupon_id).used_count


def status_buttons(html: str) -> list[str]:
    """The statuses the page offers: a button for each, but a cancel, which links to its confirmation."""
    offers = re.findall(r'name="status" value="(\w+)"|href="/admin/orders/[\w-]+/(cancel)"', html)
    return [status or "cancelled" for status, cancel in offers]


def test_the_page_shows_lines_amounts_coupon_shopper_and_address(admin_client, order):
    html = page_of(admin_client, order)

    assert "Teapot" in html and "TEA-1" in html
    for amount in ("$40.00", "$4.00", "$5.00", "$2.88", "$43.88"):
        assert amount in html
    assert "SAVE10" in html
    assert "shopper@example.com" in html
    address = html[html.index('id="shipping-address"') :]
    assert "12 Analytical Row<br>London<br>N1 7AA<br>United Kingdom" in address  # the British way


def test_the_page_shows_the_confirmation_email_status(admin_client, order):
    html = page_of(admin_client, order)

    emails = html[html.index('id="emails"') :]
    assert ">sent</td>" in emails
    assert '<td data-label="Attempts" class="num">1</td>' in emails


def test_the_page_shows_a_failed_email_with_its_error(admin_client, order):
    message = db.session.get(OutboxMessage, order.outbox_messages[0].id)
    message.status, message.attempts, message.last_error = "failed", 3, "SMTP refused"
    db.session.commit()

    html = page_of(admin_client, order)

    assert ">failed</td>" in html and "SMTP refused" in html


def test_the_timeline_shows_who_did_what_and_when(admin_client, admin, order):
    change_status(order, "paid", admin.id)

    html = page_of(admin_client, order)
    timeline = html[html.index('id="timeline"') :]

    assert "Order placed." in timeline and "shopper@example.com" in timeline
    assert "Status changed to paid." in timeline and "admin@example.com" in timeline
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", timeline)


def test_an_unknown_order_is_404(admin_client):
    assert admin_client.get("/admin/orders/SO-NOSUCH00").status_code == 404


def test_a_pending_order_offers_paid_and_cancel_only(admin_client, order):
    assert status_buttons(page_of(admin_client, order)) == ["paid", "cancelled"]


def test_a_paid_order_offers_shipped_and_cancel_only(admin_client, admin, order):
    change_status(order, "paid", admin.id)

    html = page_of(admin_client, order)
    assert status_buttons(html) == ["cancelled"]
    assert f'action="/admin/orders/{order.number}/ship"' in html  # the ship form (carrier, tracking)


def test_a_delivered_order_offers_no_transition(admin_client, admin, order):
    for status in ("paid", "shipped", "delivered"):
        change_status(order, status, admin.id)

    html = page_of(admin_client, order)

    assert status_buttons(html) == []
    assert "cannot change status any more" in html


def test_an_admin_moves_an_order_along_the_allowed_path(admin_client, admin, order):
    for status in ("paid", "shipped", "delivered"):
        response = post_status(admin_client, order, status)
        assert f"Order {order.number} is now {status}." in response.get_data(as_text=True)
        assert status_of(order.number) == status

    moves = [event for event in events_of(order.number) if event[0] == "status"]
    assert moves == [
        ("status", "Status changed to paid.", admin.id),
        ("status", "Status changed to shipped.", admin.id),
        ("status", "Status changed to delivered.", admin.id),
    ]


@pytest.mark.parametrize(
    ("path", "forced"),
    [((), "shipped"), ((), "delivered"), (("paid",), "delivered"), (("paid", "shipped"), "paid")],
)
def test_a_forced_invalid_transition_is_refused_and_changes_nothing(admin_client, admin, order, path, forced):
    for status in path:
        change_status(order, status, admin.id)
    before_status, before_events = status_of(order.number), events_of(order.number)

    response = post_status(admin_client, order, forced)

    assert f"An order that is {before_status} cannot become {forced}." in response.get_data(as_text=True)
    assert status_of(order.number) == before_status
    assert events_of(order.number) == before_events


def test_a_delivered_order_cannot_go_back_to_paid(admin_client, admin, order):
    for status in ("paid", "shipped", "delivered"):
        change_status(order, status, admin.id)

    response = post_status(admin_client, order, "paid")

    assert "An order that is delivered cannot become paid." in response.get_data(as_text=True)
    assert status_of(order.number) == "delivered"


def test_an_unknown_status_is_refused(admin_client, order):
    response = post_status(admin_client, order, "lost")

    assert "cannot become lost" in response.get_data(as_text=True)
    assert status_of(order.number) == "pending"


def test_cancelling_returns_stock_and_coupon_use(admin_client, admin, order, product, coupon):
    assert (stock_of(product.id), used_count(coupon.id)) == (8, 1)

    response = post_status(admin_client, order, "cancelled")

    assert "cancelled; its stock and coupon use were returned" in response.get_data(as_text=True)
    assert status_of(order.number) == "cancelled"
    assert (stock_of(product.id), used_count(coupon.id)) == (10, 0)
    assert events_of(order.number)[-1] == (
        "status",
        "Order cancelled; stock and coupon use returned.",
        admin.id,
    )


def test_an_admin_may_cancel_a_paid_order(admin_client, admin, order, product):
    change_status(order, "paid", admin.id)

    post_status(admin_client, order, "cancelled")

    assert status_of(order.number) == "cancelled"
    assert stock_of(product.id) == 10


def test_a_shipped_order_cannot_be_cancelled(admin_client, admin, order, product):
    change_status(order, "paid", admin.id)
    change_status(order, "shipped", admin.id)

    response = post_status(admin_client, order, "cancelled")

    assert "An order that is shipped cannot become cancelled." in response.get_data(as_text=True)
    assert (status_of(order.number), stock_of(product.id)) == ("shipped", 8)


def test_cancelling_twice_returns_stock_once(admin_client, order, product, coupon):
    post_status(admin_client, order, "cancelled")
    events = events_of(order.number)

    response = post_status(admin_client, order, "cancelled")

    assert "An order that is cancelled cannot become cancelled." in response.get_data(as_text=True)
    assert (stock_of(product.id), used_count(coupon.id)) == (10, 0)
    assert events_of(order.number) == events


def test_a_status_post_without_a_status_is_refused(admin_client, order):
    response = admin_client.post(f"/admin/orders/{order.number}/status", data={}, follow_redirects=True)

    assert "Choose a status." in response.get_data(as_text=True)
    assert status_of(order.number) == "pending"


def test_an_admin_adds_an_internal_note(admin_client, admin, order):
    response = admin_client.post(
        f"/admin/orders/{order.number}/notes", data={"note": "  Called the shopper.  "}, follow_redirects=True
    )

    assert "Note added." in response.get_data(as_text=True)
    assert events_of(order.number)[-1] == ("note", "Called the shopper.", admin.id)
    assert "Note: Called the shopper." in page_of(admin_client, order)


def test_an_empty_note_is_refused(admin_client, order):
    events = events_of(order.number)

    response = admin_client.post(
        f"/admin/orders/{order.number}/notes", data={"note": "   "}, follow_redirects=True
    )

    assert "Write a note" in response.get_data(as_text=True)
    assert events_of(order.number) == events


def test_resending_the_confirmation_sends_the_email_again(admin_client, admin, order):
    with mail.record_messages() as outbox:
        response = admin_client.post(
            f"/admin/orders/{order.number}/resend-confirmation", follow_redirects=True
        )

    assert "The confirmation email to shopper@example.com was queued again." in response.get_data(
        as_text=True
    )
    assert [(m.recipients, m.subject) for m in outbox] == [
        (["shopper@example.com"], f"Your order {order.number}")
    ]
    assert count(OutboxMessage) == 2
    assert ("email", "Confirmation email queued again.", admin.id) in events_of(order.number)


def test_the_shoppers_checkout_recorded_one_placed_event(order):
    assert count(OrderEvent) == 2  # placed, and the confirmation email sent
