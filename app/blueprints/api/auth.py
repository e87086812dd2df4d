"""Checks made before any API view runs: body size and type, then the bearer token.

The API never reads or writes the session cookie: the caller is the owner of
the token, kept on `g` for this request only.
"""

from flask import current_app, g, request
from sqlalchemy import Row
from werkzeug.exceptions import RequestEntityTooLarge

from app.blueprints.api.errors import ApiError
from app.services.api_tokens import verify_token


def public(view):
    """Mark a view that needs no token (the catalog, asking for a token)."""
    view.api_public = True
    return view


def guard_request() -> None:
    """Refuse an oversized or non-JSON body, then a missing, bad, expired or revoked token."""
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if limit is not None and (request.content_length or 0) > limit:
        raise RequestEntityTooLarge()
    if _has_body() and not request.is_json:
        raise ApiError(
            415, "unsupported_media_type", "Send the body as JSON, with Content-Type: application/json."
        )
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "api_public", False):
        return
    token = verify_token(_bearer_token())
    if token is None:
        raise ApiError(401, "unauthorized", "A valid bearer token is required.")
    g.api_token = token


def current_token() -> Row:
    """The caller's token as (id, user_id)."""
    return g.api_token


def current_user_id() -> int:
    return g.api_token.user_id


def _has_body() -> bool:
    chunked = "chunked" in request.headers.get("Transfer-Encoding", "").lower()
    return bool(request.content_length) or chunked


def _bearer_token() -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""
