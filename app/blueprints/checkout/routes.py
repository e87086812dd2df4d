"""Checkout, the order confirmation page, and a shopper's cancel (docs/behaviour.md#pages);
the same for guests, with their order's private link, and finding that link
(docs/behaviour.md#visitors-guests-and-accounts)."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.exceptions import NotFound as HTTPNotFound

from app.blueprints.auth.redirects import send_to_login
from app.blueprints.cart.visitor import cart_owner, current_visitor
from app.blueprints.checkout.forms import CheckoutForm, FindOrderForm, GuestCheckoutForm
from app.blueprints.forms import address_values, show_errors
from app.services.accounts.addresses import list_addresses
from app.services.errors import (
    CouponUnusable,
    EmptyCart,
    IdempotencyKeyInUse,
    IdempotencyKeyReused,
    InvalidTransition,
    NotFound,
    ShopError,
    ValidationFailed,
)
from app.services.ordering import carriers, guests, lifecycle, lookups
from app.services.ordering.placing import PlacedOrder, place_order
from app.services.ordering.preview import (
    CheckoutPreview,
    apply_coupon,
    free_shipping_gap_for,
    preview_with_remembered_coupon,
    remove_coupon,
)
from app.services.payments import cancelling, intents, manual
from app.services.payments.gateways import configured_name

bp = Blueprint("checkout", __name__)
# How an order was shipped, for the order pages and emails (the carrier's tracking link).
bp.add_app_template_global(carriers.shipment_of, "shipment_of")

# A refusal is answered with the status it carries (app/services/errors.py); these
# are the words a shopper needs where the service's are written for an API client.
SHOPPER_WORDS: dict[type[ShopError], str] = {
    IdempotencyKeyInUse: _l("Your order is still being placed; please wait a moment and reload."),
    IdempotencyKeyReused: _l("This checkout form was already used; please check and place your order again."),
}
# The service's name for a field, where the form's differs.
SERVICE_FIELD_NAMES = {"address_id": "address_choice"}
# The one answer of /orders/find, whether or not the number and email match an order.
LINK_REQUESTED = "If that order exists, we emailed its link to that address."


@bp.route("/checkout", methods=["GET", "POST"], strict_slashes=False)
def checkout():
    guest = not current_user.is_authenticated
    if guest and not current_app.config["GUEST_CHECKOUT"]:
        return send_to_login(url_for("checkout.checkout"))
    form = GuestCheckoutForm() if guest else CheckoutForm()
    if request.method == "GET":
        return _render_checkout(form)
    if form.apply_coupon.data:
        return _apply_coupon(form)
    if form.remove_coupon.data:
        return _remove_coupon(form)
    if not form.validate():
        return _refused(ShopError(_form_problem(form)), form)
    try:
        placed = _place_order(form)
    except ShopError as error:
        return _refused(error, form)
    number = placed.order.number
    if placed.created:
        flash(_("Thank you! Your order %(number)s has been placed.", number=number), "success")
    else:
        flash(_("Your order %(number)s was already placed; here it is.", number=number), "info")
    if placed.access_key:
        flash(_("We emailed you a link to this page. Keep it: it is the only way to see your order."), "info")
    # A card payment is taken on its own page (docs/payments.md).
    paid_by_card = intents.payment_of(placed.order) is not None
    endpoint = "payments.pay" if paid_by_card else "checkout.order_detail"
    return redirect(url_for(endpoint, number=number, key=placed.access_key), code=303)


@bp.app_context_processor
def free_shipping_hint() -> dict:
    """For the cart page's hint (checkout/_free_shipping_hint.html): how much more ships free."""
    return {"free_shipping_gap_for": free_shipping_gap_for}


@bp.get("/orders/<number>", strict_slashes=False)
def order_detail(number: str):
    key = request.args.get("key")
    if key is None and not current_user.is_authenticated:
        return send_to_login(url_for("checkout.order_detail", number=number))
    order = viewable_order(number, key)
    return render_template(
        "checkout/order.html",
        order=order,
        key=key,
        can_cancel=order.status in lifecycle.SHOPPER_CANCELLABLE,
    )


@bp.route("/orders/<number>/cancel", methods=["GET", "POST"])
def cancel_order(number: str):
    """GET shows what a cancel will do, with "Yes, cancel" (this POST) and "Keep my order", and
    changes nothing; POST cancels."""
    key = request.args.get("key")
    if key is None and not current_user.is_authenticated:
        page = "checkout.cancel_order" if request.method == "GET" else "checkout.order_detail"
        return send_to_login(url_for(page, number=number))
    order = viewable_order(number, key)
    if request.method == "GET":
        can_cancel = order.status in lifecycle.SHOPPER_CANCELLABLE
        return render_template("checkout/cancel.html", order=order, key=key, can_cancel=can_cancel)
    actor_id = current_user.id if current_user.is_authenticated else None
    try:
        cancelling.cancel_order(order, actor_id)
    except InvalidTransition as error:
        flash(_("This order is %(status)s and can no longer be cancelled.", status=_(error.current)), "error")
    else:
        flash(
            _("Order %(number)s is cancelled. We have emailed you a confirmation.", number=number), "success"
        )
    return redirect(url_for("checkout.order_detail", number=number, key=key), code=303)


@bp.route("/orders/find", methods=["GET", "POST"], strict_slashes=False)
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


def viewable_order(number: str, key: str | None):
    """The order by its private link's key, or the shopper's own; NotFound otherwise."""
    user_id = current_user.id if current_user.is_authenticated else None
    return lookups.order_by_link_or_owner(number, user_id, key)


def _place_order(form: CheckoutForm) -> PlacedOrder:
    if isinstance(form, GuestCheckoutForm):
        return _place_guest_order(form)
    return place_order(
        current_user.id,
        form.ship_to(),
        form.coupon_to_use(),
        idempotency_key="web:" + form.checkout_key.data,
    )


def _place_guest_order(form: GuestCheckoutForm) -> PlacedOrder:
    visitor = current_visitor()
    if visitor is None:
        raise EmptyCart()
    guest = guests.checked_guest(visitor, form.email.data, address_values(form))
    return place_order(
        None, None, form.coupon_to_use(), idempotency_key="web:" + form.checkout_key.data, guest=guest
    )


def _apply_coupon(form: CheckoutForm):
    """Apply the typed coupon and remember it on the cart; a refused one is explained, nothing kept."""
    owner = cart_owner()
    if owner is None:
        return _render_checkout(form)
    try:
        preview = apply_coupon(owner, form.coupon_code.data, _guest_email(form))
    except CouponUnusable as refused:
        show_errors(form, refused.fields)
        return _render_checkout(form, status=refused.http_status)
    form.coupon_code.data = ""
    return _render_checkout(form, preview=preview)


def _remove_coupon(form: CheckoutForm):
    owner = cart_owner()
    preview = remove_coupon(owner, _guest_email(form)) if owner is not None else None
    return _render_checkout(form, preview=preview)


def _guest_email(form: CheckoutForm) -> str | None:
    # A guest's uses of a coupon count by the email typed in so far.
    return (form.email.data or "").strip().lower() if isinstance(form, GuestCheckoutForm) else None


def _form_problem(form: CheckoutForm) -> str:
    if form.checkout_key.errors:
        form.new_key()  # a missing or mangled key: this render's key is good for the next try
        return form.checkout_key.errors[0]
    return _("Please correct the marked fields.")


def _refused(error: ShopError, form: CheckoutForm):
    """Re-render checkout saying exactly why the order was not placed (nothing changed)."""
    message = SHOPPER_WORDS.get(type(error))
    if isinstance(error, ValidationFailed):
        show_errors(form, error.fields, SERVICE_FIELD_NAMES)
    if isinstance(error, IdempotencyKeyReused):
        form.new_key()
    return _render_checkout(
        form, refusal=ShopError(str(message)) if message else error, status=error.http_status
    )


def _render_checkout(
    form: CheckoutForm,
    refusal: ShopError | None = None,
    status: int = 200,
    preview: CheckoutPreview | None = None,
):
    guest = isinstance(form, GuestCheckoutForm)
    owner = cart_owner()
    if preview is None and owner is not None:
        preview = preview_with_remembered_coupon(owner, _guest_email(form))
    if preview is None or not preview.cart:
        flash(refusal.message if refusal else EmptyCart.message, "info")
        return redirect(url_for("cart.show"), code=303)
    addresses = [] if guest else list_addresses(current_user.id)
    form.offer_addresses(addresses)
    # Placing the order uses the coupon shown applied; one that cannot be used is shown with
    # its reason and left out of the totals and of the order.
    form.applied_coupon.data = preview.coupon.code if preview.coupon else ""
    refusal = refusal or preview.too_large  # shown with its amounts; placing it is refused
    return render_template(
        "checkout/checkout.html",
        form=form,
        guest=guest,
        cart=preview.cart,
        addresses={str(address.id): address for address in addresses},
        preview=preview,
        coupon=preview.coupon,
        totals=preview.totals,
        refusal=refusal,
        short_items=getattr(refusal, "items", []),
        pays_by_card=configured_name() != manual.NAME,
    ), status
