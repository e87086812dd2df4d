"""Request and response schemas of the API: they validate input and write the OpenAPI document.

Request schemas refuse unknown fields (marshmallow's default, RAISE), and
documented as `additionalProperties: false`. Money goes out as a decimal string
("19.99"), times as ISO 8601 with a UTC offset.
"""

from marshmallow import Schema, ValidationError, fields, validate

from app.models import MAX_ID, MAX_QUANTITY
from app.models.address_fields import ADDRESS_FIELD_NAMES, ADDRESS_FIELDS, AddressField
from app.models.orders import STATUSES
from app.models.payments import PAYMENT_STATUSES
from config import PAYMENT_PROVIDERS

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


def _new_address_field(field: AddressField) -> Text:
    """The API's check of one address field (the address service checks it again, fully)."""
    if field.name == "country":
        return Text(
            required=True,
            validate=validate.Regexp(r"^[A-Za-z]{2}$", error="Use a two-letter ISO 3166-1 country code."),
            metadata={"description": "ISO 3166-1 alpha-2 code, e.g. US or GB.", "example": "GB"},
        )
    if field.required:
        return Text(required=True, validate=validate.Length(1, field.max_length))
    return Text(validate=validate.Length(max=field.max_length))


# Built from the one list of address fields (ADDRESS_FIELDS), in its order.
NewAddressSchema = Schema.from_dict(
    {field.name: _new_address_field(field) for field in ADDRESS_FIELDS}, name="NewAddressSchema"
)
ShippingAddressSchema = Schema.from_dict(
    {name: fields.String(required=True) for name in ADDRESS_FIELD_NAMES}, name="ShippingAddressSchema"
)


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


# --- payment (SPEC section 9)


class PaymentSchema(Schema):
    provider = fields.String(required=True, validate=validate.OneOf(PAYMENT_PROVIDERS))
    status = fields.String(required=True, validate=validate.OneOf(("awaiting", *PAYMENT_STATUSES)))
    client_secret = fields.String(
        metadata={"description": "For Stripe's SDK; only while the order can be paid."}
    )
    publishable_key = fields.String(metadata={"description": "Stripe's publishable key, with client_secret."})


class OrderPayment(fields.Nested):
    """The order's payment as its own shopper sees it (every order the API shows is the caller's)."""

    def __init__(self, **kwargs):
        super().__init__(PaymentSchema, required=True, **kwargs)

    def get_value(self, obj, attr, accessor=None, default=None):
        from app.services.payments.intents import payment_json

        return payment_json(obj, for_owner=True)


class OrderSchema(OrderSummarySchema):
    payment = OrderPayment()
    items = fields.List(fields.Nested(OrderItemSchema), required=True)
    subtotal = Money()
    discount = Money()
    shipping = Money()
    tax = Money()
    coupon_code = fields.String(required=True, allow_none=True)
    shipping_address = fields.Nested(ShippingAddressSchema, required=True)


class OrderPageSchema(PageSchema):
    items = fields.List(fields.Nested(OrderSummarySchema), required=True)
