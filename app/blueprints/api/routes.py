"""The endpoints of docs/behaviour.md#api, under /api/v1.

Each view reads its validated input, calls one service function and returns
what the response schema writes out; the services' errors become the API's
error body in errors.domain_error_response.
"""

from flask import url_for
from flask_smorest import Blueprint

from app.blueprints.api import catalog_schemas, schemas
from app.blueprints.api import errors as api_errors
from app.blueprints.api.auth import current_token, current_user_id, guard_request, public
from app.blueprints.api.document import ErrorSchema, error_responses
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
from app.services.catalog import browsing, categories, search
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
api_errors.register(bp)


def errors(*refusals: str):
    """Document the refusals an operation can give (document.REFUSALS), grouped by status.

    Those of any request (its size, its body's type, a failure on our side) are added.
    """

    def decorator(view):
        for status, response in error_responses(refusals).items():
            view = bp.alt_response(status, schema=ErrorSchema, **response)(view)
        return view

    return decorator


def links(status: int, **operations: dict[str, str]) -> dict:
    """OpenAPI links from a response to the operations its values name, for clients and schemathesis."""
    return {
        status: {
            "links": {
                operation_id: {"operationId": operation_id, "parameters": parameters}
                for operation_id, parameters in operations.items()
            }
        }
    }


def page_body(pagination) -> dict:
    return {
        "items": pagination.items,
        "page": pagination.page,
        "per_page": pagination.per_page,
        "total": pagination.total,
    }


# --- tokens


@bp.route("/auth/token", methods=["POST"], tags=["Tokens"])
@bp.doc(operationId="createToken")
@public
@bp.doc(security=[])
@bp.arguments(schemas.TokenRequestSchema)
@bp.response(201, schemas.TokenSchema)
@errors("invalid_fields", "bad_credentials", "token_rate_limited")
@token_requests_per_address
@token_requests_per_account
def create_token(credentials):
    """Get a bearer token for an email and password."""
    return api_tokens.issue_token(credentials["email"], credentials["password"])


@bp.route("/auth/token", methods=["DELETE"], tags=["Tokens"])
@bp.doc(operationId="revokeToken")
@bp.response(204)
@errors("fields_in_body", "no_token")
def revoke_token():
    """Revoke the token used for this request."""
    api_tokens.revoke_token(current_token().id)


@bp.route("/auth/password-reset", methods=["POST"], tags=["Tokens"])
@bp.doc(operationId="requestPasswordReset")
@public
@bp.doc(security=[])
@bp.arguments(schemas.PasswordResetRequestSchema)
@bp.response(202, schemas.AcceptedSchema)
@errors("invalid_fields", "password_reset_rate_limited")
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
@bp.doc(
    operationId="listProducts",
    responses=links(200, getProduct={"product_id": "$response.body#/items/0/id"}),
)
@public
@bp.doc(security=[])
@bp.arguments(catalog_schemas.ProductSearchQuerySchema, location="query")
@bp.response(200, catalog_schemas.ProductPageSchema)
@errors("invalid_query", "fields_in_body")
def list_products(query):
    """A page of active products: searched, filtered and sorted (docs/behaviour.md#search)."""
    page, per_page = query.pop("page"), query.pop("per_page")
    # A category that does not exist, or a price range upside down, simply matches nothing.
    found = search.ProductFilter(**{name: value for name, value in query.items() if value is not None})
    return page_body(search.find_products(found, page=page, per_page=per_page))


@bp.route("/categories/", methods=["GET"], tags=["Products"])
@bp.doc(operationId="listCategories")
@public
@bp.doc(security=[])
@bp.response(200, catalog_schemas.CategoryTreeSchema)
@errors("fields_in_body")
def list_categories():
    """The category tree: top-level categories, each with its children."""
    return {"items": categories.category_tree()}


@bp.route("/products/<id:product_id>", methods=["GET"], tags=["Products"])
@bp.doc(operationId="getProduct")
@public
@bp.doc(security=[])
@bp.response(200, catalog_schemas.ProductSchema)
@errors("fields_in_body", "product_not_found")
def get_product(product_id):
    """One active product."""
    return browsing.get_product(product_id)


# --- cart


@bp.route("/cart/", methods=["GET"], tags=["Cart"])
@bp.doc(operationId="getCart")
@bp.response(200, schemas.CartSchema)
@errors("fields_in_body", "no_token")
def get_cart():
    """The caller's cart with current prices."""
    return cart.get_cart(current_user_id())


@bp.route("/cart/items/", methods=["POST"], tags=["Cart"])
@bp.doc(
    operationId="addCartItem",
    responses=links(
        201,
        setCartItemQuantity={"product_id": "$request.body#/product_id"},
        removeCartItem={"product_id": "$request.body#/product_id"},
    ),
)
@bp.arguments(schemas.AddToCartSchema)
@bp.response(201, schemas.CartSchema)
@errors("invalid_fields", "no_token", "product_not_found")
def add_cart_item(line):
    """Add a quantity of a product to what the cart already holds."""
    return cart.add_to_cart(current_user_id(), line["product_id"], line["quantity"])


@bp.route("/cart/items/<id:product_id>", methods=["PATCH"], tags=["Cart"])
@bp.doc(operationId="setCartItemQuantity")
@bp.arguments(schemas.SetQuantitySchema)
@bp.response(200, schemas.CartSchema)
@errors("invalid_fields", "no_token", "line_not_found")
def set_cart_item_quantity(line, product_id):
    """Set a line's quantity; 0 removes the line."""
    return cart.set_quantity(current_user_id(), product_id, line["quantity"])


@bp.route("/cart/items/<id:product_id>", methods=["DELETE"], tags=["Cart"])
@bp.doc(operationId="removeCartItem")
@bp.response(204)
@errors("fields_in_body", "no_token", "line_not_found")
def remove_cart_item(product_id):
    """Remove a line from the cart."""
    cart.remove_from_cart(current_user_id(), product_id)


# --- addresses


@bp.route("/addresses/", methods=["GET"], tags=["Addresses"])
@bp.doc(operationId="listAddresses")
@bp.response(200, schemas.AddressListSchema)
@errors("fields_in_body", "no_token")
def list_addresses():
    """The caller's address book, the default address first."""
    return {"items": addresses.list_addresses(current_user_id())}


@bp.route("/addresses/", methods=["POST"], tags=["Addresses"])
@bp.doc(operationId="createAddress")
@bp.arguments(schemas.NewAddressSchema)
@bp.response(201, schemas.AddressSchema)
@errors("invalid_fields", "country_unknown", "no_token")
def create_address(fields):
    """Add an address to the caller's book; the first one becomes the default.

    The country's own rules apply too: a US or Japanese address needs its `region` (state,
    prefecture), a postal code must have the country's shape; a refusal names each field.
    """
    return addresses.create_address(current_user_id(), fields)


# --- checkout and orders


@bp.route("/checkout/preview", methods=["GET"], tags=["Orders"])
@bp.doc(operationId="previewCheckout")
@bp.arguments(schemas.PreviewQuerySchema, location="query")
@bp.response(200, schemas.TotalsSchema)
@errors("fields_in_body", "coupon_unusable", "order_too_large", "no_token")
def preview_checkout(query):
    """What the cart would cost now, with the coupon if one is given (an unusable one is a 400)."""
    return preview.preview_checkout(current_user_id(), query.get("coupon_code")).totals_or_refusal()


@bp.route("/orders/", methods=["POST"], tags=["Orders"])
@bp.doc(
    operationId="placeOrder",
    responses=links(
        201, getOrder={"number": "$response.body#/number"}, cancelOrder={"number": "$response.body#/number"}
    ),
)
@bp.arguments(schemas.PlaceOrderSchema)
@bp.arguments(schemas.IdempotencyHeaderSchema, location="headers")
@bp.response(
    201,
    schemas.OrderSchema,
    headers={"Location": {"description": "The order's URL.", "schema": {"type": "string"}}},
)
@errors(
    "invalid_fields",
    "address_not_yours",
    "coupon_unusable",
    "order_too_large",
    "empty_cart",
    "no_token",
    "insufficient_stock",
    "idempotency_key_in_use",
    "idempotency_key_reused",
    "order_rate_limited",
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
@bp.doc(operationId="listOrders", responses=links(200, getOrder={"number": "$response.body#/items/0/number"}))
@bp.arguments(schemas.PageQuerySchema, location="query")
@bp.response(200, schemas.OrderPageSchema)
@errors("invalid_query", "fields_in_body", "no_token")
def list_orders(query):
    """The caller's orders, newest first."""
    return page_body(lookups.orders_page(current_user_id(), query["page"], query["per_page"]))


@bp.route("/orders/<order_number:number>", methods=["GET"], tags=["Orders"])
@bp.doc(operationId="getOrder")
@bp.response(200, schemas.OrderSchema)
@errors("fields_in_body", "no_token", "order_not_found")
def get_order(number):
    """One of the caller's orders; anyone else's is a 404."""
    return lookups.shoppers_order(current_user_id(), number)


@bp.route("/orders/<order_number:number>/cancel", methods=["POST"], tags=["Orders"])
@bp.doc(operationId="cancelOrder")
@bp.response(200, schemas.OrderSchema)
@errors("fields_in_body", "no_token", "order_not_found", "invalid_transition")
def cancel_order(number):
    """Cancel one of the caller's pending orders; stock and the coupon use are given back."""
    order = lookups.shoppers_order(current_user_id(), number)
    return cancelling.cancel_order(order, current_user_id())
