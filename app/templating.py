"""Template filters and globals shared by every page and email."""

from decimal import Decimal

from flask import Flask


def register(app: Flask) -> None:
    @app.template_filter("money")
    def money(amount: Decimal | None) -> str:
        if amount is None:
            return ""
        return f"{app.config['STORE_CURRENCY']} {Decimal(amount):,.2f}"

    @app.context_processor
    def store_globals() -> dict:
        return {"store_currency": app.config["STORE_CURRENCY"]}
