"""Every page of the shop (tests/browser/site_pages.py) at 360 px wide: nothing is wider than
the screen, and axe-core finds no serious or critical violation in the light scheme nor in
the dark one.

The module has a server and a database of its own, with the demo orders
(tests/browser/demo_orders.py), so the pages have orders, a cart and customers to show; one
browser window per person (visitor, shopper, admin) loads each page once per scheme.
"""

from dataclasses import dataclass

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import (
    add_demo_orders,
    prepare_shop,
    scratch_database,
    serve,
    server_env,
)
from tests.browser.helpers import check_accessibility
from tests.browser.site_pages import open_windows, pages_of_this_shop

NARROW = 360
CHECKS = ("fits-360px", "axe-light", "axe-dark")
SCHEME_OF_CHECK = {"fits-360px": "light", "axe-light": "light", "axe-dark": "dark"}

# What is wider than the screen: the page itself (it scrolls sideways; then the elements that
# reach past the right edge and hold nothing that does, the ones to fix), and any box whose
# content is wider than it and is cut off or scrolls sideways inside it (a table in a scroll
# box is as wide as ever). Form controls, hidden text (1 px boxes) and deliberate "..."
# truncation are not counted.
OVERFLOW_JS = """() => {
    const viewport = window.innerWidth;
    const width = document.documentElement.scrollWidth;
    const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + [...el.classList].map(c => '.' + c).join('')
        + ' "' + (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 40) + '"';
    const past = el => el.getBoundingClientRect().right > viewport + 0.5;
    const elements = [...document.body.querySelectorAll('*')];
    const culprits = width <= viewport ? [] : elements
        .filter(el => past(el) && ![...el.children].some(past))
        .sort((a, b) => b.getBoundingClientRect().right - a.getBoundingClientRect().right)
        .slice(0, 5)
        .map(el => `${name(el)}: right edge at ${Math.round(el.getBoundingClientRect().right)} px`);
    const boxes = elements
        .filter(el => !['INPUT', 'SELECT', 'TEXTAREA', 'OPTION'].includes(el.tagName))
        .filter(el => {
            const style = getComputedStyle(el);
            return style.overflowX !== 'visible' && style.textOverflow !== 'ellipsis'
                && el.clientWidth > 1 && el.scrollWidth > el.clientWidth + 1;
        })
        .slice(0, 5)
        .map(el => `${name(el)}: content ${el.scrollWidth} px wide in a ${el.clientWidth} px box`);
    return {width, viewport, culprits, boxes};
}"""


@pytest.fixture(scope="module")
def every_page_shop(browser_dependencies, tmp_path_factory):
    """The shop on a database of its own, with the demo orders: (base URL, DemoOrders)."""
    folder = tmp_path_factory.mktemp("every-page")
    with scratch_database(folder) as database_url:
        env = server_env(database_url)
        prepare_shop(env, folder)
        demo = add_demo_orders(env)
        with serve(env, folder / "gunicorn.log") as base_url:
            yield base_url, demo


@dataclass
class Window:
    page: Page
    showing: tuple[str, str] | None = None  # the url and colour scheme loaded last

    def show(self, url: str, scheme: str, expected_status: int) -> None:
        """Load the page in the colour scheme, unless the window shows just that already."""
        if self.showing == (url, scheme):
            return
        self.page.emulate_media(color_scheme=scheme)
        response = self.page.goto(url)
        assert response is not None and response.status == expected_status, (
            f"{url} answered {response.status if response else 'nothing'}, not {expected_status}"
        )
        self.showing = (url, scheme)


@pytest.fixture(scope="module")
def windows(chromium, every_page_shop):
    """A 360 px wide browser window for each person, the shopper and the admin logged in."""
    base_url, _ = every_page_shop
    pages = open_windows(chromium, base_url, NARROW)
    yield {who: Window(page) for who, page in pages.items()}
    for page in pages.values():
        page.context.close()


@pytest.mark.parametrize(
    "site_page, check",
    [(site_page, check) for site_page in pages_of_this_shop() for check in CHECKS],
    ids=lambda value: value if isinstance(value, str) else value.name,
)
def test_every_page(windows, every_page_shop, site_page, check):
    _, demo = every_page_shop
    window = windows[site_page.who]
    expected_status = 404 if site_page.name == "not-found" else 200
    window.show(site_page.url(demo), SCHEME_OF_CHECK[check], expected_status)
    if check == "fits-360px":
        overflow = window.page.evaluate(OVERFLOW_JS)
        if overflow["width"] > overflow["viewport"] or overflow["boxes"]:
            pytest.fail(_overflow_report(site_page.name, overflow), pytrace=False)
    else:
        check_accessibility(window.page)


def _overflow_report(name: str, overflow: dict) -> str:
    lines = []
    if overflow["width"] > overflow["viewport"]:
        lines.append(f"{name} is {overflow['width']} px wide in a {overflow['viewport']} px window;")
        lines.append("these reach past its right edge:")
        lines += [f"  {culprit}" for culprit in dict.fromkeys(overflow["culprits"])]
    if overflow["boxes"]:
        lines.append(f"{name} cuts off, or scrolls sideways, what is wider than its box:")
        lines += [f"  {box}" for box in overflow["boxes"]]
    return "\n".join(lines)
