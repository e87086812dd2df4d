"""Whose cart a request is about: the logged-in shopper's, or a visitor's by their cart cookie.

The cookie holds a random token (256 bits), HttpOnly, SameSite=Lax, Secure in
production, for 30 days from the cart's last change; it is set only once a visitor
puts something in a cart, and dropped when their cart merges into an account's.
"""

import re
import secrets

from flask import Flask, current_app, g, request
from flask_login import current_user

from app.services.ordering import cart
from app.services.ordering.cart import VISITOR_CART_LIFETIME, CartOwner, Visitor

COOKIE_NAME = "cart"
TOKEN_FORMAT = re.compile(r"^[A-Za-z0-9_-]{43}$")  # secrets.token_urlsafe(32)


def current_visitor() -> Visitor | None:
    """The visitor of the cart cookie, if the request carries a well-formed one."""
    token = request.cookies.get(COOKIE_NAME, "")
    return Visitor(token) if TOKEN_FORMAT.match(token) else None


def cart_owner() -> CartOwner | None:
    """The shopper's user id, or the visitor of the cookie; None: a visitor with no cart yet."""
    if current_user.is_authenticated:
        return current_user.id
    return current_visitor()


def cart_owner_for_change() -> CartOwner:
    """As cart_owner, giving a visitor with no cart a new token; the response sets the cookie
    (and renews it for another 30 days on every change)."""
    owner = cart_owner()
    if owner is None:
        owner = Visitor(secrets.token_urlsafe(32))
    if isinstance(owner, Visitor):
        g.visitor_cookie = owner.token
    return owner


def merge_into_account(user_id: int) -> None:
    """At login or registration: the visitor's cart joins the account's; the cookie goes."""
    visitor = current_visitor()
    if visitor is not None:
        cart.merge_visitor_cart(user_id, visitor)
        g.visitor_cookie = ""


def cart_item_count() -> int:
    """For the header of every page: the items in this request's cart."""
    owner = cart_owner()
    return cart.item_count(owner) if owner is not None else 0


def init_visitor_cookie(app: Flask) -> None:
    app.after_request(_write_cookie)
    app.context_processor(lambda: {"cart_item_count": cart_item_count})


def _write_cookie(response):
    token = g.pop("visitor_cookie", None)
    if token:
        response.set_cookie(
            COOKIE_NAME,
            token,
            max_age=int(VISITOR_CART_LIFETIME.total_seconds()),
            httponly=True,
            samesite="Lax",
            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        )
    elif token == "":
        response.delete_cookie(
            COOKIE_NAME,
            httponly=True,
            samesite="Lax",
            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        )
    return response
