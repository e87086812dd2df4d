"""The admin area in a real browser: its own layout on every page (axe-clean in light and dark),
a sidebar that becomes a top menu on a phone, bulk "Mark paid" and a cancel, each after a
confirmation page that needs no JavaScript."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, SHOPPER_EMAIL, SHOPPER_PASSWORD
from tests.browser.helpers import add_to_cart, check_accessibility, flash, log_in, order_number_in

NOTEBOOK = "A5 Dotted Notebook"  # from seed-demo
SECTIONS = ("Dashboard", "Orders", "Products", "Categories", "Coupons", "Customers")


def _place_order(page) -> str:
    add_to_cart(page, NOTEBOOK, 1)
    page.get_by_role("link", name="Checkout").click()
    page.get_by_role("button", name="Place order").click()  # the saved default address
    expect(page).to_have_url(re.compile(r"/orders/SO-"))
    return order_number_in(page.get_by_role("heading", level=1).inner_text())


def _sidebar(page):
    return page.get_by_role("navigation", name="Admin")


def test_every_admin_section_has_the_admin_layout_and_passes_axe_in_light_and_dark(open_browser):
    page = open_browser("admin").page
    log_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    page.goto("/admin")

    for section in SECTIONS:
        _sidebar(page).get_by_role("link", name=section).click()
        expect(_sidebar(page).get_by_role("link", name=section)).to_have_attribute("aria-current", "page")
        expect(page.get_by_role("link", name="View shop")).to_be_visible()
        expect(page.get_by_role("link", name="Cart")).to_have_count(0)  # no shopper links
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            check_accessibility(page)


def test_on_a_phone_the_sidebar_is_a_menu_above_the_page_and_the_dashboard_fits(open_browser):
    page = open_browser("admin").page
    log_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto("/admin")

    menu, heading = _sidebar(page).bounding_box(), page.get_by_role("heading", level=1).bounding_box()
    assert menu["y"] + menu["height"] <= heading["y"]
    assert menu["width"] <= 360
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    check_accessibility(page)


def test_an_admin_marks_orders_paid_in_bulk_after_confirming(open_browser):
    shopper = open_browser("shopper").page
    log_in(shopper, SHOPPER_EMAIL, SHOPPER_PASSWORD)
    first, second = _place_order(shopper), _place_order(shopper)
    page = open_browser("admin").page
    log_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    page.goto("/admin/orders")

    for number in (first, second):
        page.get_by_label(f"Select order {number}").check()
    page.get_by_role("button", name="Mark paid").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mark 2 orders paid?")
    check_accessibility(page)
    page.get_by_role("button", name="Mark paid").click()

    expect(flash(page)).to_contain_text("Marked paid: ")
    for number in (first, second):
        expect(flash(page)).to_contain_text(number)
        expect(page.get_by_role("row").filter(has=page.get_by_role("link", name=number))).to_contain_text(
            "paid"
        )


def test_an_admin_cancels_an_order_after_a_confirmation_page(open_browser):
    shopper = open_browser("shopper").page
    log_in(shopper, SHOPPER_EMAIL, SHOPPER_PASSWORD)
    number = _place_order(shopper)
    page = open_browser("admin").page
    log_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    page.goto(f"/admin/orders/{number}")

    page.get_by_role("link", name="Cancel order").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Cancel order {number}?")
    check_accessibility(page)
    page.get_by_role("button", name="Cancel the order").click()

    expect(page.locator("#order-status")).to_have_text("cancelled")
