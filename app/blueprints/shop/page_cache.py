"""The product list as anonymous visitors see it, kept for a few seconds in each web process.

A visitor who sends neither a session, a remember-me nor a cart cookie sees what every such
visitor sees: no user, an empty cart, no flashed message, and no CSRF token (base.html only
asks for one for a logged-in user; the product cards' "Add to cart" forms carry CSRF_TOKEN_SLOT,
which with_csrf_token() fills in for each visitor after the cache). Only their pages are
stored and served from here, keyed by path and query string, for CATALOG_PAGE_CACHE_SECONDS.
Anyone with a session always gets a fresh page.

A product selling out through checkouts therefore shows at most that many seconds late. A
commit that adds or changes a product or a stock adjustment through the ORM (admin saves,
activation, stock changes) clears the cache of the process that made it; the other web
processes, and a `products import` run from the command line, catch up within the timeout.
"""

from itertools import chain

from flask import Flask, current_app, has_app_context, request, session
from flask_caching import Cache
from flask_login.config import COOKIE_NAME as DEFAULT_REMEMBER_COOKIE_NAME
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy import event

from app.blueprints.cart.visitor import COOKIE_NAME as CART_COOKIE_NAME
from app.extensions import db
from app.models import Category, Product, ProductImage, StockAdjustment

page_cache = Cache()

# Stands for the visitor's CSRF token in a kept page. Written unescaped: the text of a product or
# a search is always escaped, so its "<" can never make the slot.
CSRF_TOKEN_SLOT = Markup("<csrf-token>")


def init_page_cache(app: Flask) -> None:
    """One in-memory cache per app (each web process has its own)."""
    page_cache.init_app(
        app,
        config={
            "CACHE_TYPE": "SimpleCache",
            "CACHE_DEFAULT_TIMEOUT": app.config["CATALOG_PAGE_CACHE_SECONDS"],
            "CACHE_THRESHOLD": 500,  # distinct searches and pages kept; the oldest go first
        },
    )


def renders_afresh() -> bool:
    """True when this request may not use the cache: it is off, or the visitor has a session
    or a cart (the header shows its item count)."""
    config = current_app.config
    if config["CATALOG_PAGE_CACHE_SECONDS"] == 0:
        return True  # a timeout of 0 would mean "forever" to the cache
    remember_cookie = config.get("REMEMBER_COOKIE_NAME", DEFAULT_REMEMBER_COOKIE_NAME)
    own_cookies = (config["SESSION_COOKIE_NAME"], remember_cookie, CART_COOKIE_NAME)
    return any(name in request.cookies for name in own_cookies)


def rendered_for_nobody(_page) -> bool:
    """Store a page only if rendering it left the session empty (no flash, user or token)."""
    return not session.modified and not session


def with_csrf_token(page: str) -> str:
    """The page with this visitor's CSRF token in each form that has the slot (which starts
    a session for a visitor without one, as any form does)."""
    if CSRF_TOKEN_SLOT not in page:
        return page
    return page.replace(CSRF_TOKEN_SLOT, generate_csrf())


def _note_catalog_change(db_session, _flush_context) -> None:
    changed = chain(db_session.new, db_session.dirty, db_session.deleted)
    if any(isinstance(row, Product | StockAdjustment | Category | ProductImage) for row in changed):
        db_session.info["catalog_changed"] = True


def _forget_pages_after_catalog_change(db_session) -> None:
    if not db_session.info.pop("catalog_changed", False):
        return
    if has_app_context() and page_cache in current_app.extensions.get("cache", {}):
        page_cache.clear()


# Listened for on the session rather than called from each service, so no way of changing the
# catalog through the app can forget it. Checkouts take stock with a plain UPDATE and
# add no such row: they do not clear the cache, which would defeat it during a sale.
event.listen(db.session, "after_flush", _note_catalog_change)
event.listen(db.session, "after_commit", _forget_pages_after_catalog_change)
