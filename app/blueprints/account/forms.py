"""The address form. The address service checks every value (required fields,
lengths, ISO country code, the country's own rules), so the page and the API accept
the same addresses."""

import pycountry
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import EqualTo, InputRequired

from app.blueprints.forms import with_address_fields
from app.blueprints.input_rules import PageForm

# Kept for the account pages' templates; the forms' country list is in the shop's language.
COUNTRY_NAMES = {country.alpha_2: country.name for country in pycountry.countries}


@with_address_fields(required=True)
class AddressForm(PageForm):
    """Every address field, the country from a list (app/blueprints/forms.py)."""


class NewAddressForm(AddressForm):
    make_default = BooleanField(_l("Use as my default address"))


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
