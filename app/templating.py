"""Template filters and globals shared by every page and email.

Money and dates are written the way the shop's locale (STORE_LOCALE) writes them, by Babel:
`$12.50` in en_US, `12,50 €` in de_DE.
"""

from datetime import datetime
from decimal import Decimal

from babel import Locale
from flask import Flask
from flask_babel import format_currency, format_date, format_datetime

from app.services.accounts.address_format import address_lines
from app.services.ordering.statuses import status_label


def register(app: Flask) -> None:
    @app.template_filter("money")
    def money(amount: Decimal | None) -> str:
        if amount is None:
            return ""
        # + 0 turns a negative zero into zero: "-$0.00" is never printed.
        return format_currency(Decimal(amount) + 0, app.config["STORE_CURRENCY"])

    @app.template_filter("date")
    def date(moment: datetime | None, format: str = "medium") -> str:
        return format_date(moment, format) if moment is not None else ""

    @app.template_filter("datetime")
    def date_and_time(moment: datetime | None, format: str = "medium") -> str:
        return format_datetime(moment, format) if moment is not None else ""

    app.add_template_filter(status_label, "order_status")
    app.add_template_filter(address_lines)
    # The language alone ("de"), for <html lang> and the card form of the pay page.
    store_language = Locale.parse(app.config["STORE_LOCALE"]).language

    @app.context_processor
    def store_globals() -> dict:
        return {
            "store_currency": app.config["STORE_CURRENCY"],
            "store_name": app.config["STORE_NAME"],
            "store_logo_url": app.config["STORE_LOGO_URL"],
            "store_language": store_language,
        }
