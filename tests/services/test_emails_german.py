"""A German shop (STORE_LOCALE=de_DE, STORE_CURRENCY=EUR) writes its emails in German, with
euro amounts as Germans write them (12,50 €), subjects included."""

from decimal import Decimal

import pytest

from app.extensions import mail
from app.services.ordering import lifecycle
from app.services.ordering.placing import place_order
from tests import factories

# Babel writes a no-break space between the amount and the euro sign (&nbsp; in the HTML).
EUR = "\N{NO-BREAK SPACE}€"


@pytest.fixture
def app_config(app_config):
    return {
        **app_config,
        "STORE_LOCALE": "de_DE",
        "STORE_CURRENCY": "EUR",
        "STORE_NAME": "Teekannen-Kontor",
        "STORE_URL": "https://kontor.example",
        "TAX_RATE": Decimal("0.08"),
        "SHIPPING_FLAT_RATE": Decimal("5.00"),
        "FREE_SHIPPING_THRESHOLD": Decimal("50.00"),
    }


@pytest.fixture
def order_and_email(shopper):
    address = factories.AddressFactory(
        user=shopper,
        full_name="Erika Mustermann",
        line1="Hauptstraße 5",
        city="Berlin",
        postal_code="10115",
        country="DE",
    )
    factories.fill_cart(shopper, (factories.ProductFactory(name="Blaue Teekanne", price=Decimal("12.50")), 2))
    with mail.record_messages() as sent:
        order = place_order(shopper.id, address.id).order
    (email,) = sent
    return order, email


def test_the_confirmation_email_is_german_with_euro_amounts(order_and_email):
    order, email = order_and_email

    assert email.subject == f"Ihre Bestellung {order.number}"
    for text, euro in ((email.html, "&nbsp;€"), (email.body, EUR)):
        assert "Vielen Dank für Ihre Bestellung" in text
        assert "Zwischensumme" in text and "Lieferadresse" in text
        assert f"12,50{euro}" in text and f"25,00{euro}" in text and f"32,00{euro}" in text
        assert "$" not in text
    assert "Erika Mustermann<br>Hauptstraße 5<br>10115 Berlin<br>Deutschland" in email.html
    assert "Bestellung ansehen" in email.html
    assert '<html lang="de">' in email.html


def test_the_shipped_email_is_german(order_and_email, admin):
    order, _ = order_and_email
    lifecycle.change_status(order, "paid", admin.id)

    with mail.record_messages() as sent:
        lifecycle.ship_order(order, admin.id, "dhl_paket", "00340434161094042557")

    (email,) = sent
    assert email.subject == f"Ihre Bestellung {order.number} ist unterwegs"
    assert "Versanddienst: Deutsche Post / DHL Paket" in email.body
    assert (
        "https://www.dhl.de/de/privatkunden/pakete-empfangen/verfolgen.html?piececode=00340434161094042557"
        in email.body
    )
    assert "Sendung verfolgen" in email.html


def test_the_cancel_confirmation_page_is_german(client, shopper, order_and_email):
    order, _ = order_and_email
    client.post("/auth/login", data={"email": shopper.email, "password": "correct horse battery"})

    page = client.get(f"/orders/{order.number}/cancel").get_data(as_text=True)

    assert f"Bestellung {order.number} stornieren?" in page
    assert f"2 Artikel, 32,00{EUR}" in page
    assert "Ja, Bestellung stornieren" in page and "Bestellung behalten" in page
