"""The page number a paginated list was asked for, read alike by every list page."""

from flask import request

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
