"""One error body for every failure under /api/v1 (SPEC section 5)."""

import uuid

from flask import jsonify
from werkzeug.exceptions import HTTPException

CODES = {
    400: "validation_error",
    401: "unauthorized",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
}


def error_response(status: int, code: str, message: str, details: dict | None = None):
    response = jsonify({"error": {"code": code, "message": message, "details": details or {}}})
    response.status_code = status
    return response


def http_error_response(error: HTTPException):
    code = CODES.get(error.code or 500, "internal_error")
    return error_response(error.code or 500, code, error.description or error.name)


def internal_error_response():
    request_id = uuid.uuid4().hex
    return error_response(
        500, "internal_error", "Something went wrong on our side.", {"request_id": request_id}
    )
