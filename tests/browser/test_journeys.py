"""What shoppers and an admin do in a real browser, found by role and label as a person would,
with axe-core checking every page on the way."""

import re
import uuid

from playwright.sync_api import expect

from tests.browser.conftest import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    COUPON_CODE,
    EXPIRED_COUPON_CODE,
    SCARCE_PRODUCT,
    SCREENSHOTS,
    SHOPPER_EMAIL,
    SHOPPER_PASSWORD,
    SOLD_OUT_PRODUCT,
)
from tests.browser.helpers import (
    add_to_cart,
    check_accessibility,
    flash,
    log_in,
    open_product,
    order_number_in,
    register,
)

MUG = "Ceramic Coffee Mug, 350 ml"  # 12.50, from seed-demo
NOTEBOOK = "A5 Dotted Notebook"  # 9.75, from seed-demo


def _new_email() -> str:
    return f"shopper-{uuid.uuid4().hex[:8]}@example.com"


def _totals(page):
    return page.locator("#totals")


def test_a_new_shopper_buys_with_a_coupon_sees_the_order_and_cancels_it(open_browser):
    shopper = open_browser("shopper")
    page = shopper.page

    register(page, _new_email(), "a long enough password")
    check_accessibility(page)

    page.get_by_role("searchbox", name="Search products").fill("mug")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("mug")
    check_accessibility(page)

    page.get_by_role("link", name=MUG).click()
    expect(page.get_by_role("heading", level=1, name=MUG)).to_be_visible()
    check_accessibility(page)

    page.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name="Add to cart").click()
    expect(page).to_have_url(re.compile(r"/cart$"))
    expect(flash(page)).to_contain_text(f"Added 2 × {MUG}")
    check_accessibility(page)

    page.get_by_label(f"Quantity of {MUG}").fill("3")
    page.get_by_role("button", name="Update").click()
    expect(flash(page)).to_contain_text("Your cart is updated")
    expect(page.get_by_role("table")).to_contain_text("$37.50")
    check_accessibility(page)

    page.get_by_role("link", name="Checkout").click()
    expect(page.get_by_role("heading", level=1, name="Checkout")).to_be_visible()
    check_accessibility(page)

    page.get_by_label("Coupon code").fill(COUPON_CODE.lower())
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text(f"Coupon {COUPON_CODE} applied")).to_be_visible()
    # 37.50 - 10% = 33.75, under the free-shipping threshold: + 5.00 shipping + 2.70 tax
    expect(_totals(page)).to_contain_text("$3.75")
    expect(_totals(page)).to_contain_text("$41.45")
    check_accessibility(page)

    page.get_by_role("radio", name=re.compile("A new address")).check()
    page.get_by_label("Full name").fill("Grace Hopper")
    page.get_by_label("Address line 1").fill("1 Compiler Way")
    page.get_by_label("City").fill("Arlington")
    page.get_by_label("State / province / region").fill("VA")
    page.get_by_label("Postal code").fill("22201")
    page.get_by_label("Country").select_option("US")
    page.get_by_role("button", name="Place order").click()

    expect(page).to_have_url(re.compile(r"/orders/SO-[0-9A-Z]{8}$"))
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Order SO-")
    number = order_number_in(heading.inner_text())
    expect(_totals(page)).to_contain_text("$41.45")
    expect(page.locator("#shipping-address")).to_contain_text("Grace Hopper")
    check_accessibility(page)
    shopper.screenshot(SCREENSHOTS / "confirmation.png")

    page.get_by_role("link", name="My orders", exact=True).click()
    order_row = page.get_by_role("row").filter(has=page.get_by_role("link", name=number))
    expect(order_row).to_contain_text("Pending")
    check_accessibility(page)

    order_row.get_by_role("link", name=number).click()
    page.get_by_role("link", name="Cancel order").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cancel order")
    check_accessibility(page)
    page.get_by_role("button", name="Yes, cancel my order").click()
    expect(page.locator("#status")).to_have_text("cancelled")
    check_accessibility(page)
    page.get_by_role("link", name="My orders", exact=True).click()
    expect(page.get_by_role("row").filter(has=page.get_by_role("link", name=number))).to_contain_text(
        "Cancelled"
    )


def _place_order_as_demo_shopper(page) -> str:
    log_in(page, SHOPPER_EMAIL, SHOPPER_PASSWORD)
    add_to_cart(page, NOTEBOOK, 1)
    page.get_by_role("link", name="Checkout").click()
    page.get_by_role("button", name="Place order").click()  # the saved default address
    expect(page).to_have_url(re.compile(r"/orders/SO-"))
    return order_number_in(page.get_by_role("heading", level=1).inner_text())


def test_an_admin_finds_an_order_marks_it_paid_and_shipped_and_sees_the_events(open_browser):
    number = _place_order_as_demo_shopper(open_browser("shopper").page)
    admin = open_browser("admin")
    page = admin.page

    log_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    page.get_by_role("link", name="Admin").click()
    page.get_by_role("navigation", name="Admin").get_by_role("link", name="Orders").click()
    check_accessibility(page)

    page.get_by_label("Order number or email").fill(number.lower())
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("1 order", exact=False)).to_be_visible()
    check_accessibility(page)

    page.get_by_role("link", name=number).click()
    expect(page.get_by_role("heading", level=1, name=f"Order {number}")).to_be_visible()
    check_accessibility(page)

    page.get_by_role("button", name="Mark as paid").click()
    expect(page.locator("#order-status")).to_have_text("paid")
    page.get_by_label("Carrier").select_option("DHL Express")
    page.get_by_label("Tracking number").fill("1234567890")
    page.get_by_role("button", name="Mark as shipped").click()
    expect(page.locator("#order-status")).to_have_text("shipped")
    expect(page.get_by_role("link", name="1234567890")).to_have_attribute("href", re.compile(r"dhl\.com"))

    timeline = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Who"))
    expect(timeline).to_contain_text(ADMIN_EMAIL)
    expect(timeline).to_contain_text("paid")
    expect(timeline).to_contain_text("shipped")
    check_accessibility(page)


def test_a_sold_out_product_cannot_be_added_and_says_so(open_browser):
    page = open_browser("shopper").page
    log_in(page, SHOPPER_EMAIL, SHOPPER_PASSWORD)

    open_product(page, SOLD_OUT_PRODUCT)

    expect(page.get_by_text("Out of stock")).to_be_visible()
    expect(page.get_by_role("button", name="Add to cart")).to_have_count(0)
    check_accessibility(page)


def test_checkout_names_the_item_that_sold_out_meanwhile(open_browser):
    first, second = open_browser("first-shopper").page, open_browser("second-shopper").page
    register(first, _new_email(), "a long enough password")
    register(second, _new_email(), "a long enough password")
    add_to_cart(first, SCARCE_PRODUCT, 2)
    add_to_cart(second, SCARCE_PRODUCT, 2)
    first.get_by_role("link", name="Checkout").click()
    second.get_by_role("link", name="Checkout").click()

    _fill_new_address(second, "Second Buyer")
    second.get_by_role("button", name="Place order").click()
    expect(second).to_have_url(re.compile(r"/orders/SO-"))

    _fill_new_address(first, "First Buyer")
    first.get_by_role("button", name="Place order").click()

    refusal = first.get_by_role("alert")
    expect(refusal).to_contain_text("not enough stock")
    expect(refusal).to_contain_text(f"{SCARCE_PRODUCT} (BRW-LANTERN): you asked for 2, 0 available")
    check_accessibility(first)
    first.goto("/account/orders")
    expect(first.get_by_text("You have not ordered anything yet")).to_be_visible()


def _fill_new_address(page, full_name: str) -> None:
    page.get_by_role("radio", name=re.compile("A new address")).check()
    page.get_by_label("Full name").fill(full_name)
    page.get_by_label("Address line 1").fill("2 Queue Street")
    page.get_by_label("City").fill("Boston")
    page.get_by_label("State / province / region").fill("MA")
    page.get_by_label("Postal code").fill("02108")
    page.get_by_label("Country").select_option("US")


def test_a_bad_coupon_is_refused_with_the_reason(open_browser):
    page = open_browser("shopper").page
    register(page, _new_email(), "a long enough password")
    add_to_cart(page, NOTEBOOK, 1)
    page.get_by_role("link", name="Checkout").click()

    page.get_by_label("Coupon code").fill("NO-SUCH-CODE")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("There is no coupon with that code.").first).to_be_visible()
    check_accessibility(page)

    page.get_by_label("Coupon code").fill(EXPIRED_COUPON_CODE)
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("This coupon has expired.").first).to_be_visible()
    expect(_totals(page)).not_to_contain_text("Discount")  # no discount was given, so no line for it

    _fill_new_address(page, "Coupon Tester")
    page.get_by_role("button", name="Place order").click()
    expect(page.get_by_text("This coupon has expired.").first).to_be_visible()
    expect(page).to_have_url(re.compile(r"/checkout$"))


def test_add_to_cart_works_by_keyboard_alone(open_browser):
    page = open_browser("shopper").page
    register(page, _new_email(), "a long enough password")
    open_product(page, MUG)

    page.get_by_label("Quantity").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("2")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Add to cart")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/cart$"))
    expect(page.get_by_label(f"Quantity of {MUG}")).to_have_value("2")


def test_the_skip_link_is_the_first_stop_and_leads_to_the_content(open_browser):
    page = open_browser("visitor").page
    page.goto("/")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"#main$"))


def test_every_other_shopper_page_passes_axe(open_browser):
    visitor = open_browser("visitor")
    page = visitor.page
    for path in ("/", "/?q=zzzz-nothing", "/?page=2", "/auth/login", "/auth/register", "/no-such-page"):
        page.goto(path)
        check_accessibility(page)

    register(page, _new_email(), "a long enough password")
    for path in ("/cart", "/account/orders", "/account/addresses"):
        page.goto(path)
        check_accessibility(page)
    page.get_by_role("button", name="Save address").click()
    check_accessibility(page)  # the form with its error messages

    page.get_by_label("Full name").fill("Axe Tester")
    page.get_by_label("Address line 1").fill("3 Landmark Lane")
    page.get_by_label("City").fill("Oslo")
    page.get_by_label("Postal code").fill("0150")
    page.get_by_label("Country").select_option("NO")
    page.get_by_role("button", name="Save address").click()
    page.get_by_role("link", name="Edit").click()
    expect(page.get_by_label("Full name")).to_have_value("Axe Tester")
    check_accessibility(page)


def test_the_api_docs_page_renders_under_its_policy(open_browser):
    docs = open_browser("developer")

    docs.page.goto("/api/v1/docs")

    expect(docs.page.locator(".swagger-ui .info")).to_be_visible()
