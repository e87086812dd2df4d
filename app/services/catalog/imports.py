"""Importing products from a CSV file: every row is checked first, then all are saved or none."""

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TextIO

from sqlalchemy import select

from app.extensions import db
from app.models import Product, StockAdjustment
from app.services.catalog.product_input import (
    description_problem,
    name_problem,
    price_from,
    sku_problem,
    stock_from,
)
from app.services.catalog.slugs import unique_slug
from app.services.errors import ValidationFailed

REQUIRED_COLUMNS = ("sku", "name", "price", "stock")
OPTIONAL_COLUMNS = ("description", "is_active")
TRUE_WORDS = {"1", "true", "yes", "y", "on"}
FALSE_WORDS = {"0", "false", "no", "n", "off"}
MAX_REPORTED_ERRORS = 20
LOOKUP_CHUNK = 500


@dataclass(frozen=True)
class ProductRow:
    """One checked line of the file; None means the column was absent or the cell blank, which
    keeps an existing product's value (a blank cell never wipes a description)."""

    line: int
    sku: str
    name: str
    price: Decimal
    stock: int
    description: str | None
    is_active: bool | None


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


def import_products(source: TextIO, *, source_name: str = "CSV import") -> ImportResult:
    """Upsert products by SKU from CSV text; any bad line raises ValidationFailed and nothing is saved."""
    rows = read_product_rows(source)
    try:
        result = _save(rows, reason=f"Stock set by {source_name}"[:200])
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return result


def read_product_rows(source: Iterable[str]) -> list[ProductRow]:
    """Parse and check every line; raise ValidationFailed listing each bad line by its number."""
    reader = csv.reader(source)
    try:
        header = next(reader)
    except StopIteration:
        raise _failed(["The file is empty: expected a header line " + ",".join(REQUIRED_COLUMNS)]) from None
    except csv.Error as exc:
        raise _failed([f"line 1: {exc}"]) from None
    columns = _check_header(header)

    errors: list[str] = []
    rows: list[ProductRow] = []
    first_line_of_sku: dict[str, int] = {}
    previous_end = reader.line_num
    while True:
        line = previous_end + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(f"line {line}: {exc}")
            break
        previous_end = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue  # blank lines, and spreadsheets' trailing ",,," lines, carry no product
        try:
            rows.append(_check_row(line, columns, cells))
        except ValueError as exc:
            errors.append(f"line {line}: {exc}")
        sku = cells[columns["sku"]].strip() if len(cells) > columns["sku"] else ""
        if sku in first_line_of_sku:
            errors.append(f"line {line}: sku {sku} already appears on line {first_line_of_sku[sku]}")
        elif sku:
            first_line_of_sku[sku] = line

    if errors:
        raise _failed(errors)
    if not rows:
        raise _failed(["The file has a header but no product lines."])
    return rows


def _check_header(header: list[str]) -> dict[str, int]:
    names = [cell.strip().lower().lstrip("\ufeff") for cell in header]
    problems = []
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        problems.append(f"missing required column(s): {', '.join(missing)}")
    unknown = [name or "(blank)" for name in names if name not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if unknown:
        problems.append(f"unknown column(s): {', '.join(unknown)}")
    repeated = sorted({name for name in names if names.count(name) > 1 and name})
    if repeated:
        problems.append(f"repeated column(s): {', '.join(repeated)}")
    if problems:
        expected = ",".join(REQUIRED_COLUMNS) + "[,description][,is_active]"
        raise _failed([f"line 1: {'; '.join(problems)} (expected {expected})"])
    return {name: index for index, name in enumerate(names)}


def _check_row(line: int, columns: dict[str, int], cells: list[str]) -> ProductRow:
    if len(cells) != len(columns):
        raise ValueError(f"expected {len(columns)} fields, found {len(cells)}")
    cell = {name: cells[index].strip() for name, index in columns.items()}
    sku, name, description = cell["sku"], cell["name"], cell.get("description", "")
    problems = [p for p in (sku_problem(sku), name_problem(name), description_problem(description)) if p]
    price = _collect(problems, price_from, cell["price"])
    stock = _collect(problems, stock_from, cell["stock"])
    is_active = _collect(problems, _parse_is_active, cell.get("is_active", ""))
    if problems:
        raise ValueError("; ".join(problems))
    return ProductRow(line, sku, name, price, stock, description or None, is_active)


def _collect(problems: list[str], parse, text: str):
    try:
        return parse(text)
    except ValueError as exc:
        problems.append(str(exc))
        return None


def _parse_is_active(text: str) -> bool | None:
    word = text.lower()
    if not word:
        return None
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"is_active {text!r} is not one of true/false, yes/no, 1/0")


def _save(rows: list[ProductRow], *, reason: str) -> ImportResult:
    existing = _lock_existing([row.sku for row in rows])
    new_slugs: set[str] = set()
    created = updated = 0
    for row in rows:
        product = existing.get(row.sku)
        if product is None:
            slug = unique_slug(row.name, new_slugs)
            new_slugs.add(slug)
            db.session.add(
                Product(
                    sku=row.sku,
                    name=row.name,
                    slug=slug,
                    price=row.price,
                    stock=row.stock,
                    description=row.description or "",
                    is_active=True if row.is_active is None else row.is_active,
                )
            )
            created += 1
            continue
        # The slug is kept on update: it is the product page's address.
        if product.stock != row.stock:
            db.session.add(StockAdjustment(product=product, delta=row.stock - product.stock, reason=reason))
        product.name, product.price, product.stock = row.name, row.price, row.stock
        if row.description is not None:
            product.description = row.description
        if row.is_active is not None:
            product.is_active = row.is_active
        updated += 1
    db.session.flush()
    return ImportResult(created=created, updated=updated)


def _lock_existing(skus: list[str]) -> dict[str, Product]:
    """The products already stored under these SKUs, row-locked in id order (as checkout locks them)
    so that setting an absolute stock cannot overwrite a concurrent order's decrement."""
    ids: list[int] = []
    for start in range(0, len(skus), LOOKUP_CHUNK):
        chunk = skus[start : start + LOOKUP_CHUNK]
        ids.extend(db.session.scalars(select(Product.id).where(Product.sku.in_(chunk))))
    ids.sort()
    found: dict[str, Product] = {}
    for start in range(0, len(ids), LOOKUP_CHUNK):
        statement = (
            select(Product)
            .where(Product.id.in_(ids[start : start + LOOKUP_CHUNK]))
            .order_by(Product.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        found.update((product.sku, product) for product in db.session.scalars(statement))
    return found


def _failed(messages: list[str]) -> ValidationFailed:
    shown = messages[:MAX_REPORTED_ERRORS]
    if len(messages) > len(shown):
        shown.append(f"... and {len(messages) - len(shown)} more problems")
    return ValidationFailed({"file": shown}, "\n".join(shown))
