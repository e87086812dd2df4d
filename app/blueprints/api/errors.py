"""One error body for every failure under /api/v1 (docs/behaviour.md#api).

`{"error": {"code", "message", "details"}}`, whatever went wrong and whatever
the Accept header asks for; `details` is always an object, and never holds a
stack trace. A service's refusal carries its own status and code
(app/services/errors.py); this module only writes them out.
"""

import logging
import time
import uuid
from http import HTTPStatus

from flask import Blueprint, current_app, jsonify, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import PathConverter, Rule

from app.services.errors import ShopError

log = logging.getLogger(__name__)

# The code and message of each HTTP error the API answers outside a service's refusal.
HTTP_ERRORS = {
    400: ("validation_error", "The request is invalid."),
    401: ("unauthorized", "A valid bearer token is required."),
    404: ("not_found", "There is no such resource."),
    405: ("method_not_allowed", "This method is not allowed on this resource."),
    413: ("payload_too_large", "The request body is larger than 64 KiB."),
    414: ("uri_too_long", "The URL is longer than 4,096 bytes."),
    415: ("unsupported_media_type", "Send the body as JSON, with Content-Type: application/json."),
    429: ("rate_limited", "Too many requests; try again later."),
    431: (
        "request_header_fields_too_large",
        "A header is longer than 4,096 bytes, or there are more than 50.",
    ),
}


class ApiError(HTTPException):
    """An error answered with the API's error body; `code` is the HTTP status, `error_code` its error code."""

    def __init__(self, status: int, error_code: str, message: str, details: dict | None = None):
        super().__init__(description=message)
        self.code = status
        self.error_code = error_code
        self.details = details or {}


def validation_error(fields_: dict[str, list[str]], message: str = "Some fields are invalid.") -> ApiError:
    return ApiError(400, "validation_error", message, {"fields": fields_})


def register(bp: Blueprint) -> None:
    """Answer every error of the API blueprint with the error body, unknown paths under it included.

    Routing fails before a blueprint is chosen, so a blueprint's handlers never
    see a 404 or 405 of routing; a catch-all rule under the blueprint's prefix
    makes those requests the blueprint's own (see `unrouted`).
    """
    bp.register_error_handler(ShopError, domain_error_response)
    bp.register_error_handler(HTTPException, http_error_response)
    bp.register_error_handler(Exception, unexpected_error_response)
    bp.record_once(_add_unrouted_rules)
    bp.after_request(_options_allow_this_resources_methods)


def _add_unrouted_rules(state) -> None:
    # Added to the map directly: flask-smorest's add_url_rule would document the rules, and
    # Flask's would answer OPTIONS itself. A method outside ALL_METHODS is refused by routing.
    endpoint = f"{state.name}.unrouted"
    state.app.url_map.converters["unrouted_path"] = UnroutedPath
    for path, options in (("/", {"strict_slashes": False}), ("/<unrouted_path:path>", {})):
        state.app.url_map.add(
            Rule(state.url_prefix + path, endpoint=endpoint, methods=ALL_METHODS, **options)
        )
    state.app.view_functions[endpoint] = unrouted


class UnroutedPath(PathConverter):
    """Any rest of a path, line breaks included (werkzeug's `path` stops at one)."""

    regex = r"[^/][\s\S]*?"


# RFC 9110's methods, PATCH and QUERY (the HTTP QUERY method draft).
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT", "QUERY"]


def unrouted(path: str = ""):
    """A URL under /api/v1 no other rule takes: 404, or 405 if it exists for other methods.

    This rule takes any method, so werkzeug picks it both when no rule has the
    path and when the rules that have it refuse the method; asking the map for
    each method tells the two cases apart.
    """
    allowed = _methods_of_this_path()
    if allowed:
        raise MethodNotAllowed(valid_methods=allowed)
    raise NotFound()


def _methods_of_this_path() -> list[str]:
    """The methods the rules for this request's path take, the catch-all's aside."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    allowed = []
    for method in ALL_METHODS:
        try:
            endpoint, _ = adapter.match(method=method)
        except HTTPException:
            continue
        if not endpoint.endswith(".unrouted"):
            allowed.append(method)
    return allowed


def _options_allow_this_resources_methods(response):
    # Flask's automatic OPTIONS answer lists every rule matching the path, the catch-all's too.
    if request.method == "OPTIONS" and response.status_code == 200 and "Allow" in response.headers:
        response.headers["Allow"] = ", ".join(_methods_of_this_path())
    return response


unrouted.api_unrouted = True


def error_response(status: int, code: str, message: str, details: dict | None = None):
    response = jsonify({"error": {"code": code, "message": message, "details": details or {}}})
    response.status_code = status
    return response


def http_error_response(error: HTTPException):
    """Any HTTP error raised while serving the API (routing, limits, aborts, ApiError)."""
    status = error.code or 500
    if isinstance(error, ApiError):
        response = error_response(status, error.error_code, error.description, error.details)
    elif status >= 500:
        return _internal_error()
    else:
        code, message = HTTP_ERRORS.get(status, (_code_for(status), error.name))
        if status == 429:
            message = error.description  # the limit's own words: which limit was hit
        response = error_response(status, code, message, {"fields": {}} if status == 400 else {})
    return _with_headers(response, status, error)


def domain_error_response(error: ShopError):
    """A service's refusal: the status, code and details it carries."""
    response = error_response(error.http_status, error.code, error.message, error.details())
    return _with_headers(response, error.http_status, error)


def unexpected_error_response(error: Exception):
    """An exception no handler expected: logged in full under a request id, answered without it."""
    if isinstance(error, HTTPException):
        return http_error_response(error)
    return _internal_error()


def _internal_error():
    request_id = uuid.uuid4().hex
    log.exception("unexpected error in the API, request id %s", request_id)
    response = error_response(
        500,
        "internal_error",
        f"Something went wrong on our side. Quote request id {request_id} if you contact us.",
        {"request_id": request_id},
    )
    response.headers["X-Request-ID"] = request_id
    return response


def _with_headers(response, status: int, error: Exception):
    if status == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    if status == 405 and getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(error.valid_methods)
    if status == 429:
        response.headers["Retry-After"] = str(_retry_after_seconds())
    return response


def _code_for(status: int) -> str:
    try:
        return HTTPStatus(status).name.lower()
    except ValueError:
        return "error"


def _retry_after_seconds() -> int:
    from app.extensions import limiter

    current = limiter.current_limit
    if current is None:
        return 60
    return max(1, int(current.reset_at - time.time()))
