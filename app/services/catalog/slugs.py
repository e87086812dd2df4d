"""The one maker of product slugs (the product page's address), for the admin and the CSV import."""

from slugify import slugify as _transliterated_slug
from sqlalchemy import or_, select

from app.extensions import db
from app.models import Product

MAX_SLUG_LENGTH = 220  # the column's width


def slugify(text: str) -> str:
    """Lower-case ASCII letters and digits joined by single hyphens ("" when there are none).

    Other scripts are transliterated rather than dropped: "Café Crème 250g" -> "cafe-creme-250g",
    "Straße" -> "strasse", "Чай" -> "chai". A name is plain text, so "&amp;" stays as written.
    """
    return _transliterated_slug(text or "", entities=False, decimal=False, hexadecimal=False)


def unique_slug(name: str, taken: set[str] | None = None, *, product_id: int | None = None) -> str:
    """A slug made from the name, unique against the database (but for `product_id`, the product
    being edited) and `taken`, by appending -2, -3, ..."""
    # Room is left for a "-NN" suffix inside the column; a name with no letters or digits
    # still gets a slug.
    base = slugify(name)[: MAX_SLUG_LENGTH - 10].rstrip("-") or "product"
    taken = taken or set()
    statement = select(Product.slug).where(or_(Product.slug == base, Product.slug.like(f"{base}-%")))
    if product_id is not None:
        statement = statement.where(Product.id != product_id)
    existing = set(db.session.scalars(statement))
    candidate, number = base, 1
    while candidate in existing or candidate in taken:
        number += 1
        suffix = f"-{number}"
        candidate = base[: MAX_SLUG_LENGTH - len(suffix)].rstrip("-") + suffix
    return candidate
