"""Request and response schemas of the API: they validate input and write the OpenAPI document.

Request schemas refuse unknown fields (marshmallow's default, RAISE), and
documented as `additionalProperties: false`. Money goes out as a decimal string
("19.99"), times as ISO 8601 with a UTC offset.
"""

from marshmallow import Schema, ValidationError, fields, validate

from app.models import MAX_ID, MAX_QUANTITY
from app.models.orders import STATUSES

MAX_PAGE = 1_000_000
MAX_PER_PAGE = 100


class Text(fields.String):
    """A string a database column can hold: no NUL character, no lone surrogate."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in text:
            raise ValidationError("Must not contain NUL characters.")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValidationError("Must be valid Unicode text.") from exc
        return text


class CouponCode(Text):
    """A coupon code as typed: the blanks around it are not part of it (SPEC section 2)."""

    def __init__(self, **kwargs):
        super().__init__(validate=validate.Length(max=40), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip()


class Money(fields.Decimal):
    """An amount of money, written as a decimal string with two places."""

    def __init__(self, **kwargs):
        metadata = {"pattern": r"^-?\d+\.\d{2}$", "example": "19.99", **kwargs.pop("metadata", {})}
        super().__init__(places=2, as_string=True, required=True, metadata=metadata, **kwargs)


def Id(**kwargs) -> fields.Integer:  # noqa: N802  (reads like a field class)
    return fields.Integer(strict=True, validate=validate.Range(1, MAX_ID), **kwargs)


def Quantity(low: int, **kwargs) -> fields.Integer:  # noqa: N802
    return fields.Integer(
        strict=True,
        validate=validate.Range(
            low, MAX_QUANTITY, error=f"Must be a whole number from {low} to {MAX_QUANTITY}."
        ),
        **kwargs,
    )


def Timestamp(**kwargs) -> fields.DateTime:  # noqa: N802
    return fields.DateTime(format="iso", required=True, **kwargs)


# --- tokens


class TokenRequestSchema(Schema):
    email = Text(required=True, validate=validate.Length(max=254))
    password = Text(required=True, validate=validate.Length(max=1024))


class PasswordResetRequestSchema(Schema):
    email = Text(required=True, validate=validate.Length(max=254))


class AcceptedSchema(Schema):
    message = fields.String(required=True)


class TokenSchema(Schema):
    token = fields.String(required=True, metadata={"description": "Send as `Authorization: Bearer <token>`."})
    expires_at = Timestamp()


# --- catalog


class PageQuerySchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(1, MAX_PAGE))
    per_page = fields.Integer(load_default=20, validate=validate.Range(1, MAX_PER_PAGE))


class ProductQuerySchema(PageQuerySchema):
    per_page = fields.Integer(load_default=12, validate=validate.Range(1, MAX_PER_PAGE))
    q = Text(load_default="", validate=validate.Length(max=200), metadata={"description": "Search term."})


class ProductSchema(Schema):
    id = fields.Integer(required=True)
    sku = fields.String(required=True)
    name = fields.String(required=True)
    slug = fields.String(required=True)
    description = fields.String(required=True)
    price = Money()
    stock = fields.Integer(required=True)
    is_active = fields.Boolean(required=True)


class PageSchema(Schema):
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True)


class ProductPageSchema(PageSchema):
    items = fields.List(fields.Nested(ProductSchema), required=True)


# --- cart


class CartLineSchema(Schema):
    product_id = fields.Integer(required=True)
    sku = fields.String(required=True)
    name = fields.String(required=True)
    unit_price = Money()
    quantity = fields.Integer(required=True)
    line_total = Money()


class CartSchema(Schema):
    items = fields.List(fields.Nested(CartLineSchema), required=True, attribute="lines")
    subtotal = Money()
    currency = fields.String(required=True)
    item_count = fields.Integer(required=True)


class AddToCartSchema(Schema):
    product_id = Id(required=True)
    quantity = Quantity(1, required=True, metadata={"description": "Added to what the cart holds."})


class SetQuantitySchema(Schema):
    quantity = Quantity(0, required=True, metadata={"description": "0 removes the line."})


# --- addresses


class NewAddressSchema(Schema):
    full_name = Text(required=True, validate=validate.Length(1, 120))
    line1 = Text(required=True, validate=validate.Length(1, 200))
    line2 = Text(validate=validate.Length(max=200))
    city = Text(required=True, validate=validate.Length(1, 100))
    postal_code = Text(required=True, validate=validate.Length(1, 20))
    country = Text(
        required=True,
        validate=validate.Regexp(r"^[A-Za-z]{2}$", error="Use a two-letter ISO 3166-1 country code."),
        metadata={"description": "ISO 3166-1 alpha-2 code, e.g. US or GB.", "example": "GB"},
    )
    phone = Text(validate=validate.Length(max=40))


class ShippingAddressSchema(Schema):
    full_name = fields.String(required=True)
    line1 = fields.String(required=True)
    line2 = fields.String(required=True)
    city = fields.String(required=True)
    postal_code = fields.String(required=True)
    country = fields.String(required=True)
    phone = fields.String(required=True)


class AddressSchema(ShippingAddressSchema):
    id = fields.Integer(required=True)
    is_default = fields.Boolean(required=True)


class AddressListSchema(Schema):
    items = fields.List(fields.Nested(AddressSchema), required=True)


# --- checkout and orders


class PreviewQuerySchema(Schema):
    coupon_code = CouponCode()


class TotalsSchema(Schema):
    subtotal = Money()
    discount = Money()
    shipping = Money()
    tax = Money()
    total_payable = Money()
    currency = fields.String(required=True)


class PlaceOrderSchema(Schema):
    address_id = Id(required=True, metadata={"description": "One of the caller's addresses."})
    coupon_code = CouponCode(load_default=None, allow_none=True)


class IdempotencyHeaderSchema(Schema):
    idempotency_key = Text(
        data_key="Idempotency-Key",
        validate=validate.Length(1, 255),
        metadata={"description": "A repeat with the same key creates nothing; it returns the first order."},
    )


class OrderItemSchema(Schema):
    product_id = fields.Integer(required=True, allow_none=True)
    sku = fields.String(required=True)
    name = fields.String(required=True)
    unit_price = Money()
    quantity = fields.Integer(required=True)
    line_total = Money()


class OrderSummarySchema(Schema):
    number = fields.String(required=True, metadata={"example": "SO-7KQ2M9XD"})
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    created_at = Timestamp()
    total_payable = Money()
    currency = fields.String(required=True)
    item_count = fields.Integer(required=True)


class OrderSchema(OrderSummarySchema):
    items = fields.List(fields.Nested(OrderItemSchema), required=True)
    subtotal = Money()
    discount = Money()
    shipping = Money()
    tax = Money()
    coupon_code = fields.String(required=True, allow_none=True)
    shipping_address = fields.Nested(ShippingAddressSchema, required=True)


class OrderPageSchema(PageSchema):
    items = fields.List(fields.Nested(OrderSummarySchema), required=True)
