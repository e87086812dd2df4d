"""Checkout, the order confirmation page, and a shopper's cancel (SPEC section 6); the
same for guests, with their order's private link, and finding that link (section 10)."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.exceptions import NotFound as HTTPNotFound

from app.blueprints.auth.redirects import send_to_login
from app.blueprints.cart.visitor import cart_owner, current_visitor
from app.blueprints.checkout.forms import CheckoutForm, FindOrderForm, GuestCheckoutForm
from app.services.accounts.addresses import delete_address, find_or_create_address, list_addresses
from app.services.errors import (
    CouponUnusable,
    EmptyCart,
    IdempotencyKeyInUse,
    IdempotencyKeyReused,
    InsufficientStock,
    InvalidTransition,
    NotFound,
    OrderTooLarge,
    ShopError,
    ValidationFailed,
)
from app.services.ordering import guests, lifecycle, lookups
from app.services.ordering.cart import CartView, get_cart
from app.services.ordering.coupons import usable_coupon
from app.services.ordering.placing import PlacedOrder, place_order
from app.services.ordering.pricing import compute_totals

bp = Blueprint("checkout", __name__)

# How the checkout page answers each refusal of the order service: the status of
# the re-rendered page, and the words for a shopper where the service's are for the API.
REFUSALS: list[tuple[type[ShopError], int, str | None]] = [
    (InsufficientStock, 409, None),
    (IdempotencyKeyInUse, 409, "Your order is still being placed; please wait a moment and reload."),
    (
        IdempotencyKeyReused,
        409,
        "This checkout form was already used; please check and place your order again.",
    ),
    (ValidationFailed, 400, None),  # AddressNotYours, CouponUnusable, bad new-address fields
    (ShopError, 400, None),
]


# The one answer of /orders/find, whether or not the number and email match an order.
LINK_REQUESTED = "If that order exists, we emailed its link to that address."


@bp.route("/checkout", methods=["GET", "POST"])
def checkout():
    guest = not current_user.is_authenticated
    if guest and not current_app.config["GUEST_CHECKOUT"]:
        return send_to_login(url_for("checkout.checkout"))
    form = GuestCheckoutForm() if guest else CheckoutForm()
    if request.method == "GET" or form.apply_coupon.data:
        return _render_checkout(form)
    if not form.validate():
        return _refused(ShopError(_form_problem(form)), form)
    try:
        placed = _place_order(form)
    except ShopError as error:
        return _refused(error, form)
    number = placed.order.number
    if placed.created:
        flash(f"Thank you! Your order {number} has been placed.", "success")
    else:
        flash(f"Your order {number} was already placed; here it is.", "info")
    if placed.access_key:
        flash("We emailed you a link to this page. Keep it: it is the only way to see your order.", "info")
    return redirect(url_for("checkout.order_detail", number=number, key=placed.access_key), code=303)


@bp.get("/orders/<number>")
def order_detail(number: str):
    key = request.args.get("key")
    if key is None and not current_user.is_authenticated:
        return send_to_login(url_for("checkout.order_detail", number=number))
    order = _viewable_order(number, key)
    return render_template(
        "checkout/order.html",
        order=order,
        key=key,
        can_cancel=order.status in lifecycle.SHOPPER_CANCELLABLE,
    )


@bp.post("/orders/<number>/cancel")
def cancel_order(number: str):
    key = request.args.get("key")
    if key is None and not current_user.is_authenticated:
        return send_to_login(url_for("checkout.order_detail", number=number))
    order = _viewable_order(number, key)
    actor_id = current_user.id if current_user.is_authenticated else None
    try:
        lifecycle.cancel_order(order, actor_id)
    except InvalidTransition as error:
        flash(f"This order is {error.current} and can no longer be cancelled.", "error")
    else:
        flash(f"Order {number} is cancelled.", "success")
    return redirect(url_for("checkout.order_detail", number=number, key=key), code=303)


@bp.route("/orders/find", methods=["GET", "POST"])
def find_order():
    form = FindOrderForm()
    if not form.validate_on_submit():
        return render_template("checkout/find.html", form=form), 400 if form.errors else 200
    guests.request_order_link(form.number.data, form.email.data)
    flash(LINK_REQUESTED, "info")
    return redirect(url_for("checkout.find_order"), code=303)


@bp.errorhandler(NotFound)
def order_not_found(error: NotFound):
    # Another shopper's order looks exactly like one that does not exist.
    return render_template("errors/404.html", error=HTTPNotFound()), 404


def _viewable_order(number: str, key: str | None):
    """The order by its private link's key, or the shopper's own; NotFound otherwise."""
    if key is not None:
        return guests.guest_order(number, key)
    return lookups.shoppers_order(current_user.id, number)


def _place_guest_order(form: GuestCheckoutForm) -> PlacedOrder:
    visitor = current_visitor()
    if visitor is None:
        raise EmptyCart()
    guest = guests.checked_guest(visitor, form.email.data, form.new_address_fields())
    return place_order(
        None, None, form.coupon_code.data, idempotency_key="web:" + form.checkout_key.data, guest=guest
    )


def _place_order(form: CheckoutForm) -> PlacedOrder:
    if isinstance(form, GuestCheckoutForm):
        return _place_guest_order(form)
    user_id = current_user.id
    if not form.wants_new_address:
        return _place_order_to(form, form.chosen_address_id())
    address, created = find_or_create_address(user_id, form.new_address_fields())
    try:
        return _place_order_to(form, address.id)
    except ShopError as error:
        # A refused order changes nothing (SPEC section 3), so an address this submit
        # saved goes again; the page keeps it typed in. Not while a repeat of this form
        # is still in flight: that repeat names the same address and may yet place the order.
        if created and not isinstance(error, IdempotencyKeyInUse):
            delete_address(user_id, address.id)
        else:
            form.select_address(address.id)
        raise


def _place_order_to(form: CheckoutForm, address_id: int) -> PlacedOrder:
    return place_order(
        current_user.id,
        address_id,
        form.coupon_code.data,
        idempotency_key="web:" + form.checkout_key.data,
    )


def _form_problem(form: CheckoutForm) -> str:
    if form.checkout_key.errors:
        form.new_key()  # a missing or mangled key: this render's key is good for the next try
        return form.checkout_key.errors[0]
    return "Please correct the marked fields."


def _refused(error: ShopError, form: CheckoutForm):
    """Re-render checkout saying exactly why the order was not placed (nothing changed)."""
    status, message = next((status, message) for kind, status, message in REFUSALS if isinstance(error, kind))
    if isinstance(error, ValidationFailed):
        form.add_errors(error.fields)
    if isinstance(error, IdempotencyKeyReused):
        form.new_key()
    return _render_checkout(form, refusal=ShopError(message) if message else error, status=status)


def _render_checkout(form: CheckoutForm, refusal: ShopError | None = None, status: int = 200):
    guest = isinstance(form, GuestCheckoutForm)
    user_id = None if guest else current_user.id
    owner = cart_owner()
    cart = get_cart(owner) if owner is not None else CartView([], current_app.config["STORE_CURRENCY"])
    if not cart:
        flash(refusal.message if refusal else EmptyCart.message, "info")
        return redirect(url_for("cart.show"), code=303)
    addresses = [] if guest else list_addresses(user_id)
    form.offer_addresses(addresses)
    coupon = _preview_coupon(form, cart.subtotal, user_id)
    try:
        totals = compute_totals(cart.subtotal, coupon)
    except OrderTooLarge as error:  # shown with its amounts; placing it is refused
        totals, refusal = error.totals, refusal or error
    return render_template(
        "checkout/checkout.html",
        form=form,
        guest=guest,
        cart=cart,
        addresses={str(address.id): address for address in addresses},
        coupon=coupon,
        totals=totals,
        refusal=refusal,
        short_items=getattr(refusal, "items", []),
    ), status


def _preview_coupon(form: CheckoutForm, subtotal, user_id: int | None):
    """The coupon the totals preview applies; a failed rule is shown on the coupon field.

    A guest's uses of it are counted by the email typed in so far.
    """
    code = (form.coupon_code.data or "").strip()
    if not code:
        return None
    guest_email = (form.email.data or "").strip().lower() if user_id is None else None
    try:
        return usable_coupon(code, subtotal, user_id, guest_email)
    except CouponUnusable as error:
        if error.message not in form.coupon_code.errors:
            form.add_errors(error.fields)
        return None
