"""What a person does in the browser, and the accessibility check run on each page."""

import functools
import re
from pathlib import Path

from playwright.sync_api import Page, expect

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / ".cache" / "browser-deps" / "node_modules" / "axe-core" / "axe.min.js"

BLOCKING_IMPACTS = ("serious", "critical")


@functools.cache
def _axe_source() -> str:
    return AXE_JS.read_text()


def check_accessibility(page: Page) -> None:
    """axe-core finds no serious or critical violation on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol: the page's CSP rightly blocks an
        # injected <script> tag (page.add_script_tag), and must stay on for the test.
        page.evaluate(_axe_source() + "\n;undefined")
    violations = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ['violations']});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 5).map(n => n.target.join(' ')),
            }));
        }"""
    )
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, f"axe on {page.url}:\n" + "\n".join(
        f"  [{v['impact']}] {v['id']}: {v['help']} at {v['targets']}" for v in blocking
    )


def flash(page: Page):
    """The page's status messages (the flashed notices at the top)."""
    return page.locator(".flashes")


def log_in(page: Page, email: str, password: str) -> None:
    page.goto("/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def register(page: Page, email: str, password: str) -> None:
    page.goto("/")
    page.get_by_role("link", name="Register").click()
    check_accessibility(page)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Repeat password").fill(password)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def open_product(page: Page, name: str) -> None:
    """Search for the product by name and open its page from the results."""
    page.goto("/")
    page.get_by_role("searchbox", name="Search products").fill(name)
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()


def add_to_cart(page: Page, name: str, quantity: int) -> None:
    open_product(page, name)
    page.get_by_label("Quantity").fill(str(quantity))
    page.get_by_role("button", name="Add to cart").click()


def order_number_in(text: str) -> str:
    match = re.search(r"SO-[0-9A-Z]{8}", text)
    assert match, f"no order number in {text!r}"
    return match.group(0)
