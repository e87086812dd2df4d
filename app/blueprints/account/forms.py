"""The address form. The address service checks every value (required fields,
lengths, ISO country code), so the page and the API accept the same addresses."""

import pycountry
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import EqualTo, InputRequired

from app.blueprints.forms import with_address_fields
from app.blueprints.input_rules import PageForm

COUNTRY_NAMES = {country.alpha_2: country.name for country in pycountry.countries}
COUNTRY_CHOICES = [SelectChoice("", "Choose a country")] + [
    SelectChoice(code, name) for code, name in sorted(COUNTRY_NAMES.items(), key=lambda item: item[1])
]


@with_address_fields(required=True)
class AddressForm(PageForm):
    # A list of countries here; the service reports a bad code in its own words, so the
    # select does not check its choices.
    country = SelectField(
        "Country",
        choices=COUNTRY_CHOICES,
        validate_choice=False,
        render_kw={"required": True, "autocomplete": "country"},
    )


class NewAddressForm(AddressForm):
    make_default = BooleanField("Use as my default address")


class ProfileForm(PageForm):
    name = StringField(_l("Name"), render_kw={"maxlength": 120, "autocomplete": "name"})


class ChangePasswordForm(PageForm):
    current_password = PasswordField(
        _l("Current password"), validators=[InputRequired()], render_kw={"autocomplete": "current-password"}
    )
    password = PasswordField(
        _l("New password"),
        validators=[InputRequired()],
        description=_l("At least 8 characters."),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat new password"),
        validators=[InputRequired(), EqualTo("password", message=_l("The two passwords do not match."))],
        render_kw={"autocomplete": "new-password"},
    )
