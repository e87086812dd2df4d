"""The endpoints of SPEC section 5, under /api/v1.

Each view reads its validated input, calls one service function and returns
what the response schema writes out; the services' errors become the SPEC's
error body in errors.domain_error_response.
"""

from flask import url_for
from flask_smorest import Blueprint
from werkzeug.exceptions import HTTPException

from app.blueprints.api import schemas
from app.blueprints.api.auth import current_token, current_user_id, guard_request, public
from app.blueprints.api.errors import (
    ErrorSchema,
    domain_error_response,
    http_error_response,
    unexpected_error_response,
)
from app.blueprints.api.limits import (
    not_counted_as_an_order,
    orders_per_account,
    password_resets_per_account,
    password_resets_per_address,
    token_requests_per_account,
    token_requests_per_address,
)
from app.blueprints.api.parsing import PARSER
from app.services.accounts import addresses, api_tokens, passwords
from app.services.catalog import browsing
from app.services.errors import ShopError
from app.services.ordering import cart, idempotency, lookups, placing, preview
from app.services.payments import cancelling


class ApiBlueprint(Blueprint):
    ARGUMENTS_PARSER = PARSER

    def arguments(self, schema, *args, **kwargs):
        """flask-smorest's, with a schema class made into its instance once, here.

        Given a class, webargs makes an instance of it at every request. A view with
        JSON body arguments is marked as taking a body (auth.guard_request refuses
        fields sent to any other).
        """
        decorator = super().arguments(schema() if isinstance(schema, type) else schema, *args, **kwargs)
        if kwargs.get("location", "json") != "json":
            return decorator

        def takes_body(view):
            view = decorator(view)
            view.api_takes_body = True
            return view

        return takes_body


bp = ApiBlueprint("api", __name__, url_prefix="/api/v1", description="JSON API v1 for the companion app.")
bp.before_request(guard_request)
bp.register_error_handler(ShopError, domain_error_response)
bp.register_error_handler(HTTPException, http_error_response)
bp.register_error_handler(Exception, unexpected_error_response)

ERROR_DESCRIPTIONS = {
    400: "Invalid input (`validation_error`, with `details.fields` naming each bad field).",
    401: "No, bad, expired or revoked bearer token (`unauthorized`).",
    404: "No such resource for this caller (`not_found`).",
    409: "A conflict: `insufficient_stock` (with `details.items`), `invalid_transition` "
    "or `idempotency_key_in_use`.",
    413: "The body is over 64 KiB (`payload_too_large`).",
    415: "The body is not JSON (`unsupported_media_type`).",
    422: "The Idempotency-Key was used with a different body (`idempotency_key_reused`).",
    429: "Too many requests (`rate_limited`); see Retry-After.",
    500: "Something went wrong on our side (`internal_error`, with `details.request_id`).",
}
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}}


def errors(*statuses: int, notes: dict[int, str] | None = None):
    """Document the error responses an operation can give, each with the one error body.

    Any request may be refused for its body (400: malformed, or fields sent to an
    operation that takes none; 413; 415) or fail on our side (500).
    """
    descriptions = {**ERROR_DESCRIPTIONS, **(notes or {})}

    def decorator(view):
        for status in sorted({*statuses, 400, 413, 415, 500}):
            headers = RETRY_AFTER if status == 429 else None
            view = bp.alt_response(
                status, schema=ErrorSchema, description=descriptions[status], headers=headers
            )(view)
        return view

    return decorator


def page_body(pagination) -> dict:
    return {
        "items": pagination.items,
        "page": pagination.page,
        "per_page": pagination.per_page,
        "total": pagination.total,
    }


# --- tokens


@bp.route("/auth/token", methods=["POST"], tags=["Tokens"])
@public
@bp.doc(security=[])
@bp.arguments(schemas.TokenRequestSchema)
@bp.response(201, schemas.TokenSchema)
@errors(400, 401, 429)
@token_requests_per_address
@token_requests_per_account
def create_token(credentials):
    """Get a bearer token for an email and password."""
    return api_tokens.issue_token(credentials["email"], credentials["password"])


@bp.route("/auth/token", methods=["DELETE"], tags=["Tokens"])
@bp.response(204)
@errors(401)
def revoke_token():
    """Revoke the token used for this request."""
    api_tokens.revoke_token(current_token().id)


@bp.route("/auth/password-reset", methods=["POST"], tags=["Tokens"])
@public
@bp.doc(security=[])
@bp.arguments(schemas.PasswordResetRequestSchema)
@bp.response(202, schemas.AcceptedSchema)
@errors(400, 429)
@password_resets_per_address
@password_resets_per_account
def request_password_reset(request_body):
    """Email a password reset link to the account with this email, if there is one.

    Always 202 with the same body: the answer does not tell whether the email has an account.
    """
    passwords.request_password_reset(request_body["email"])
    return {"message": passwords.RESET_REQUESTED}


# --- catalog


@bp.route("/products/", methods=["GET"], tags=["Products"])
@public
@bp.doc(security=[])
@bp.arguments(schemas.ProductQuerySchema, location="query")
@bp.response(200, schemas.ProductPageSchema)
@errors(400)
def list_products(query):
    """A page of active products, by name; `q` searches name, SKU and description."""
    return page_body(browsing.search_products(query["q"], page=query["page"], per_page=query["per_page"]))


@bp.route("/products/<id:product_id>", methods=["GET"], tags=["Products"])
@public
@bp.doc(security=[])
@bp.response(200, schemas.ProductSchema)
@errors(404)
def get_product(product_id):
    """One active product."""
    return browsing.get_product(product_id)


# --- cart


@bp.route("/cart/", methods=["GET"], tags=["Cart"])
@bp.response(200, schemas.CartSchema)
@errors(401)
def get_cart():
    """The caller's cart with current prices."""
    return cart.get_cart(current_user_id())


@bp.route("/cart/items/", methods=["POST"], tags=["Cart"])
@bp.arguments(schemas.AddToCartSchema)
@bp.response(201, schemas.CartSchema)
@errors(400, 401, 404)
def add_cart_item(line):
    """Add a quantity of a product to what the cart already holds."""
    return cart.add_to_cart(current_user_id(), line["product_id"], line["quantity"])


@bp.route("/cart/items/<id:product_id>", methods=["PATCH"], tags=["Cart"])
@bp.arguments(schemas.SetQuantitySchema)
@bp.response(200, schemas.CartSchema)
@errors(400, 401, 404)
def set_cart_item_quantity(line, product_id):
    """Set a line's quantity; 0 removes the line."""
    return cart.set_quantity(current_user_id(), product_id, line["quantity"])


@bp.route("/cart/items/<id:product_id>", methods=["DELETE"], tags=["Cart"])
@bp.response(204)
@errors(401, 404)
def remove_cart_item(product_id):
    """Remove a line from the cart."""
    cart.remove_from_cart(current_user_id(), product_id)


# --- addresses


@bp.route("/addresses/", methods=["GET"], tags=["Addresses"])
@bp.response(200, schemas.AddressListSchema)
@errors(401)
def list_addresses():
    """The caller's address book, the default address first."""
    return {"items": addresses.list_addresses(current_user_id())}


@bp.route("/addresses/", methods=["POST"], tags=["Addresses"])
@bp.arguments(schemas.NewAddressSchema)
@bp.response(201, schemas.AddressSchema)
@errors(400, 401)
def create_address(fields):
    """Add an address to the caller's book; the first one becomes the default."""
    return addresses.create_address(current_user_id(), fields)


# --- checkout and orders


@bp.route("/checkout/preview", methods=["GET"], tags=["Orders"])
@bp.arguments(schemas.PreviewQuerySchema, location="query")
@bp.response(200, schemas.TotalsSchema)
@errors(400, 401)
def preview_checkout(query):
    """What the cart would cost now, with the coupon if one is given (an unusable one is a 400)."""
    return preview.preview_checkout(current_user_id(), query.get("coupon_code")).totals_or_refusal()


@bp.route("/orders/", methods=["POST"], tags=["Orders"])
@bp.arguments(schemas.PlaceOrderSchema)
@bp.arguments(schemas.IdempotencyHeaderSchema, location="headers")
@bp.response(
    201,
    schemas.OrderSchema,
    headers={"Location": {"description": "The order's URL.", "schema": {"type": "string"}}},
)
@errors(
    400,
    401,
    409,
    422,
    429,
    notes={
        400: "`validation_error` (an address not the caller's is reported on `address_id`, an unusable "
        "coupon on `coupon_code`), or `empty_cart`."
    },
)
@orders_per_account
def place_order(body, headers):
    """Turn the cart into an order, all or nothing; a repeat with the same Idempotency-Key replays it."""
    placed = placing.place_order(
        current_user_id(),
        body["address_id"],
        body["coupon_code"],
        idempotency_key=headers.get("idempotency_key"),
        request_hash=idempotency.request_fingerprint(body),
    )
    if not placed.created:
        not_counted_as_an_order()
    location = url_for("api.get_order", number=placed.order.number)
    return placed.order, 201, {"Location": location}


@bp.route("/orders/", methods=["GET"], tags=["Orders"])
@bp.arguments(schemas.PageQuerySchema, location="query")
@bp.response(200, schemas.OrderPageSchema)
@errors(400, 401)
def list_orders(query):
    """The caller's orders, newest first."""
    return page_body(lookups.orders_page(current_user_id(), query["page"], query["per_page"]))


@bp.route("/orders/<order_number:number>", methods=["GET"], tags=["Orders"])
@bp.response(200, schemas.OrderSchema)
@errors(401, 404)
def get_order(number):
    """One of the caller's orders; anyone else's is a 404."""
    return lookups.shoppers_order(current_user_id(), number)


@bp.route("/orders/<order_number:number>/cancel", methods=["POST"], tags=["Orders"])
@bp.response(200, schemas.OrderSchema)
@errors(401, 404, 409)
def cancel_order(number):
    """Cancel one of the caller's pending orders; stock and the coupon use are given back."""
    order = lookups.shoppers_order(current_user_id(), number)
    return cancelling.cancel_order(order, current_user_id())
