"""The catalog's API schemas: search and filters, categories, product images
(docs/behaviour.md#search, #categories, #pictures).

Each query value is read by the same parser the shop's pages use (catalog.search), so the API
refuses exactly what a page ignores, naming the field.
"""

import re

from marshmallow import Schema, ValidationError, fields, validate

from app.blueprints.api import schemas
from app.blueprints.api.schemas import MAX_PER_PAGE, PageQuerySchema, PageSchema, Text
from app.blueprints.shop.media import absolute_media_url
from app.services.catalog.search import FIELD_PARSERS, MAX_QUERY_LENGTH, SORTS


class FilterValue(Text):
    """A query-string value read by the shop's parser for that field.

    The API is stricter than the pages about the form of a value: it must match the
    documented pattern or enum exactly (no blanks around it), and only `q` may be sent
    blank (meaning: no words).
    """

    def __init__(self, name: str, *, pattern: str | None = None, blank_ok: bool = False, **kwargs):
        self.parse = FIELD_PARSERS[name]
        self.pattern = re.compile(pattern) if pattern else None
        self.blank_ok = blank_ok
        if pattern:
            kwargs["metadata"] = {"pattern": pattern, **kwargs.get("metadata", {})}
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if self.blank_ok and not text.strip():
            return None
        try:
            if self.pattern and not self.pattern.fullmatch(text):
                raise ValueError(f"{text[:20]!r} is not in the documented form ({self.pattern.pattern}).")
            return self.parse(text)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


# At most 10 digits before the point: the largest amount a price column holds.
PRICE = r"^\d{1,10}(\.\d{1,2})?$"
SLUG = r"^[a-z0-9-]{1,120}$"


class ProductSearchQuerySchema(PageQuerySchema):
    per_page = fields.Integer(load_default=12, validate=validate.Range(1, MAX_PER_PAGE))
    q = FilterValue(
        "q",
        blank_ok=True,
        metadata={
            "description": "Words to search for. On PostgreSQL a full-text search of name and description "
            "(stemmed, ranked: name above description) with `websearch_to_tsquery` syntax: "
            '`"a phrase"`, `-word` to exclude, `or`; on SQLite a plain match of the text.',
            "maxLength": MAX_QUERY_LENGTH,
        },
    )
    category = FilterValue(
        "category",
        pattern=SLUG,
        metadata={
            "description": "A category's slug: its products and its descendants'. A slug that names no "
            "category matches no product.",
            "example": "kitchen",
        },
    )
    min_price = FilterValue(
        "min_price",
        pattern=PRICE,
        metadata={
            "description": "Lowest price, inclusive (above `max_price`, nothing matches).",
            "example": "10.00",
        },
    )
    max_price = FilterValue(
        "max_price", pattern=PRICE, metadata={"description": "Highest price, inclusive.", "example": "50"}
    )
    in_stock = FilterValue(
        "in_stock", metadata={"description": "`1`: only products in stock.", "enum": ["0", "1"]}
    )
    sort = FilterValue(
        "sort",
        metadata={
            "description": "`relevance` (the default when `q` is given), `name` (the default otherwise), "
            "`price`, `-price` (highest first) or `newest`.",
            "enum": list(SORTS),
        },
    )


class RenditionSchema(Schema):
    url = fields.Method("rendition_url", required=True)
    width = fields.Integer(required=True)
    height = fields.Integer(required=True)
    format = fields.String(required=True, metadata={"enum": ["webp", "jpeg"]})

    def rendition_url(self, rendition) -> str:
        return absolute_media_url(rendition["key"])


class ProductImageSchema(Schema):
    url = fields.Method("original_url", required=True, metadata={"description": "The cleaned original."})
    width = fields.Integer(required=True)
    height = fields.Integer(required=True)
    alt = fields.String(required=True, attribute="alt_text")
    renditions = fields.List(
        fields.Nested(RenditionSchema),
        required=True,
        metadata={"description": "Empty until the background task has made them."},
    )

    def original_url(self, image) -> str:
        return absolute_media_url(image.original_key)


class CategoryRefSchema(Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)


class ProductSchema(schemas.ProductSchema):
    """The product of docs/behaviour.md#api with its category and images (named like it in the document)."""

    category = fields.Nested(CategoryRefSchema, required=True, allow_none=True)
    images = fields.List(fields.Nested(ProductImageSchema), required=True)


class ProductPageSchema(PageSchema):
    items = fields.List(fields.Nested(ProductSchema), required=True)


class CategoryNodeSchema(Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    parent = fields.String(required=True, allow_none=True, metadata={"description": "The parent's slug."})
    children = fields.List(fields.Nested(lambda: CategoryNodeSchema()), required=True)


class CategoryTreeSchema(Schema):
    items = fields.List(fields.Nested(CategoryNodeSchema), required=True)
