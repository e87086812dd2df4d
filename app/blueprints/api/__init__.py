"""JSON API v1 for the companion app (SPEC section 5)."""

from flask import Flask


def init_api(app: Flask) -> None:
    """Register the API under /api/v1."""
