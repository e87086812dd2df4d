"""Reading request bodies and query strings: every failure is a 400 validation_error."""

import json

from flask import request
from marshmallow import Schema
from webargs.flaskparser import FlaskParser

from app.blueprints.api.errors import validation_error

BODY = "body"  # where errors about the body as a whole are reported in details.fields


class ApiParser(FlaskParser):
    """webargs' Flask parser, answering with the API's error body instead of webargs' 422."""

    DEFAULT_VALIDATION_STATUS = 400

    def _raw_load_json(self, req):
        try:
            return super()._raw_load_json(req)
        except RecursionError as exc:  # absurdly deep nesting: not a body we accept
            raise validation_error(
                {BODY: ["The body nests too deeply."]}, "The body is not valid JSON."
            ) from exc
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise  # webargs answers these (_handle_invalid_json_error)
        except ValueError as exc:  # an integer over Python's 4,300 digits
            raise validation_error(
                {BODY: ["A number in the body is too long."]}, "The body is not valid JSON."
            ) from exc

    def _handle_invalid_json_error(self, error, req, *args, **kwargs):
        if isinstance(error, json.JSONDecodeError):
            message = f"Invalid JSON: {error.msg} (line {error.lineno}, column {error.colno})."
        else:
            message = "The body is not valid UTF-8."
        raise validation_error({BODY: [message]}, "The body is not valid JSON.")

    def handle_error(self, error, req, schema, *, error_status_code, error_headers):
        raise validation_error(field_messages(error.messages))


def field_messages(messages: dict) -> dict[str, list[str]]:
    """webargs' {location: {field: [messages]}} as one {field: [messages]} mapping."""
    result: dict[str, list[str]] = {}
    for by_field in messages.values():
        if not isinstance(by_field, dict):
            result.setdefault(BODY, []).extend(_as_list(by_field))
            continue
        for name, field_errors in by_field.items():
            key = BODY if name == "_schema" else str(name)
            result.setdefault(key, []).extend(_as_list(field_errors))
    return result


def _as_list(errors) -> list[str]:
    if isinstance(errors, dict):
        return [f"{key}: {message}" for key, value in errors.items() for message in _as_list(value)]
    if isinstance(errors, list | tuple):
        return [message for item in errors for message in _as_list(item)]
    return [str(errors)]


PARSER = ApiParser()  # one for the app: the routes' arguments and the check below
NO_FIELDS = Schema.from_dict({}, name="NoFieldsSchema")()


def refuse_fields_in_body() -> None:
    """For an operation that takes no body: malformed JSON, or any field in it, is a 400.

    An empty body or `{}` passes. Without this a cancel with `{"reason": ...}` would
    succeed and leave the caller believing the reason was kept.
    """
    PARSER.parse(NO_FIELDS, request, location="json")
