"""A German shop (STORE_LOCALE=de_DE, STORE_CURRENCY=EUR) in a real browser: a visitor registers,
a shopper buys and reads the confirmation in German with euro amounts ("15,53 €"), every element
found by its German name, axe on every page (docs/translations.md).

The same database as the other browser tests, served by a second gunicorn with the German
settings; so the demo shopper, their saved address and the demo catalog are there too.
"""

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    SCREENSHOTS,
    SHOPPER_EMAIL,
    SHOPPER_PASSWORD,
    BrowserSession,
    serve,
)
from tests.browser.helpers import check_accessibility, flash, order_number_in

NOTEBOOK = "A5 Dotted Notebook"  # 9.75, from seed-demo
# One number, a comma and two decimals, then the euro sign: the German way (Babel puts a
# no-break space between them).
EUROS = re.compile(r"\d+,\d{2}\s€")


@pytest.fixture(scope="module")
def german_server(browser_shop, tmp_path_factory) -> str:
    """The shop in German, on the browser tests' database, stopped after this module."""
    env = {**browser_shop, "STORE_LOCALE": "de_DE", "STORE_CURRENCY": "EUR"}
    with serve(env, tmp_path_factory.mktemp("gunicorn-de") / "gunicorn.log") as base_url:
        yield base_url


@pytest.fixture
def german_browser(request, chromium, german_server):
    """A browser window on the German shop; as conftest's `open_browser` (screenshots when the
    test fails, no Content-Security-Policy violation allowed)."""
    session = BrowserSession(chromium, german_server, "german")
    yield session
    failed = any(
        getattr(request.node, f"report_{when}", None) is not None
        and getattr(request.node, f"report_{when}").failed
        for when in ("setup", "call")
    )
    if failed:
        session.screenshot(SCREENSHOTS / f"{request.node.name}-german.png")
    session.context.close()
    assert not session.csp_violations, "Content-Security-Policy violations:\n" + "\n".join(
        session.csp_violations
    )


def test_a_visitor_registers_in_german(german_browser):
    page = german_browser.page

    page.goto("/auth/register")
    expect(page.get_by_role("heading", level=1, name="Kundenkonto erstellen")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("E-Mail-Adresse").fill(f"kunde-{uuid.uuid4().hex[:8]}@example.com")
    page.get_by_label("Passwort", exact=True).fill("kurz")
    page.get_by_label("Passwort wiederholen").fill("kurz")
    page.get_by_role("button", name="Konto erstellen").click()
    expect(page.get_by_text("Verwenden Sie mindestens 8 Zeichen.")).to_be_visible()
    check_accessibility(page)

    page.get_by_label("Passwort", exact=True).fill("ein langes Passwort")
    page.get_by_label("Passwort wiederholen").fill("ein langes Passwort")
    page.get_by_role("button", name="Konto erstellen").click()
    expect(flash(page)).to_contain_text("Willkommen! Ihr Kundenkonto ist eingerichtet.")
    expect(page.get_by_role("button", name="Abmelden")).to_be_visible()


def test_a_shopper_buys_and_reads_the_confirmation_in_german_with_euros(german_browser):
    page = german_browser.page

    page.goto("/auth/login")
    expect(page.get_by_role("heading", level=1, name="Anmelden")).to_be_visible()
    page.get_by_label("E-Mail-Adresse").fill(SHOPPER_EMAIL)
    page.get_by_label("Passwort").fill(SHOPPER_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    expect(flash(page)).to_contain_text("Sie sind angemeldet.")
    expect(page.get_by_role("button", name="Abmelden")).to_be_visible()

    page.goto("/?q=Notebook")
    page.get_by_role("link", name=NOTEBOOK, exact=True).first.click()
    expect(page.get_by_role("heading", level=1, name=NOTEBOOK)).to_be_visible()
    expect(page.get_by_text("9,75\xa0€").first).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Menge").fill("1")
    page.get_by_role("button", name="In den Warenkorb").click()

    expect(page).to_have_url(re.compile(r"/cart$"))
    expect(flash(page)).to_contain_text(f"1 × {NOTEBOOK} in den Warenkorb gelegt.")
    check_accessibility(page)

    page.get_by_role("link", name="Zur Kasse").click()
    check_accessibility(page)
    page.get_by_role("button", name="Bestellung aufgeben").click()  # to the saved default address

    expect(page).to_have_url(re.compile(r"/orders/SO-[0-9A-Z]{8}$"))
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Bestellung SO-")
    number = order_number_in(heading.inner_text())
    # 9.75 + 5.00 shipping (under the free-shipping threshold) + 0.78 tax (8% of 9.75)
    totals = page.locator("#totals")
    expect(totals).to_contain_text("9,75\xa0€")
    expect(totals).to_contain_text("15,53\xa0€")
    assert "$" not in totals.inner_text() and "USD" not in totals.inner_text()
    check_accessibility(page)
    german_browser.screenshot(SCREENSHOTS / "confirmation-de_DE.png")

    page.get_by_role("link", name="Meine Bestellungen", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Ihre Bestellungen")).to_be_visible()
    order_row = page.get_by_role("row").filter(has=page.get_by_role("link", name=number))
    expect(order_row).to_contain_text("Ausstehend")
    expect(order_row).to_contain_text(EUROS)
    expect(order_row).to_contain_text(re.compile(r"\d{2}\.\d{2}\.\d{4}"))  # a German date
    check_accessibility(page)
