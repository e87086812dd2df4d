"""Response headers, cookies and other protections (the security issue fills this in)."""

from flask import Flask


def init_security(app: Flask) -> None:
    """Install the site's security headers and protections."""
