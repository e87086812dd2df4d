"""Numbers the pages read from their URLs, bounded to what the database can hold."""

from flask import request

from app.models import MAX_ID

# A route converter for ids: a larger number cannot name a row, and matching it in the
# URL (404) keeps it away from the database, where it would overflow the INTEGER.
ID = f"int(max={MAX_ID})"
# No list has two billion pages, and a larger number times the page size can overflow
# the database's 64-bit OFFSET; such a number is read like any other bad page number.
MAX_PAGE = 2**31 - 1


def requested_page() -> int:
    """`?page=` as a whole number from 1 to MAX_PAGE; 1 when it is missing or anything else."""
    return request.args.get("page", 1, type=_page_number)


def _page_number(text: str) -> int:
    number = int(text)
    if not 1 <= number <= MAX_PAGE:
        raise ValueError(f"no page {number}")
    return number
