"""One error body for every failure under /api/v1 (SPEC section 5).

`{"error": {"code", "message", "details"}}`, whatever went wrong and whatever
the Accept header asks for; `details` is always an object, and never holds a
stack trace.
"""

import logging
import time
import uuid
from http import HTTPStatus

from flask import jsonify
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException

from app.services.accounts.api_tokens import BadCredentials
from app.services.errors import (
    EmptyCart,
    IdempotencyKeyInUse,
    IdempotencyKeyReused,
    InsufficientStock,
    InvalidTransition,
    NotFound,
    ShopError,
    ValidationFailed,
)

log = logging.getLogger(__name__)

CODES = {
    400: "validation_error",
    401: "unauthorized",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
}

MESSAGES = {
    400: "The request is invalid.",
    401: "A valid bearer token is required.",
    404: "There is no such resource.",
    405: "This method is not allowed on this resource.",
    413: "The request body is larger than 64 KiB.",
    415: "Send the body as JSON, with Content-Type: application/json.",
    429: "Too many requests; try again later.",
}


class ErrorDetailSchema(Schema):
    code = fields.String(required=True, metadata={"description": "Machine-readable error code."})
    message = fields.String(required=True, metadata={"description": "What went wrong, for a person."})
    details = fields.Dict(
        required=True,
        metadata={"description": "More about the error, e.g. `fields` or `items`; may be empty."},
    )


class ErrorSchema(Schema):
    """The body of every error response of the API."""

    error = fields.Nested(ErrorDetailSchema, required=True)


class ApiError(HTTPException):
    """An error answered with the SPEC's body; `code` is the HTTP status, `error_code` the SPEC's code."""

    def __init__(self, status: int, error_code: str, message: str, details: dict | None = None):
        super().__init__(description=message)
        self.code = status
        self.error_code = error_code
        self.details = details or {}


def validation_error(fields_: dict[str, list[str]], message: str = "Some fields are invalid.") -> ApiError:
    return ApiError(400, "validation_error", message, {"fields": fields_})


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
        return internal_error_response()
    else:
        details = {"fields": {}} if status == 400 else {}
        message = error.description if status == 429 else MESSAGES.get(status, error.name)
        response = error_response(status, _code_for(status), message, details)
    if status == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    if status == 405 and getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(error.valid_methods)
    if status == 429:
        response.headers["Retry-After"] = str(_retry_after_seconds())
    return response


def domain_error_response(error: ShopError):
    """A service's refusal, mapped to the SPEC's status and code once for the whole API."""
    if isinstance(error, ValidationFailed):
        return error_response(400, "validation_error", error.message, {"fields": error.fields})
    if isinstance(error, EmptyCart):
        return error_response(400, "empty_cart", error.message)
    if isinstance(error, BadCredentials):
        return http_error_response(ApiError(401, "unauthorized", error.message))
    if isinstance(error, NotFound):
        return error_response(404, "not_found", error.message)
    if isinstance(error, InsufficientStock):
        items = [
            {"product_id": i.product_id, "sku": i.sku, "requested": i.requested, "available": i.available}
            for i in error.items
        ]
        return error_response(409, "insufficient_stock", error.message, {"items": items})
    if isinstance(error, InvalidTransition):
        details = {"status": error.current, "target": error.target}
        return error_response(409, "invalid_transition", error.message, details)
    if isinstance(error, IdempotencyKeyInUse):
        return error_response(409, "idempotency_key_in_use", error.message)
    if isinstance(error, IdempotencyKeyReused):
        return error_response(422, "idempotency_key_reused", error.message)
    return error_response(400, "validation_error", error.message, {"fields": {}})


def unexpected_error_response(error: Exception):
    """An exception no handler expected: logged in full under a request id, answered without it."""
    if isinstance(error, HTTPException):
        return http_error_response(error)
    request_id = uuid.uuid4().hex
    log.exception("unexpected error in the API, request id %s", request_id)
    return _internal_error(request_id)


def internal_error_response():
    """Called by app/errors.py, which has already logged the exception."""
    request_id = uuid.uuid4().hex
    log.error("internal error answered on the API, request id %s", request_id)
    return _internal_error(request_id)


def _internal_error(request_id: str):
    response = error_response(
        500,
        "internal_error",
        f"Something went wrong on our side. Quote request id {request_id} if you contact us.",
        {"request_id": request_id},
    )
    response.headers["X-Request-ID"] = request_id
    return response


def _code_for(status: int) -> str:
    if status in CODES:
        return CODES[status]
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
