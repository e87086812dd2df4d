"""Buying without an account in a real browser (SPEC section 10): a visitor's cart, guest
checkout with a coupon, the emailed link opened in a fresh browser, cancelling; axe on every
new page."""

import re
import time
import uuid

from playwright.sync_api import expect

from tests.browser.conftest import COUPON_CODE
from tests.browser.helpers import check_accessibility, flash, open_product, order_number_in

MUG = "Ceramic Coffee Mug, 350 ml"  # 12.50, from seed-demo


def emailed_link(server_log, number: str) -> str:
    """The path of the order link the shop emailed (written to the server's log: no mail server)."""
    pattern = re.compile(rf"https?://[^/\s]+(/orders/{number}\?key=[A-Za-z0-9_-]+)")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        found = pattern.findall(server_log.read_text())
        if found:
            return found[-1]
        time.sleep(0.2)
    raise AssertionError(f"no emailed link to {number} in the server's log")


def test_a_guest_buys_with_a_coupon_opens_the_emailed_link_elsewhere_and_cancels(open_browser, server_log):
    guest = open_browser("guest")
    page = guest.page
    email = f"guest-{uuid.uuid4().hex[:8]}@example.com"

    open_product(page, MUG)
    page.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name="Add to cart").click()
    expect(page).to_have_url(re.compile(r"/cart$"))
    expect(page.get_by_role("link", name=re.compile(r"^Cart \(2\)"))).to_be_visible()
    check_accessibility(page)

    page.get_by_role("link", name="Checkout").click()
    expect(page.get_by_role("heading", level=1, name="Checkout")).to_be_visible()
    check_accessibility(page)
    page.get_by_label(re.compile("^Email")).fill(email)
    page.get_by_label("Coupon code").fill(COUPON_CODE.lower())
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text(f"Coupon {COUPON_CODE} applied")).to_be_visible()
    page.get_by_label("Full name").fill("Grace Hopper")
    page.get_by_label("Address line 1").fill("1 Compiler Way")
    page.get_by_label("City").fill("Arlington")
    page.get_by_label("State / province / region").fill("VA")
    page.get_by_label("Postal code").fill("22201")
    page.get_by_label(re.compile("^Country")).select_option("US")
    check_accessibility(page)
    page.get_by_role("button", name="Place order").click()

    expect(page).to_have_url(re.compile(r"/orders/SO-[0-9A-Z]{8}\?key=[A-Za-z0-9_-]{32}$"))
    expect(flash(page)).to_contain_text("We emailed you a link to this page")
    number = order_number_in(page.get_by_role("heading", level=1).inner_text())
    expect(page.locator("#totals")).to_contain_text(COUPON_CODE)
    check_accessibility(page)

    elsewhere = open_browser("guest-elsewhere").page
    elsewhere.goto(emailed_link(server_log, number))
    expect(elsewhere.get_by_role("heading", level=1)).to_contain_text(number)
    check_accessibility(elsewhere)
    elsewhere.get_by_role("link", name="Cancel order").click()
    expect(elsewhere.get_by_role("heading", level=1)).to_contain_text("Cancel order")
    check_accessibility(elsewhere)
    elsewhere.get_by_role("button", name="Yes, cancel my order").click()
    expect(elsewhere.locator("#status")).to_have_text("cancelled")

    elsewhere.goto(f"/orders/{number}?key=not-the-key")
    expect(elsewhere.get_by_role("heading", level=1)).not_to_contain_text(number)


def test_the_pages_for_visitors_and_accounts_pass_axe(open_browser):
    visitor = open_browser("visitor").page
    for path in ("/orders/find", "/auth/forgot"):
        visitor.goto(path)
        check_accessibility(visitor)

    visitor.get_by_label("Email").fill("nobody@example.com")
    visitor.get_by_role("button", name="Email me a link").click()
    expect(flash(visitor)).to_contain_text("If an account exists for that email")
    check_accessibility(visitor)

    visitor.goto("/orders/find")
    visitor.get_by_label("Order number").fill("SO-AAAAAAAA")
    visitor.get_by_label("Email used for the order").fill("nobody@example.com")
    visitor.get_by_role("button", name="Email me the link").click()
    expect(flash(visitor)).to_contain_text("If that order exists, we emailed its link")

    visitor.goto("/auth/register")
    visitor.get_by_label("Email").fill(f"axe-{uuid.uuid4().hex[:8]}@example.com")
    visitor.get_by_label("Password", exact=True).fill("a long enough password")
    visitor.get_by_label("Repeat password").fill("a long enough password")
    visitor.get_by_role("button", name="Create account").click()
    visitor.get_by_role("link", name="Account", exact=True).click()
    expect(visitor.get_by_text("not confirmed yet")).to_be_visible()
    check_accessibility(visitor)
