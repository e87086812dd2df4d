"""The shopper's address book: only ever their own addresses."""

import pycountry
from sqlalchemy import select, update

from app.extensions import db
from app.models import Address
from app.models.address_fields import ADDRESS_FIELD_NAMES, ADDRESS_FIELDS
from app.services.accounts.address_rules import country_rule_errors, normalized
from app.services.errors import NotFound, ValidationFailed

FIELDS = ADDRESS_FIELD_NAMES
REQUIRED = tuple(field.name for field in ADDRESS_FIELDS if field.required)
# The country's length is checked by its ISO code rule.
MAX_LENGTHS = {field.name: field.max_length for field in ADDRESS_FIELDS if field.name != "country"}


def list_addresses(user_id: int) -> list[Address]:
    """The shopper's addresses, the default first."""
    return list(
        db.session.scalars(
            select(Address).where(Address.user_id == user_id).order_by(Address.is_default.desc(), Address.id)
        )
    )


def get_address(user_id: int, address_id: int) -> Address:
    """One of the shopper's addresses; anyone else's is NotFound."""
    address = db.session.scalar(select(Address).where(Address.id == address_id, Address.user_id == user_id))
    if address is None:
        raise NotFound("No such address.")
    return address


def clean_address(fields: dict) -> dict[str, str]:
    """Trim and check address fields, by our rules and then the country's; raise
    ValidationFailed listing every bad field."""
    unknown = set(fields) - set(FIELDS)
    errors: dict[str, list[str]] = {name: ["Unknown field."] for name in sorted(unknown)}
    cleaned = {name: (fields.get(name) or "").strip() for name in FIELDS}
    for name in REQUIRED:
        if not cleaned[name]:
            errors.setdefault(name, []).append("This field is required.")
    for name, limit in MAX_LENGTHS.items():
        if len(cleaned[name]) > limit:
            errors.setdefault(name, []).append(f"At most {limit} characters.")
    cleaned["country"] = cleaned["country"].upper()
    if cleaned["country"] and pycountry.countries.get(alpha_2=cleaned["country"]) is None:
        errors.setdefault("country", []).append("Use a two-letter ISO 3166-1 country code, e.g. US or GB.")
    if not errors:
        errors = country_rule_errors(cleaned)
    if errors:
        raise ValidationFailed(errors)
    return normalized(cleaned)


def create_address(user_id: int, fields: dict, *, make_default: bool = False) -> Address:
    """Add an address to the shopper's book; the first one becomes the default; commits."""
    cleaned = clean_address(fields)
    first = not list_addresses(user_id)
    address = Address(user_id=user_id, **cleaned)
    db.session.add(address)
    db.session.flush()
    if first or make_default:
        _make_default(user_id, address.id)
    db.session.commit()
    return address


def update_address(user_id: int, address_id: int, fields: dict) -> Address:
    """Change one of the shopper's addresses; commits."""
    address = get_address(user_id, address_id)
    for name, value in clean_address(fields).items():
        setattr(address, name, value)
    db.session.commit()
    return address


def delete_address(user_id: int, address_id: int) -> None:
    """Remove one of the shopper's addresses (orders keep their own copy); commits."""
    address = get_address(user_id, address_id)
    was_default = address.is_default
    db.session.delete(address)
    db.session.flush()
    if was_default:
        remaining = list_addresses(user_id)
        if remaining:
            _make_default(user_id, remaining[0].id)
    db.session.commit()


def set_default_address(user_id: int, address_id: int) -> Address:
    """Make one of the shopper's addresses the default; commits."""
    address = get_address(user_id, address_id)
    _make_default(user_id, address.id)
    db.session.commit()
    return address


def _make_default(user_id: int, address_id: int) -> None:
    db.session.execute(
        update(Address)
        .where(Address.user_id == user_id)
        .values(is_default=Address.id == address_id)
        .execution_options(synchronize_session="fetch")
    )
