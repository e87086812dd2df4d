"""Where to send a visitor before and after logging in: only ever somewhere on this site."""

from functools import wraps
from urllib.parse import urlsplit

from flask import flash, redirect, url_for
from flask_login import current_user, login_url

from app.extensions import login_manager


def safe_next_url(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None.

    Browsers read `//host`, `/\\host` and `\\host` as other sites and drop tabs
    and newlines before parsing, so only a plain absolute path is trusted.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def send_to_login(next_url: str, message: str | None = None):
    """Redirect to the login page, which sends the visitor to `next_url` afterwards."""
    flash(str(message or login_manager.login_message), login_manager.login_message_category)
    return redirect(login_url(login_manager.login_view, next_url=next_url))


def login_required_back_to(endpoint: str, *view_args: str):
    """`login_required` for POST-only views: after logging in, the visitor lands on
    the page `endpoint` (the form's page), since the POST URL cannot be opened.
    `view_args` names the view's URL values that page takes too (an order's number)."""

    def decorator(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.is_authenticated:
                return send_to_login(url_for(endpoint, **{name: kwargs[name] for name in view_args}))
            return view(*args, **kwargs)

        return guarded

    return decorator
