"""What a product's fields must be, wherever they are typed: the admin form or a CSV line.

Each check returns or raises a short phrase that names the field ("price 1.005 has more
than 2 decimal places"): the CSV import lists them by line, the admin page shows them
under the fields (as_sentence).
"""

import re
from decimal import Decimal

from app.models.types import MAX_INT
from app.services.ordering.pricing import CENT, amount_problem, parse_decimal

MAX_NAME_LENGTH = 200
MAX_SKU_LENGTH = 64
MAX_DESCRIPTION_LENGTH = 10_000
MAX_STOCK = MAX_INT  # an INTEGER column


def text_problem(field: str, text: str, max_length: int, *, required: bool = True) -> str | None:
    """Why the (stripped) text cannot be the field's value, or None."""
    if required and not text:
        return f"{field} is blank"
    if len(text) > max_length:
        return f"{field} is longer than {max_length} characters"
    return None


def name_problem(name: str) -> str | None:
    return text_problem("name", name, MAX_NAME_LENGTH)


def sku_problem(sku: str) -> str | None:
    return text_problem("sku", sku, MAX_SKU_LENGTH)


def description_problem(description: str) -> str | None:
    return text_problem("description", description, MAX_DESCRIPTION_LENGTH, required=False)


def price_from(value) -> Decimal:
    """A price as typed (text or a number), to the cent; ValueError says what is wrong with it."""
    text = str(value).strip() if value is not None else ""
    if not text:
        raise ValueError("price is blank")
    price = parse_decimal(value)
    if price is None:
        raise ValueError(f"price {text!r} is not a number")
    if price < 0:
        raise ValueError(f"price {text} is negative")
    problem = amount_problem(price)
    if problem:
        raise ValueError(f"price {text} {problem}")
    return price.quantize(CENT)


def stock_from(value) -> int:
    """A stock level as typed (text or an int); ValueError says what is wrong with it."""
    text = str(value).strip() if value is not None else ""
    if not text:
        raise ValueError("stock is blank")
    if not re.fullmatch(r"[+-]?\d+", text):
        raise ValueError(f"stock {text!r} is not a whole number")
    stock = int(text)
    if stock < 0:
        raise ValueError(f"stock {text} is negative")
    if stock > MAX_STOCK:
        raise ValueError(f"stock {text} is too large")
    return stock


def as_sentence(problem: str) -> str:
    """A phrase of this module as a sentence to show under a form field."""
    return problem[0].upper() + problem[1:] + "."
