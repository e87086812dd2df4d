"""What the OpenAPI document says beyond the schemas: the error body, each operation's refusals, tags.

Every refusal an operation can really give is listed on it by name (`errors`),
with its status, code and a realistic example, so a generated client knows
which errors to expect from which call.
"""

from dataclasses import dataclass, field

from marshmallow import Schema, fields, validate

from app.models.orders import STATUSES

TAGS = [
    {"name": "Tokens", "description": "Bearer tokens for an account's email and password."},
    {"name": "Products", "description": "The catalog; no token needed."},
    {"name": "Cart", "description": "The caller's cart."},
    {"name": "Addresses", "description": "The caller's address book."},
    {"name": "Orders", "description": "Checkout preview, placing, following and cancelling orders."},
]

ERROR_CODES = (
    "validation_error",
    "empty_cart",
    "unauthorized",
    "not_found",
    "method_not_allowed",
    "insufficient_stock",
    "invalid_transition",
    "idempotency_key_in_use",
    "payload_too_large",
    "uri_too_long",
    "unsupported_media_type",
    "idempotency_key_reused",
    "rate_limited",
    "request_header_fields_too_large",
    "internal_error",
)


def Shared(component: str, field_: fields.Field) -> fields.Field:  # noqa: N802  (reads like a field class)
    """A field documented once, as a named component that every use refers to (see `shared_components`)."""
    field_.metadata = {**field_.metadata, "component": component}
    return field_


def OrderStatus(**kwargs) -> fields.String:  # noqa: N802
    return Shared("OrderStatus", fields.String(validate=validate.OneOf(STATUSES), **kwargs))


class FieldMessages(fields.Dict):
    """Each bad field (or `body`) with its messages."""

    def __init__(self, **kwargs):
        super().__init__(keys=fields.String(), values=fields.List(fields.String()), **kwargs)


class ShortLineSchema(Schema):
    product_id = fields.Integer(required=True)
    sku = fields.String(required=True)
    requested = fields.Integer(required=True)
    available = fields.Integer(required=True, metadata={"description": "0 for a product no longer sold."})


class ErrorDetailsSchema(Schema):
    field_messages = FieldMessages(
        data_key="fields",
        metadata={"description": "`validation_error`: the bad fields; `body` for the body."},
    )
    items = fields.List(
        fields.Nested(ShortLineSchema),
        metadata={"description": "`insufficient_stock`: only the short lines."},
    )
    status = OrderStatus(metadata={"description": "`invalid_transition`: the order's status."})
    target = OrderStatus(metadata={"description": "`invalid_transition`: the status asked for."})
    request_id = fields.String(metadata={"description": "`internal_error`: quote it if you contact us."})


class ErrorDetailSchema(Schema):
    code = Shared("ErrorCode", fields.String(required=True, validate=validate.OneOf(ERROR_CODES)))
    message = fields.String(required=True, metadata={"description": "What went wrong, for a person."})
    details = fields.Nested(
        ErrorDetailsSchema, required=True, metadata={"description": "More about the error; may be empty."}
    )


class ErrorSchema(Schema):
    """The body of every error response of the API."""

    error = fields.Nested(ErrorDetailSchema, required=True)


def shared_components(spec):
    """An apispec attribute function: a `Shared` field becomes a $ref to its one component."""

    def attribute_function(converter, field_, ret, **kwargs) -> dict:
        name = field_.metadata.get("component")
        if name is None:
            return {}
        if name not in spec.components.schemas:
            spec.components.schema(name, {key: ret[key] for key in ("type", "enum") if key in ret})
        ret.clear()  # in OpenAPI 3.0 a $ref stands alone
        return {"$ref": f"#/components/schemas/{name}"}

    return attribute_function


# --- the refusals each operation lists


@dataclass(frozen=True)
class Refusal:
    status: int
    code: str
    when: str
    message: str
    details: dict = field(default_factory=dict)


TOO_LARGE = (
    "This order's total is over the most one order can hold (9,999,999,999.99); please order fewer items."
)
REQUEST_ID = "5f0c9e4d2b7a4c1e8d3f6a9b0c1d2e3f"
REFUSALS = {
    "invalid_fields": Refusal(
        400,
        "validation_error",
        "a field is missing, unknown, of the wrong type or out of range (`details.fields` names each)",
        "Some fields are invalid.",
        {"fields": {"quantity": ["Must be a whole number from 1 to 999."]}},
    ),
    "invalid_query": Refusal(
        400,
        "validation_error",
        "a query parameter is out of range (`details.fields` names each)",
        "Some fields are invalid.",
        {"fields": {"per_page": ["Must be greater than or equal to 1 and less than or equal to 100."]}},
    ),
    "fields_in_body": Refusal(
        400,
        "validation_error",
        "a body sent to an operation that takes none holds fields or is not valid JSON",
        "Some fields are invalid.",
        {"fields": {"reason": ["Unknown field."]}},
    ),
    "country_unknown": Refusal(
        400,
        "validation_error",
        "a blank required field, or a country that is not an ISO 3166-1 code",
        "Some fields are invalid.",
        {"fields": {"country": ["Must be one of: AD, AE, ..."]}},
    ),
    "address_not_yours": Refusal(
        400,
        "validation_error",
        "`address_id` is not one of the caller's addresses",
        "That address is not one of yours.",
        {"fields": {"address_id": ["Choose one of your own addresses."]}},
    ),
    "coupon_unusable": Refusal(
        400,
        "validation_error",
        "the coupon is unknown, expired, used up or needs a larger order (reported on `coupon_code`)",
        "This coupon needs an order of at least 50.00.",
        {"fields": {"coupon_code": ["This coupon needs an order of at least 50.00."]}},
    ),
    "order_too_large": Refusal(
        400,
        "validation_error",
        "the order's total is over what one order can hold (reported on `cart`)",
        TOO_LARGE,
        {"fields": {"cart": [TOO_LARGE]}},
    ),
    "empty_cart": Refusal(400, "empty_cart", "the cart is empty", "Your cart is empty."),
    "no_token": Refusal(
        401, "unauthorized", "no, bad, expired or revoked bearer token", "A valid bearer token is required."
    ),
    "bad_credentials": Refusal(
        401,
        "unauthorized",
        "the email or the password is wrong (the same answer for both)",
        "The email or password is wrong.",
    ),
    "product_not_found": Refusal(
        404, "not_found", "no active product has this id", "That product is not available."
    ),
    "line_not_found": Refusal(
        404, "not_found", "the product is not in the cart", "That product is not in your cart."
    ),
    "order_not_found": Refusal(404, "not_found", "the caller has no order of this number", "No such order."),
    "insufficient_stock": Refusal(
        409,
        "insufficient_stock",
        "some lines are short or no longer sold (`details.items` lists only those); nothing was changed",
        "Not enough stock for: Teapot (you asked for 3, 1 available).",
        {"items": [{"product_id": 7, "sku": "TEA-1", "requested": 3, "available": 1}]},
    ),
    "invalid_transition": Refusal(
        409,
        "invalid_transition",
        "the order is no longer pending, so it cannot be cancelled",
        "An order that is shipped cannot become cancelled.",
        {"status": "shipped", "target": "cancelled"},
    ),
    "idempotency_key_in_use": Refusal(
        409,
        "idempotency_key_in_use",
        "a request with this Idempotency-Key is still being processed",
        "A request with this Idempotency-Key is still being processed.",
    ),
    "idempotency_key_reused": Refusal(
        422,
        "idempotency_key_reused",
        "this Idempotency-Key was used with a different body",
        "This Idempotency-Key was already used with a different request.",
    ),
    "token_rate_limited": Refusal(
        429,
        "rate_limited",
        "too many token requests; see Retry-After",
        "Too many token requests for this account; try again later.",
    ),
    "password_reset_rate_limited": Refusal(
        429,
        "rate_limited",
        "too many password reset requests from this address or for this email; see Retry-After",
        "Too many password reset requests for this email; try again later.",
    ),
    "order_rate_limited": Refusal(
        429,
        "rate_limited",
        "too many orders in a short time; see Retry-After",
        "Too many orders in a short time; try again later.",
    ),
    # Any request: its size, its body's type, or a failure on our side.
    "payload_too_large": Refusal(
        413, "payload_too_large", "the body is over 64 KiB", "The request body is larger than 64 KiB."
    ),
    "uri_too_long": Refusal(
        414, "uri_too_long", "the URL is over 4,096 bytes", "The URL is longer than 4,096 bytes."
    ),
    "unsupported_media_type": Refusal(
        415,
        "unsupported_media_type",
        "a body that is not sent as `application/json`",
        "Send the body as JSON, with Content-Type: application/json.",
    ),
    "request_header_fields_too_large": Refusal(
        431,
        "request_header_fields_too_large",
        "a header is over 4,096 bytes, or there are more than 50",
        "A header is longer than 4,096 bytes, or there are more than 50.",
    ),
    "internal_error": Refusal(
        500,
        "internal_error",
        "something went wrong on our side (`details.request_id` identifies it in our logs)",
        f"Something went wrong on our side. Quote request id {REQUEST_ID} if you contact us.",
        {"request_id": REQUEST_ID},
    ),
}

# Every operation can be refused for its size or its body's type, or fail on our side.
ANY_REQUEST = (
    "payload_too_large",
    "uri_too_long",
    "unsupported_media_type",
    "request_header_fields_too_large",
    "internal_error",
)

HEADERS = {
    401: {"WWW-Authenticate": {"description": "`Bearer`.", "schema": {"type": "string"}}},
    429: {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}},
}


def error_responses(names: tuple[str, ...]) -> dict[int, dict]:
    """alt_response arguments per status for the named refusals (and those of any request)."""
    by_status: dict[int, list[tuple[str, Refusal]]] = {}
    for name in (*names, *ANY_REQUEST):
        refusal = REFUSALS[name]
        by_status.setdefault(refusal.status, []).append((name, refusal))
    responses = {}
    for status, refusals in sorted(by_status.items()):
        whens = "; ".join(f"`{r.code}`: {r.when}" for _, r in refusals)
        responses[status] = {
            "description": whens[0].upper() + whens[1:] + ".",
            "examples": {
                name: {
                    "summary": r.when.split(" (")[0],
                    "value": {"error": {"code": r.code, "message": r.message, "details": r.details}},
                }
                for name, r in refusals
            },
            "headers": HEADERS.get(status),
        }
    return responses
