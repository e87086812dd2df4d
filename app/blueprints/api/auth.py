"""Checks made before any API view runs: body size and type, then the bearer token.

The API never reads or writes the session cookie: the caller is the owner of
the token, kept on `g` for this request only.
"""

import io

from flask import current_app, g, request
from sqlalchemy import Row
from werkzeug.exceptions import RequestEntityTooLarge, RequestHeaderFieldsTooLarge, RequestURITooLarge

from app.blueprints.api.errors import ApiError
from app.blueprints.api.parsing import refuse_fields_in_body
from app.services.accounts.api_tokens import verify_token

# Below gunicorn's limits (gunicorn.conf.py: a request line of 8,190 bytes, 100 headers of
# 8,190 bytes each), so an API client over them gets the API's error body, not gunicorn's page.
MAX_URL_BYTES = 4096
MAX_HEADER_BYTES = 4096
MAX_HEADERS = 50


def public(view):
    """Mark a view that needs no token (the catalog, asking for a token)."""
    view.api_public = True
    return view


def guard_request() -> None:
    """Refuse an over-long URL or headers, an oversized, non-JSON or unwanted body, then a bad token."""
    refuse_oversized_head()
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "api_unrouted", False):
        return  # no such resource: its 404 or 405 comes first
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if limit is not None and (request.content_length or 0) > limit:
        raise RequestEntityTooLarge()
    has_body = _has_body()
    if limit is not None and request.content_length is None and has_body:
        _read_chunked_body(limit)
    if has_body and not request.is_json:
        raise ApiError(
            415, "unsupported_media_type", "Send the body as JSON, with Content-Type: application/json."
        )
    if has_body and not getattr(view, "api_takes_body", False):
        refuse_fields_in_body()
    if getattr(view, "api_public", False):
        return
    token = verify_token(_bearer_token())
    if token is None:
        raise ApiError(401, "unauthorized", "A valid bearer token is required.")
    g.api_token = token


def refuse_oversized_head() -> None:
    """414 for a URL over MAX_URL_BYTES as sent; 431 for a header over MAX_HEADER_BYTES, or too many."""
    environ = request.environ
    url = environ.get("RAW_URI") or environ.get("REQUEST_URI") or request.full_path
    if len(url.encode("latin-1", "replace")) > MAX_URL_BYTES:
        raise RequestURITooLarge()
    # Read from the WSGI environ (HTTP_<NAME> keys): on every API request, so kept cheap.
    count = 0
    for key, value in environ.items():
        if key[:5] == "HTTP_":
            count += 1
            if len(key) - 3 + len(value) > MAX_HEADER_BYTES or count > MAX_HEADERS:
                raise RequestHeaderFieldsTooLarge()


def current_token() -> Row:
    """The caller's token as (id, user_id)."""
    return g.api_token


def current_user_id() -> int:
    return g.api_token.user_id


def _has_body() -> bool:
    chunked = "chunked" in request.headers.get("Transfer-Encoding", "").lower()
    return bool(request.content_length) or chunked


def _read_chunked_body(limit: int) -> None:
    """Read a body sent without Content-Length (chunked) here, so one over the limit is a 413.

    werkzeug would stop reading at the limit and hand the view the body cut short.
    Only a server that ends the stream itself (gunicorn sets wsgi.input_terminated)
    can be read to its end; werkzeug gives the view nothing from any other.
    """
    environ = request.environ
    if not environ.get("wsgi.input_terminated"):
        return
    body = environ["wsgi.input"].read(limit + 1)
    if len(body) > limit:
        raise RequestEntityTooLarge()
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))


def _bearer_token() -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""
