"""Finding products: words, category, price range, stock, and the order (docs/behaviour.md#search).

On PostgreSQL the words are a full-text query (`websearch_to_tsquery`: stemmed, "quoted
phrases", `-word` to exclude) against the stored, weighted `search_vector`, ranked so a
match in the name comes before one in the description. On SQLite they are a plain match
of the text in the name or description.
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Category, Product
from app.services.catalog.categories import subtree_ids
from app.services.ordering.pricing import MAX_AMOUNT

SORTS = ("relevance", "name", "price", "-price", "newest")
MAX_QUERY_LENGTH = 200
SEARCH_LANGUAGE = "english"


@dataclass(frozen=True)
class ProductFilter:
    """What a shopper asked for; None (or "", False) means no such condition."""

    q: str = ""
    category: str | None = None  # a category's slug: it and its descendants
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    in_stock: bool = False
    sort: str | None = None  # None: relevance when there are words, else name

    @property
    def effective_sort(self) -> str:
        if self.sort and (self.sort != "relevance" or self.q):
            return self.sort
        return "relevance" if self.q else "name"

    def query_args(self) -> dict[str, str]:
        """The filter as query-string arguments (only those given), for links that keep it."""
        args = {
            "q": self.q,
            "category": self.category or "",
            "min_price": "" if self.min_price is None else str(self.min_price),
            "max_price": "" if self.max_price is None else str(self.max_price),
            "in_stock": "1" if self.in_stock else "",
            "sort": self.sort or "",
        }
        return {name: value for name, value in args.items() if value}


def read_product_filter(args: Mapping[str, str]) -> tuple[ProductFilter, dict[str, list[str]]]:
    """The filter a query string asks for, and a message for each value that cannot be used
    (such a value is left out of the filter; the API refuses it, a page says so)."""
    problems: dict[str, list[str]] = {}
    values: dict = {}
    for name, parse in FIELD_PARSERS.items():
        text = (args.get(name) or "").strip()
        if not text:
            continue
        try:
            values[name] = parse(text)
        except ValueError as exc:
            problems[name] = [str(exc)]
    found = ProductFilter(**values)
    if _price_range_problem(found):
        problems["max_price"] = [_price_range_problem(found)]
        found = replace(found, max_price=None)
    return found, problems


def unknown_category_problem(found: ProductFilter) -> dict[str, list[str]]:
    """{"category": [message]} when the filter names a category that does not exist, else {}."""
    if (
        found.category
        and db.session.scalar(select(Category.id).where(Category.slug == found.category)) is None
    ):
        return {"category": [_("There is no category %(name)s.", name=repr(found.category))]}
    return {}


def _price_range_problem(found: ProductFilter) -> str | None:
    low, high = found.min_price, found.max_price
    if low is not None and high is not None and low > high:
        return _("The highest price must not be below the lowest.")
    return None


def find_products(found: ProductFilter, *, page: int = 1, per_page: int = 12) -> Pagination:
    """A page of active products matching the filter, in its order, with the total."""
    statement = (
        select(Product)
        .where(Product.is_active)
        .options(selectinload(Product.images), selectinload(Product.category))
    )
    rank = None
    if found.q:
        statement, rank = _matching_words(statement, found.q)
    if found.category:
        # The subtree's ids are looked up first: as a list of values (rather than a recursive
        # subquery the planner cannot size) they let PostgreSQL use ix_products_category_id.
        category_id = select(Category.id).where(Category.slug == found.category).scalar_subquery()
        statement = statement.where(
            Product.category_id.in_(db.session.scalars(subtree_ids(category_id)).all())
        )
    if found.min_price is not None:
        statement = statement.where(Product.price >= found.min_price)
    if found.max_price is not None:
        statement = statement.where(Product.price <= found.max_price)
    if found.in_stock:
        statement = statement.where(Product.stock > 0)
    statement = statement.order_by(*_order(found.effective_sort, rank))
    return db.paginate(statement, page=page, per_page=per_page, error_out=False, count=True)


def _matching_words(statement, words: str):
    """Full text on PostgreSQL; a literal substring match on SQLite, and for a search with no
    letter or digit (such as `%`), which full text would read as no words at all."""
    if db.engine.dialect.name == "postgresql" and any(character.isalnum() for character in words):
        query = func.websearch_to_tsquery(SEARCH_LANGUAGE, words)
        rank = func.ts_rank(Product.search_vector, query)
        return statement.where(Product.search_vector.op("@@")(query)), rank
    pattern = "%" + words.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    in_name = func.lower(Product.name).like(pattern, escape="\\")
    in_description = func.lower(Product.description).like(pattern, escape="\\")
    # The SQLite stand-in for a rank: a match in the name first.
    return statement.where(or_(in_name, in_description)), case((in_name, 1), else_=0)


def _order(sort: str, rank) -> tuple:
    if sort == "relevance" and rank is not None:
        return (rank.desc(), Product.name, Product.id)
    if sort == "price":
        return (Product.price, Product.id)
    if sort == "-price":
        return (Product.price.desc(), Product.id.desc())
    if sort == "newest":
        return (Product.created_at.desc(), Product.id.desc())
    return (Product.name, Product.id)


def _words(text: str) -> str:
    if len(text) > MAX_QUERY_LENGTH:
        raise ValueError(_("Keep the search under %(count)s characters.", count=MAX_QUERY_LENGTH))
    if "\x00" in text:
        raise ValueError(_("The search must not contain NUL characters."))
    return text


def _slug(text: str) -> str:
    if len(text) > 120 or not all(c.isascii() and (c.isalnum() or c == "-") for c in text):
        raise ValueError(_("There is no category %(name)s.", name=repr(text[:120])))
    return text


def _price(text: str) -> Decimal:
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(
            _("%(text)s is not a price; write it like %(example)s.", text=repr(text[:20]), example="19.99")
        ) from None
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT or amount.as_tuple().exponent < -2:
        raise ValueError(
            _(
                "Enter a price from 0 to %(most)s, with at most 2 decimal places.",
                most=format_decimal(MAX_AMOUNT),
            )
        )
    return amount


def _in_stock(text: str) -> bool:
    if text not in ("0", "1"):
        raise ValueError(_("Use 1 to show only products in stock (or leave it out)."))
    return text == "1"


def _sort(text: str) -> str:
    if text not in SORTS:
        raise ValueError(_("Sort by one of: %(sorts)s.", sorts=", ".join(SORTS)))
    return text


# How each query-string value is read; a ValueError's message says what is wrong with it.
FIELD_PARSERS = {
    "q": _words,
    "category": _slug,
    "min_price": _price,
    "max_price": _price,
    "in_stock": _in_stock,
    "sort": _sort,
}
