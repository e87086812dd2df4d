"""Request and response schemas of the API: they validate input and write the OpenAPI document.

Request schemas refuse unknown fields (marshmallow's default, RAISE), and
documented as `additionalProperties: false`. Money goes out as a decimal string
("19.99"), times as ISO 8601 with a UTC offset.
"""

import pycountry
from marshmallow import Schema, ValidationError, fields, validate

from app.blueprints.api.document import OrderStatus, Shared
from app.models import MAX_ID, MAX_QUANTITY
from app.models.address_fields import ADDRESS_FIELDS, AddressField
from app.models.payments import PAYMENT_STATUSES
from config import PAYMENT_PROVIDERS

MAX_PAGE = 1_000_000
MAX_PER_PAGE = 100


# The document's form of the rules below; `\s` is what the services' strip() removes.
NO_NUL = r"^[^\x00]*$"
NOT_BLANK = r"^[^\x00]*[^\x00\s][^\x00]*$"  # the services strip blanks, then require something


class Text(fields.String):
    """A string a database column can hold: no NUL character, no lone surrogate."""

    def __init__(self, *, blank: bool = True, **kwargs):
        metadata = {"pattern": NO_NUL if blank else NOT_BLANK, **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

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
    """A coupon code as typed: the blanks around it are not part of it (docs/behaviour.md#coupons)."""

    def __init__(self, **kwargs):
        metadata = {"example": "WELCOME10", **kwargs.pop("metadata", {})}
        super().__init__(validate=validate.Length(max=40), metadata=metadata, **kwargs)

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
    email = Text(
        required=True, validate=validate.Length(max=254), metadata={"example": "shopper@example.com"}
    )
    password = Text(
        required=True, validate=validate.Length(max=1024), metadata={"example": "shopper-demo-pass"}
    )


class PasswordResetRequestSchema(Schema):
    email = Text(required=True, validate=validate.Length(max=254))


class AcceptedSchema(Schema):
    message = fields.String(required=True)


class TokenSchema(Schema):
    token = fields.String(
        required=True,
        metadata={
            "description": "Send as `Authorization: Bearer <token>`.",
            "example": "q3Jz0fX8e2c7TtqVb1n9Wm4sYk6LhPa5RdGu0oEiCxM",
        },
    )
    expires_at = Timestamp()


# --- catalog


class WholeNumber(fields.Integer):
    """A query string's integer as the document's `type: integer` says: ASCII digits only.

    (int() alone would also take " 1", "+1", "1_0" and other scripts' digits.)
    """

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and not (value.isascii() and value.isdigit()):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class PageQuerySchema(Schema):
    page = WholeNumber(load_default=1, validate=validate.Range(1, MAX_PAGE))
    per_page = WholeNumber(load_default=20, validate=validate.Range(1, MAX_PER_PAGE))


class ProductQuerySchema(PageQuerySchema):
    per_page = WholeNumber(load_default=12, validate=validate.Range(1, MAX_PER_PAGE))
    q = Text(load_default="", validate=validate.Length(max=200), metadata={"description": "Search term."})


class ProductSchema(Schema):
    id = fields.Integer(required=True, metadata={"example": 7})
    sku = fields.String(required=True, metadata={"example": "TEA-1"})
    name = fields.String(required=True, metadata={"example": "Cast Iron Teapot"})
    slug = fields.String(required=True, metadata={"example": "cast-iron-teapot"})
    description = fields.String(required=True, metadata={"example": "Keeps a pot of tea hot for an hour."})
    price = Money()
    stock = fields.Integer(required=True, metadata={"example": 12})
    is_active = fields.Boolean(required=True, metadata={"example": True})


class PageSchema(Schema):
    page = fields.Integer(required=True, metadata={"example": 1})
    per_page = fields.Integer(required=True, metadata={"example": 20})
    total = fields.Integer(required=True, metadata={"example": 1})


class ProductPageSchema(PageSchema):
    items = fields.List(fields.Nested(ProductSchema), required=True)


# --- cart


class CartLineSchema(Schema):
    product_id = fields.Integer(required=True, metadata={"example": 7})
    sku = fields.String(required=True, metadata={"example": "TEA-1"})
    name = fields.String(required=True, metadata={"example": "Cast Iron Teapot"})
    unit_price = Money()
    quantity = fields.Integer(required=True, metadata={"example": 2})
    line_total = Money(metadata={"example": "39.98"})


class CartSchema(Schema):
    items = fields.List(fields.Nested(CartLineSchema), required=True, attribute="lines")
    subtotal = Money(metadata={"example": "39.98"})
    currency = fields.String(required=True, metadata={"example": "USD"})
    item_count = fields.Integer(required=True, metadata={"example": 2})


class AddToCartSchema(Schema):
    product_id = Id(required=True, metadata={"example": 7})
    quantity = Quantity(1, required=True, metadata={"description": "Added to what the cart holds."})


class SetQuantitySchema(Schema):
    quantity = Quantity(0, required=True, metadata={"description": "0 removes the line."})


# --- addresses


COUNTRY_CODES = sorted(country.alpha_2 for country in pycountry.countries)
# What an address looks like in the document's examples.
ADDRESS_EXAMPLE = {
    "full_name": "Ada Lovelace",
    "line1": "12 Analytical Row",
    "line2": "Flat 3",
    "city": "London",
    "region": "",  # a state, province or prefecture where the country needs one (US: "IL")
    "postal_code": "N1 7AA",
    "country": "GB",
    "phone": "+44 20 7946 0000",
}


def CountryCode(**kwargs) -> fields.String:  # noqa: N802
    """An ISO 3166-1 alpha-2 code in capitals, documented once as the CountryCode enum."""
    return Shared(
        "CountryCode",
        fields.String(
            validate=validate.OneOf(
                COUNTRY_CODES, error="Use a two-letter ISO 3166-1 country code, e.g. US or GB."
            ),
            **kwargs,
        ),
    )


def _new_address_field(field: AddressField) -> fields.String:
    """The API's check of one address field (the address service checks it again, fully)."""
    if field.name == "country":
        return CountryCode(required=True)
    example = {"example": ADDRESS_EXAMPLE[field.name]}
    if field.required:
        return Text(
            required=True, blank=False, validate=validate.Length(1, field.max_length), metadata=example
        )
    return Text(validate=validate.Length(max=field.max_length), metadata=example)


def _shipping_address_field(field: AddressField) -> fields.String:
    if field.name == "country":
        return CountryCode(required=True)
    return fields.String(required=True, metadata={"example": ADDRESS_EXAMPLE[field.name]})


# Both built from the one list of address fields (ADDRESS_FIELDS), in its order.
NewAddressSchema = Schema.from_dict(
    {field.name: _new_address_field(field) for field in ADDRESS_FIELDS}, name="NewAddressSchema"
)
ShippingAddressSchema = Schema.from_dict(
    {field.name: _shipping_address_field(field) for field in ADDRESS_FIELDS}, name="ShippingAddressSchema"
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
    subtotal = Money(metadata={"example": "39.98"})
    discount = Money(metadata={"example": "4.00"})
    shipping = Money(metadata={"example": "5.00"})
    tax = Money(metadata={"example": "2.88"})
    total_payable = Money(metadata={"example": "43.86"})
    currency = fields.String(required=True, metadata={"example": "USD"})


class PlaceOrderSchema(Schema):
    address_id = Id(required=True, metadata={"description": "One of the caller's addresses.", "example": 2})
    coupon_code = CouponCode(load_default=None, allow_none=True)


class IdempotencyHeaderSchema(Schema):
    idempotency_key = Text(
        data_key="Idempotency-Key",
        validate=validate.Length(1, 255),
        metadata={
            "description": "A repeat with the same key creates nothing; it returns the first order.",
            "example": "0d3c5e1a-7f2b-4c8e-9a61-5b2f3e4d6c70",
        },
    )


class OrderItemSchema(CartLineSchema):
    """A cart line as it was ordered; its product may be gone since."""

    product_id = fields.Integer(
        required=True,
        allow_none=True,
        metadata={"description": "null once the product is deleted.", "example": 7},
    )


class OrderSummarySchema(Schema):
    number = fields.String(required=True, metadata={"example": "SO-7KQ2M9XD"})
    status = OrderStatus(required=True)
    created_at = Timestamp(metadata={"example": "2026-03-14T09:26:53+00:00"})
    total_payable = Money(metadata={"example": "43.86"})
    currency = fields.String(required=True, metadata={"example": "USD"})
    item_count = fields.Integer(required=True, metadata={"example": 2})


# --- payment (docs/payments.md)


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
    subtotal = Money(metadata={"example": "39.98"})
    discount = Money(metadata={"example": "4.00"})
    shipping = Money(metadata={"example": "5.00"})
    tax = Money(metadata={"example": "2.88"})
    coupon_code = fields.String(required=True, allow_none=True, metadata={"example": "WELCOME10"})
    shipping_address = fields.Nested(ShippingAddressSchema, required=True)


class OrderPageSchema(PageSchema):
    items = fields.List(fields.Nested(OrderSummarySchema), required=True)
