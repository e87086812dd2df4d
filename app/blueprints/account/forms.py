"""The address form. The address service checks every value (required fields,
lengths, ISO country code), so the page and the API accept the same addresses."""

import pycountry
from wtforms import BooleanField, SelectField
from wtforms.fields.choices import SelectChoice

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
