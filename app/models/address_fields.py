"""The fields of a postal address: the one definition every copy of an address is built from.

The address book's rows, the copy on each order (its ship_* columns), the page forms, the
API schemas and the checkout's shipping copy all take their fields from ADDRESS_FIELDS.
"""

from dataclasses import dataclass

from sqlalchemy import String
from sqlalchemy.orm import mapped_column


@dataclass(frozen=True)
class AddressField:
    name: str
    label: str  # as a text box on a page
    max_length: int
    required: bool
    autocomplete: str  # the HTML autocomplete token, so browsers can fill it in


ADDRESS_FIELDS = (
    AddressField("full_name", "Full name", 120, True, "name"),
    AddressField("line1", "Address line 1", 200, True, "address-line1"),
    AddressField("line2", "Address line 2 (optional)", 200, False, "address-line2"),
    AddressField("city", "City", 100, True, "address-level2"),
    AddressField("postal_code", "Postal code", 20, True, "postal-code"),
    # An ISO 3166-1 alpha-2 code (docs/behaviour.md#api).
    AddressField("country", "Country (two-letter code, e.g. US)", 2, True, "country"),
    AddressField("phone", "Phone (optional)", 40, False, "tel"),
)
ADDRESS_FIELD_NAMES = tuple(field.name for field in ADDRESS_FIELDS)
# The order's copy of its shipping address, column by column.
SHIP_COLUMN_NAMES = tuple(f"ship_{name}" for name in ADDRESS_FIELD_NAMES)


def address_columns(prefix: str = "") -> type:
    """A declarative mixin with one string column per address field, named prefix + name.

    An optional field is stored as "" when left out, never NULL.
    """
    columns = {
        prefix + field.name: mapped_column(
            String(field.max_length), nullable=False, **({} if field.required else {"default": ""})
        )
        for field in ADDRESS_FIELDS
    }
    return type(f"{prefix.title().strip('_')}AddressColumns", (), columns)
