"""The one rule for text a page accepts, wherever it arrives: a form field, a query string, a path.

Text a person can type holds no NUL (PostgreSQL refuses it in a text column), no other
control character and no unpaired surrogate, and no value on any page is longer than
MAX_TEXT_LENGTH. Input that breaks the rule is refused where it arrives, before a view or a
service reads it: a form field gets an error and the form is shown again, a query-string
value is ignored and the page says so, and a path value names nothing (404).
The API applies the same rule through its schemas (app/blueprints/api/schemas.py: Text).
"""

import re

from flask import Flask, g, request
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.form import SUBMIT_METHODS, _Auto
from werkzeug.datastructures import MultiDict
from werkzeug.routing import UnicodeConverter, ValidationError

# The longest value any page takes (a product description); fields have their own, shorter limits.
MAX_TEXT_LENGTH = 10_000
# A search term, as the API's `q` (app/blueprints/api/schemas.py: ProductQuerySchema).
MAX_QUERY_LENGTH = 200
# A slug or an order number; no path value of a page is longer.
MAX_PATH_VALUE_LENGTH = 255

# C0 controls but tab, line feed and carriage return (a textarea sends those), DEL, C1
# controls, and surrogates (UTF-8 cannot encode one alone, so the page could not be sent).
NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")

NOT_TEXT_MESSAGE = _l("This contains characters that are not text (such as NUL); please type it again.")


def text_problem(value, max_length: int = MAX_TEXT_LENGTH) -> str | None:
    """Why `value` is not text a page accepts, or None when it is."""
    if not isinstance(value, str):
        return _("Please enter text.")
    if NOT_TEXT.search(value):
        return str(NOT_TEXT_MESSAGE)
    if len(value) > max_length:
        return _("Please shorten this to at most %(count)s characters.", count=format_decimal(max_length))
    return None


# --- forms


class PageForm(FlaskForm):
    """The base of every page's form: a field whose submitted value breaks the rule is
    emptied and carries the rule's message, so the form does not validate and no view or
    service ever reads the value (some views read a field without validating the form)."""

    class Meta:
        def wrap_formdata(self, form, formdata):
            # Flask-WTF would read a JSON body as the form: its numbers, lists and nulls are
            # values no HTML form sends. Pages read HTML form posts only.
            if formdata is _Auto and request.is_json:
                formdata = request.form if request.method in SUBMIT_METHODS else None
            return super().wrap_formdata(form, formdata)

    def process(self, formdata=None, obj=None, data=None, extra_filters=None, **kwargs):
        formdata = self.meta.wrap_formdata(self, formdata)
        self.refused_input: dict[str, str] = {}
        if formdata is not None:
            formdata, self.refused_input = _screened(formdata, {field.name for field in self})
        super().process(formdata, obj, data=data, extra_filters=extra_filters, **kwargs)
        for field in self:
            if field.name in self.refused_input:
                field.process_errors.append(self.refused_input[field.name])
                field.errors = [self.refused_input[field.name]]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if field.name in self.refused_input:
                # Only the rule's message: "required" would be about the emptied value.
                field.errors = [self.refused_input[field.name]]
        return valid and not self.refused_input


def _screened(formdata, field_names: set[str]) -> tuple[MultiDict, dict[str, str]]:
    """The form data with every value that breaks the rule replaced by "", and why, by field."""
    screened, refused = MultiDict(), {}
    for name, value in formdata.items(multi=True):
        problem = text_problem(value) if name in field_names and not hasattr(value, "stream") else None
        if problem:
            refused.setdefault(name, problem)
            value = ""
        screened.add(name, value)
    return screened, refused


# --- query strings


def query_text(name: str, label: str, max_length: int = MAX_QUERY_LENGTH) -> str:
    """`?name=` without its surrounding blanks; "" when it breaks the rule, and the page
    then tells the visitor it ignored their `label` (see ignored_query_values)."""
    value = request.args.get(name, "")
    problem = text_problem(value, max_length)
    if problem is None:
        return value.strip()
    g.setdefault("ignored_query_values", []).append(
        _("Your %(label)s was ignored: %(problem)s", label=label, problem=problem)
    )
    return ""


# --- path values


class PathText(UnicodeConverter):
    """The pages' default URL converter: a path value that breaks the rule names nothing (404)."""

    def __init__(self, map, minlength: int = 1, maxlength: int = MAX_PATH_VALUE_LENGTH, length=None):
        super().__init__(map, minlength, maxlength, length)

    def to_python(self, value: str) -> str:
        if text_problem(value, MAX_PATH_VALUE_LENGTH):
            raise ValidationError()
        return value


def init_app(app: Flask) -> None:
    """Install the path converter (before any blueprint adds its routes) and the page notice."""
    app.url_map.converters["default"] = PathText
    app.url_map.converters["string"] = PathText

    @app.context_processor
    def ignored_query_values() -> dict:
        return {"ignored_query_values": g.get("ignored_query_values", [])}
