"""The flask commands of SPEC section 7."""

from flask import Flask


def register(app: Flask) -> None:
    """Add the shop's commands to `flask --app wsgi`."""
