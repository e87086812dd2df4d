"""The fields of a postal address: the one definition every copy of an address is built from.

The address book's rows, the copy on each order (its ship_* columns), the page forms, the
API schemas and the checkout's shipping copy all take their fields from ADDRESS_FIELDS.
"""

from dataclasses import dataclass

from sqlalchemy import String, text
from sqlalchemy.orm import mapped_column


@dataclass(frozen=True)
class AddressField:
    name: str
    label: str  # as a text box on a page
    max_length: int
    required: bool  # in every country; the country's own rules add more (address service)
    autocomplete: str  # the HTML autocomplete token, so browsers can fill it in
    # A field added after rows existed: the database fills it in for them (and for
    # SQL that does not name it, such as bench/data.py's).
    server_default: str | None = None


# The labels are marked for translation where the forms show them (app/blueprints/forms.py).
# The postal code and region are required where the country's rules say so.
ADDRESS_FIELDS = (
    AddressField("full_name", "Full name", 120, True, "name"),
    AddressField("line1", "Address line 1", 200, True, "address-line1"),
    AddressField("line2", "Address line 2 (optional)", 200, False, "address-line2"),
    AddressField("city", "City", 100, True, "address-level2"),
    # State, province, prefecture...: required in the US, Japan and others.
    AddressField("region", "State / province / region", 100, False, "address-level1", ""),
    AddressField("postal_code", "Postal code", 20, False, "postal-code"),
    # An ISO 3166-1 alpha-2 code (docs/behaviour.md#api), chosen from a list on the pages.
    AddressField("country", "Country", 2, True, "country"),
    AddressField("phone", "Phone (optional)", 40, False, "tel"),
)
ADDRESS_FIELD_NAMES = tuple(field.name for field in ADDRESS_FIELDS)
# The order's copy of its shipping address, column by column.
SHIP_COLUMN_NAMES = tuple(f"ship_{name}" for name in ADDRESS_FIELD_NAMES)


def address_columns(prefix: str = "") -> type:
    """A declarative mixin with one string column per address field, named prefix + name.

    An optional field is stored as "" when left out, never NULL.
    """
    columns = {prefix + field.name: _column(field) for field in ADDRESS_FIELDS}
    return type(f"{prefix.title().strip('_')}AddressColumns", (), columns)


def _column(field: AddressField):
    defaults = {} if field.required else {"default": ""}
    if field.server_default is not None:
        defaults["server_default"] = text(repr(field.server_default))
    return mapped_column(String(field.max_length), nullable=False, **defaults)
