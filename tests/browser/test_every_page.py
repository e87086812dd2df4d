"""Every page of the shop (tests/browser/site_pages.py) at 360 px wide: nothing is wider than
the screen, and axe-core finds no serious or critical violation in the light scheme nor in
the dark one.

The module has a server and a database of its own, with the demo orders
(tests/browser/demo_orders.py), so the pages have orders, a cart and customers to show; one
browser window per person (visitor, shopper, admin) loads each page once per scheme.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    SHOPPER_EMAIL,
    SHOPPER_PASSWORD,
    BrowserSession,
    add_demo_orders,
    prepare_shop,
    scratch_database,
    serve,
    server_env,
)
from tests.browser.helpers import check_accessibility
from tests.browser.site_pages import ADMIN, SHOPPER, VISITOR, pages_of_this_shop

NARROW = 360
CHECKS = ("fits-360px", "axe-light", "axe-dark")
SCHEME_OF_CHECK = {"fits-360px": "light", "axe-light": "light", "axe-dark": "dark"}

# The elements that reach past the right edge and hold nothing that does: the ones to fix.
OVERFLOW_JS = """() => {
    const viewport = window.innerWidth;
    const width = document.documentElement.scrollWidth;
    if (width <= viewport) return null;
    const past = el => el.getBoundingClientRect().right > viewport + 0.5;
    const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + [...el.classList].map(c => '.' + c).join('')
        + ' "' + (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 40) + '"';
    const culprits = [...document.body.querySelectorAll('*')]
        .filter(el => past(el) && ![...el.children].some(past))
        .map(el => ({what: name(el), right: Math.round(el.getBoundingClientRect().right),
                     width: Math.round(el.getBoundingClientRect().width)}))
        .sort((a, b) => b.right - a.right);
    return {width, viewport, culprits: culprits.slice(0, 5)};
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


@pytest.fixture(scope="module")
def windows(chromium, every_page_shop):
    """A 360 px wide browser window for each person, the shopper and the admin logged in."""
    base_url, _ = every_page_shop
    sessions = {
        who: BrowserSession(chromium, base_url, who, width=NARROW) for who in (VISITOR, SHOPPER, ADMIN)
    }
    _log_in(sessions[SHOPPER], SHOPPER_EMAIL, SHOPPER_PASSWORD)
    _log_in(sessions[ADMIN], ADMIN_EMAIL, ADMIN_PASSWORD)
    yield sessions
    for session in sessions.values():
        session.context.close()


def _log_in(session: BrowserSession, email: str, password: str) -> None:
    page = session.page
    page.goto("/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page).not_to_have_url(re.compile(r"/auth/login"))


def _show(session: BrowserSession, url: str, scheme: str, expected_status: int) -> None:
    """Load the page in the colour scheme, unless the window shows just that already."""
    if getattr(session, "showing", None) == (url, scheme):
        return
    session.page.emulate_media(color_scheme=scheme)
    response = session.page.goto(url)
    assert response is not None and response.status == expected_status, (
        f"{url} answered {response.status if response else 'nothing'}, not {expected_status}"
    )
    session.showing = (url, scheme)


@pytest.mark.parametrize(
    "site_page, check",
    [(site_page, check) for site_page in pages_of_this_shop() for check in CHECKS],
    ids=lambda value: value if isinstance(value, str) else value.name,
)
def test_every_page(windows, every_page_shop, site_page, check):
    _, demo = every_page_shop
    session = windows[site_page.who]
    expected_status = 404 if site_page.name == "not-found" else 200
    _show(session, site_page.url(demo), SCHEME_OF_CHECK[check], expected_status)
    if check == "fits-360px":
        overflow = session.page.evaluate(OVERFLOW_JS)
        if overflow is not None:
            pytest.fail(_overflow_report(site_page.name, overflow), pytrace=False)
    else:
        check_accessibility(session.page)


def _overflow_report(name: str, overflow: dict) -> str:
    culprits = dict.fromkeys(f"  {c['what']}: right edge at {c['right']} px" for c in overflow["culprits"])
    return (
        f"{name} is {overflow['width']} px wide in a {overflow['viewport']} px window;"
        " these reach past its right edge:\n" + "\n".join(culprits)
    )
