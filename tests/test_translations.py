"""The shop speaks its STORE_LOCALE (docs/translations.md): every marked string has its German,
the compiled catalog is the committed one, and a German shop writes German words, euros and dates.

Strings are extracted from the code here as `scripts/translations extract` does, so a string
marked but never translated fails the first test, which names it.
"""

import io
import re
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import render_template, render_template_string
from flask_babel import force_locale

from app import create_app
from app.services.errors import EmptyCart, InsufficientStock, OrderTooLarge, ShortLine
from app.services.ordering import coupons
from config import ConfigError
from tests.blueprints.conftest import make_order
from tests.conftest import PASSWORD
from tests.factories import CouponFactory, ProductFactory

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "app" / "translations"
CATALOGS = sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))
GERMAN = TRANSLATIONS / "de_DE" / "LC_MESSAGES" / "messages.po"
# As scripts/translations extract: Babel's default keywords, and lazy_gettext under both names.
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "lazy_gettext": None,
    "_l": None,
}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")


def read_catalog(path: Path):
    with path.open("rb") as po:
        return read_po(po)


def singular(msgid: str | tuple) -> str:
    """A message's id; a plural message (one, many) is known by its singular."""
    return msgid[0] if isinstance(msgid, tuple) else msgid


def forms(text: str | tuple) -> tuple:
    """Every form of a message or its translation; an untranslated form is ""."""
    return text if isinstance(text, tuple) else (text,)


def extracted_messages() -> set[str]:
    """Every msgid the code marks, read with babel.cfg as `pybabel extract` reads it."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        found.add(singular(message))
    return found


# --- the catalogs


def test_the_code_has_marked_strings_to_extract():
    # Guards the test below: a babel.cfg that matched no file would find nothing untranslated.
    assert {"Log in", "Your cart is empty.", "Not enough stock for: %(lines)s."} <= extracted_messages()


def test_every_marked_string_has_a_german_translation():
    german = {singular(message.id): forms(message.string) for message in read_catalog(GERMAN) if message.id}
    untranslated = sorted(msgid for msgid in extracted_messages() if not all(german.get(msgid, ("",))))
    assert not untranslated, (
        f"{len(untranslated)} marked strings have no German in {GERMAN.relative_to(ROOT)} "
        "(scripts/translations update, fill in msgstr, scripts/translations compile):\n"
        + "\n".join(f"  {msgid!r}" for msgid in untranslated)
    )


@pytest.mark.parametrize("po_path", CATALOGS, ids=lambda path: path.parts[-3])
def test_the_committed_mo_is_the_po_compiled(po_path: Path):
    catalog = read_catalog(po_path)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    committed = po_path.with_suffix(".mo").read_bytes()
    assert compiled.getvalue() == committed, f"run scripts/translations compile: {po_path.with_suffix('.mo')}"


@pytest.mark.parametrize("po_path", CATALOGS, ids=lambda path: path.parts[-3])
def test_no_translation_is_fuzzy(po_path: Path):
    # A fuzzy entry is a guess: the shop would ignore it and show English.
    fuzzy = [message.id for message in read_catalog(po_path) if message.id and message.fuzzy]
    assert not fuzzy, f"fuzzy in {po_path.relative_to(ROOT)}: {fuzzy}"


@pytest.mark.parametrize("po_path", CATALOGS, ids=lambda path: path.parts[-3])
def test_every_translation_keeps_the_placeholders_of_its_original(po_path: Path):
    wrong = [
        f"{message.id!r} -> {message.string!r}"
        for message in read_catalog(po_path)
        if message.id
        and any(
            translated and sorted(PLACEHOLDER.findall(original)) != sorted(PLACEHOLDER.findall(translated))
            for original, translated in zip(forms(message.id) * 2, forms(message.string), strict=False)
        )
    ]
    assert not wrong, f"placeholders lost or added in {po_path.relative_to(ROOT)}:\n" + "\n".join(wrong)


def test_the_placeholder_check_sees_a_lost_placeholder():
    lost = ("Add %(amount)s for free shipping", "Für kostenlosen Versand fehlt noch etwas")
    assert sorted(PLACEHOLDER.findall(lost[0])) != sorted(PLACEHOLDER.findall(lost[1]))


# --- the setting


def test_a_locale_babel_does_not_know_refuses_to_start(app_config):
    with pytest.raises(ConfigError, match="STORE_LOCALE"):
        create_app({**app_config, "STORE_LOCALE": "xx"})


def test_a_language_without_a_catalog_refuses_to_start(app_config):
    with pytest.raises(ConfigError, match="No translation for fr_FR"):
        create_app({**app_config, "STORE_LOCALE": "fr_FR"})


def test_any_english_locale_needs_no_catalog(app_config):
    british = create_app({**app_config, "STORE_LOCALE": "en_GB", "STORE_CURRENCY": "GBP"})

    with british.test_request_context():
        assert render_template_string("{{ 12.5|money }}") == "£12.50"


# --- an English shop, as it always was


def test_an_english_shop_speaks_english_with_dollars(client, shopper, auth):
    make_order(shopper, "SO-ENGLISH1", total="12.50", created_at=datetime(2026, 3, 4, 12, 0, tzinfo=UTC))
    auth.login()

    page = client.get("/account/orders").get_data(as_text=True)

    assert "<h1>Your orders</h1>" in page
    assert "$12.50" in page
    assert "Mar 4, 2026" in page
    assert "Pending" in page


# --- a German shop


class TestGermanShop:
    @pytest.fixture
    def app_config(self, app_config) -> dict:
        return {**app_config, "STORE_LOCALE": "de_DE", "STORE_CURRENCY": "EUR"}

    def test_the_login_page_and_its_errors_are_german(self, client):
        page = client.post("/auth/login", data={"email": "", "password": ""}).get_data(as_text=True)

        assert "<h1>Anmelden</h1>" in page
        assert '<label for="email">E-Mail-Adresse</label>' in page
        assert "Dieses Feld wird benötigt." in page  # WTForms' own message
        assert "Bitte korrigieren Sie die markierten Felder." in page

    def test_a_wrong_password_is_refused_in_german(self, client, shopper):
        page = client.post("/auth/login", data={"email": shopper.email, "password": "wrong"}).get_data(
            as_text=True
        )

        assert "E-Mail-Adresse oder Passwort ist falsch." in page

    def test_registering_with_a_short_password_is_refused_in_german(self, client):
        response = client.post(
            "/auth/register", data={"email": "neu@example.com", "password": "kurz", "confirm": "kurz"}
        )

        assert response.status_code == 400
        assert "Verwenden Sie mindestens 8 Zeichen." in response.get_data(as_text=True)

    def test_registering_with_an_invalid_email_is_refused_in_german(self, client):
        response = client.post(
            "/auth/register", data={"email": "keine-adresse", "password": PASSWORD, "confirm": PASSWORD}
        )

        assert response.status_code == 400
        assert "Geben Sie eine gültige E-Mail-Adresse ein, etwa name@example.com." in response.get_data(
            as_text=True
        )

    def test_a_page_behind_the_login_asks_for_it_in_german(self, client):
        response = client.get("/account/orders", follow_redirects=True)

        assert "Bitte melden Sie sich an, um fortzufahren." in response.get_data(as_text=True)

    def test_the_order_history_shows_euros_german_dates_and_statuses(self, client, shopper, auth):
        make_order(shopper, "SO-GERMAN01", total="12.50", created_at=datetime(2026, 3, 4, 12, 0, tzinfo=UTC))
        auth.login()

        page = client.get("/account/orders").get_data(as_text=True)

        assert "<h1>Ihre Bestellungen</h1>" in page
        assert "12,50\xa0€" in page
        assert "04.03.2026" in page
        assert "Ausstehend" in page
        assert 'data-label="Gesamt"' in page

    def test_the_account_page_is_german(self, client, shopper, auth):
        auth.login()

        page = client.get("/account").get_data(as_text=True)

        assert "<h1>Ihr Kundenkonto</h1>" in page
        assert "Passwort ändern" in page
        assert "Mindestens 8 Zeichen." in page

    def test_adding_to_the_cart_says_so_in_german(self, client):
        mug = ProductFactory(name="Tasse", price=Decimal("12.50"))

        response = client.post(
            "/cart/items", data={"product_id": mug.id, "quantity": 2}, follow_redirects=True
        )

        assert "2 × Tasse in den Warenkorb gelegt." in response.get_data(as_text=True)

    def test_a_wrong_quantity_is_refused_in_german(self, client):
        mug = ProductFactory(name="Tasse")

        response = client.post(
            "/cart/items", data={"product_id": mug.id, "quantity": 0}, follow_redirects=True
        )

        assert "Die Menge muss eine ganze Zahl von 1 bis 999 sein." in response.get_data(as_text=True)

    def test_the_forgotten_password_and_find_order_pages_are_german(self, client):
        forgot = client.get("/auth/forgot").get_data(as_text=True)
        find = client.get("/orders/find").get_data(as_text=True)

        assert "<h1>Passwort vergessen?</h1>" in forgot
        assert "<h1>Bestellung finden</h1>" in find
        assert "Bestellnummer" in find

    def test_short_stock_is_explained_in_german(self, app):
        error = InsufficientStock([ShortLine(1, "SKU-1", "Tasse", requested=3, available=1)])

        assert error.message == "Nicht genug auf Lager: Tasse (gewünscht: 3, verfügbar: 1)."

    def test_a_coupon_under_its_minimum_names_the_minimum_in_euros(self, app):
        coupon = CouponFactory(code="AB50", min_order_amount=Decimal("50.00"))

        with pytest.raises(coupons.CouponUnusable) as refused:
            coupons.check_coupon(coupon, Decimal("10.00"), user_uses=0)

        assert refused.value.message == "Dieser Gutschein gilt erst ab einem Bestellwert von 50,00\xa0€."

    def test_an_order_too_large_names_its_limit_the_german_way(self, app):
        error = OrderTooLarge(Decimal("9999999999.99"))

        assert "(9.999.999.999,99)" in error.message
        assert error.message.startswith("Die Gesamtsumme dieser Bestellung")

    def test_an_errors_own_message_is_a_german_string_even_read_from_its_class(self, app):
        assert EmptyCart.message == "Ihr Warenkorb ist leer."
        assert type(EmptyCart.message) is str  # no lazy text to land in a flash
        assert EmptyCart().message == "Ihr Warenkorb ist leer."

    def test_the_english_words_come_back_with_an_english_locale(self, app):
        with force_locale("en_US"):
            assert InsufficientStock([ShortLine(1, "S", "Mug", 3, 1)]).message == (
                "Not enough stock for: Mug (you asked for 3, 1 available)."
            )


def test_the_pay_page_is_german_and_gives_its_script_german_words(app_config):
    german = create_app({**app_config, "STORE_LOCALE": "de_DE", "STORE_CURRENCY": "EUR"})
    order = SimpleNamespace(number="SO-PAYDE001", total_payable=Decimal("12.50"))
    payment = SimpleNamespace(client_secret="pi_secret", failure_message="")

    with german.test_request_context():
        page = render_template(
            "payments/pay.html",
            order=order,
            payment=payment,
            payable=True,
            stripe_js_url="https://js.stripe.test/v3/",
            publishable_key="pk_test",
            key=None,
        )

    assert "<h1>Bestellung SO-PAYDE001 bezahlen</h1>" in page
    assert "12,50\xa0€ bezahlen</button>" in page
    assert 'data-failed-message="Die Zahlung konnte nicht ausgeführt werden."' in page
    assert 'data-locale="de"' in page
