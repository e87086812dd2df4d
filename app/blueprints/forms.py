"""What the pages' forms share: the address fields, and a service's field errors shown on a form."""

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField

from app.models.address_fields import ADDRESS_FIELD_NAMES, ADDRESS_FIELDS
from app.services.accounts.address_format import country_choices

# The address fields' labels, in the shop's language (the field list's own are English).
ADDRESS_LABELS = {
    "full_name": _l("Full name"),
    "line1": _l("Address line 1"),
    "line2": _l("Address line 2 (optional)"),
    "city": _l("City"),
    "region": _l("State / province / region"),
    "postal_code": _l("Postal code"),
    "country": _l("Country"),
    "phone": _l("Phone (optional)"),
}


def with_address_fields(*, required: bool):
    """A class decorator adding a field per address field the form does not define itself:
    a text box each, and a list of countries by name.

    `required` marks the required ones for the browser too; the address service checks
    every value either way (and the country's own rules), so the page and the API accept
    the same addresses.
    """

    def add_fields(form_class: type[FlaskForm]) -> type[FlaskForm]:
        for field in ADDRESS_FIELDS:
            if field.name in vars(form_class):
                continue
            render_kw = {"autocomplete": field.autocomplete}
            if required and field.required:
                render_kw["required"] = True
            label = ADDRESS_LABELS[field.name]
            if field.name == "country":
                # The service explains a code that is not a country: the list does not check it.
                country = SelectField(
                    label,
                    choices=_country_options,
                    default=_shop_country,
                    validate_choice=False,
                    render_kw=render_kw,
                )
                setattr(form_class, field.name, country)
                continue
            render_kw["maxlength"] = field.max_length
            setattr(form_class, field.name, StringField(label, render_kw=render_kw))
        return form_class

    return add_fields


def _country_options() -> list[tuple[str, str]]:
    return [("", _("Choose a country")), *country_choices()]


def _shop_country() -> str:
    """The shop's own country (en_US: the United States) is chosen until another is."""
    return get_locale().territory or ""


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
