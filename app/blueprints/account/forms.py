"""The address form. The address service checks every value (required fields,
lengths, ISO country code), so the page and the API accept the same addresses."""

import pycountry
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import EqualTo, InputRequired

from app.services.accounts.addresses import FIELDS, MAX_LENGTHS

COUNTRY_NAMES = {country.alpha_2: country.name for country in pycountry.countries}
COUNTRY_CHOICES = [SelectChoice("", "Choose a country")] + [
    SelectChoice(code, name) for code, name in sorted(COUNTRY_NAMES.items(), key=lambda item: item[1])
]


def _text(label: str, name: str, autocomplete: str, required: bool = True) -> StringField:
    render_kw = {"maxlength": MAX_LENGTHS[name], "autocomplete": autocomplete}
    if required:
        render_kw["required"] = True
    return StringField(label, render_kw=render_kw)


class AddressForm(FlaskForm):
    full_name = _text("Full name", "full_name", "name")
    line1 = _text("Address line 1", "line1", "address-line1")
    line2 = _text("Address line 2 (optional)", "line2", "address-line2", required=False)
    city = _text("City", "city", "address-level2")
    postal_code = _text("Postal code", "postal_code", "postal-code")
    # The service reports a bad code in its own words, so the select does not check its choices.
    country = SelectField(
        "Country",
        choices=COUNTRY_CHOICES,
        validate_choice=False,
        render_kw={"required": True, "autocomplete": "country"},
    )
    phone = _text("Phone (optional)", "phone", "tel", required=False)

    def address_fields(self) -> dict[str, str]:
        return {name: getattr(self, name).data or "" for name in FIELDS}

    def add_errors(self, fields: dict[str, list[str]]) -> None:
        for name, messages in fields.items():
            field = getattr(self, name, None)
            if field is not None:
                field.errors = [*field.errors, *messages]


class NewAddressForm(AddressForm):
    make_default = BooleanField("Use as my default address")


class ProfileForm(FlaskForm):
    name = StringField("Name", render_kw={"maxlength": 120, "autocomplete": "name"})


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password", validators=[InputRequired()], render_kw={"autocomplete": "current-password"}
    )
    password = PasswordField(
        "New password",
        validators=[InputRequired()],
        description="At least 8 characters.",
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Repeat new password",
        validators=[InputRequired(), EqualTo("password", message="The two passwords do not match.")],
        render_kw={"autocomplete": "new-password"},
    )

    def add_errors(self, fields: dict[str, list[str]]) -> None:
        for name, messages in fields.items():
            field = getattr(self, name, None)
            if field is not None:
                field.errors = [*field.errors, *messages]
