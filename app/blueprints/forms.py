"""What the pages' forms share: the address text boxes, and a service's field errors shown on a form."""

from flask_wtf import FlaskForm
from wtforms import StringField

from app.models.address_fields import ADDRESS_FIELD_NAMES, ADDRESS_FIELDS


def with_address_fields(*, required: bool):
    """A class decorator adding a text box per address field the form does not define itself.

    `required` marks the required ones for the browser too; the address service checks
    every value either way, so the page and the API accept the same addresses.
    """

    def add_fields(form_class: type[FlaskForm]) -> type[FlaskForm]:
        for field in ADDRESS_FIELDS:
            if field.name in vars(form_class):
                continue
            render_kw = {"autocomplete": field.autocomplete}
            if field.name != "country":
                # Not the country: cut short by the browser, a typed AUT would become AU,
                # another country. The service explains a wrong code instead.
                render_kw["maxlength"] = field.max_length
            if required and field.required:
                render_kw["required"] = True
            setattr(form_class, field.name, StringField(field.label, render_kw=render_kw))
        return form_class

    return add_fields


def address_values(form: FlaskForm) -> dict[str, str]:
    """The address fields as typed, for the address service to check."""
    return {name: form[name].data or "" for name in ADDRESS_FIELD_NAMES}


def show_errors(form: FlaskForm, fields: dict[str, list[str]], renamed: dict[str, str] | None = None) -> None:
    """Put a service's per-field messages on the form's fields, each message once.

    `renamed` maps a service's field name to the form's; a name the form has no field
    for goes to the form's own errors.
    """
    for name, messages in fields.items():
        field = getattr(form, (renamed or {}).get(name, name), None)
        shown = form.form_errors if field is None else field.errors
        new = [message for message in messages if message not in shown]
        if field is None:
            shown.extend(new)
        else:
            # WTForms may hold a field's errors in a tuple: replace, do not extend.
            field.errors = [*shown, *new]
