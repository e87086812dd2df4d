"""The design at a phone's width and in both colour schemes: no page scrolls sideways at 360 px,
axe finds nothing serious in light or dark, and the cart's Total and Remove stay on screen."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SHOPPER_EMAIL, SHOPPER_PASSWORD
from tests.browser.helpers import add_to_cart, check_accessibility, log_in

NOTEBOOK = "A5 Dotted Notebook"  # from seed-demo
VISITOR_PAGES = [
    "/",
    "/?q=mug",
    "/products/a5-dotted-notebook",
    "/pages/shipping",
    "/auth/login",
    "/orders/find",
    "/nothing",
]
SHOPPER_PAGES = ["/cart", "/checkout", "/account", "/account/orders", "/account/addresses"]


def sideways_overflow(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_page_scrolls_sideways_at_360_px_and_axe_passes(open_browser, scheme):
    page = open_browser("phone").page
    page.set_viewport_size({"width": 360, "height": 780})
    page.emulate_media(color_scheme=scheme)

    for path in VISITOR_PAGES:
        page.goto(path)
        assert sideways_overflow(page) == 0, f"{path} is wider than 360 px"
        check_accessibility(page)

    log_in(page, SHOPPER_EMAIL, SHOPPER_PASSWORD)
    add_to_cart(page, NOTEBOOK, 2)
    for path in SHOPPER_PAGES:
        page.goto(path)
        assert sideways_overflow(page) == 0, f"{path} is wider than 360 px"
        check_accessibility(page)


def test_on_a_phone_the_cart_shows_total_and_remove_and_both_forms_work(open_browser):
    page = open_browser("phone").page
    page.set_viewport_size({"width": 360, "height": 780})
    log_in(page, SHOPPER_EMAIL, SHOPPER_PASSWORD)
    add_to_cart(page, NOTEBOOK, 1)

    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=NOTEBOOK))
    total = row.locator('td[data-label="Total"]')
    remove = row.get_by_role("button", name="Remove")
    for shown in (total, remove):
        expect(shown).to_be_visible()
        box = shown.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360

    row.get_by_label(f"Quantity of {NOTEBOOK}").fill("3")
    row.get_by_role("button", name="Update").click()
    expect(page.locator(".flashes")).to_contain_text("Your cart is updated.")
    expect(row.locator('td[data-label="Total"]')).to_have_text("$29.25")

    row.get_by_role("button", name="Remove").click()
    expect(page.get_by_role("link", name=NOTEBOOK)).to_have_count(0)
