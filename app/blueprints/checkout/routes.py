"""Checkout, the order confirmation page, and a shopper's cancel (docs/behaviour.md#pages)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.exceptions import NotFound as HTTPNotFound

from app.blueprints.auth.redirects import login_required_back_to
from app.blueprints.checkout.forms import CheckoutForm
from app.blueprints.forms import show_errors
from app.services.accounts.addresses import list_addresses
from app.services.errors import (
    EmptyCart,
    IdempotencyKeyInUse,
    IdempotencyKeyReused,
    InvalidTransition,
    NotFound,
    ShopError,
    ValidationFailed,
)
from app.services.ordering import lifecycle, lookups
from app.services.ordering.placing import PlacedOrder, place_order
from app.services.ordering.preview import preview_checkout
from app.services.payments import cancelling, intents

bp = Blueprint("checkout", __name__)

# A refusal is answered with the status it carries (app/services/errors.py); these
# are the words a shopper needs where the service's are written for an API client.
SHOPPER_WORDS: dict[type[ShopError], str] = {
    IdempotencyKeyInUse: "Your order is still being placed; please wait a moment and reload.",
    IdempotencyKeyReused: "This checkout form was already used; please check and place your order again.",
}
# The service's name for a field, where the form's differs.
SERVICE_FIELD_NAMES = {"address_id": "address_choice"}


@bp.route("/checkout", methods=["GET", "POST"], strict_slashes=False)
@login_required
def checkout():
    form = CheckoutForm()
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
    # A card payment is taken on its own page (docs/payments.md).
    paid_by_card = intents.payment_of(placed.order) is not None
    return redirect(
        url_for("payments.pay" if paid_by_card else "checkout.order_detail", number=number), code=303
    )


@bp.get("/orders/<number>")
@login_required
def order_detail(number: str):
    order = lookups.shoppers_order(current_user.id, number)
    return render_template(
        "checkout/order.html", order=order, can_cancel=order.status in lifecycle.SHOPPER_CANCELLABLE
    )


@bp.post("/orders/<number>/cancel")
@login_required_back_to("checkout.order_detail", "number")
def cancel_order(number: str):
    order = lookups.shoppers_order(current_user.id, number)
    try:
        cancelling.cancel_order(order, current_user.id)
    except InvalidTransition as error:
        flash(f"This order is {error.current} and can no longer be cancelled.", "error")
    else:
        flash(f"Order {number} is cancelled.", "success")
    return redirect(url_for("checkout.order_detail", number=number), code=303)


@bp.errorhandler(NotFound)
def order_not_found(error: NotFound):
    # Another shopper's order looks exactly like one that does not exist.
    return render_template("errors/404.html", error=HTTPNotFound()), 404


def _place_order(form: CheckoutForm) -> PlacedOrder:
    return place_order(
        current_user.id,
        form.ship_to(),
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
    message = SHOPPER_WORDS.get(type(error))
    if isinstance(error, ValidationFailed):
        show_errors(form, error.fields, SERVICE_FIELD_NAMES)
    if isinstance(error, IdempotencyKeyReused):
        form.new_key()
    return _render_checkout(form, refusal=ShopError(message) if message else error, status=error.http_status)


def _render_checkout(form: CheckoutForm, refusal: ShopError | None = None, status: int = 200):
    user_id = current_user.id
    preview = preview_checkout(user_id, form.coupon_code.data)
    if not preview.cart:
        flash(refusal.message if refusal else EmptyCart.message, "info")
        return redirect(url_for("cart.show"), code=303)
    if preview.unusable_coupon:  # the totals are shown without it
        show_errors(form, preview.unusable_coupon.fields)
    addresses = list_addresses(user_id)
    form.offer_addresses(addresses)
    refusal = refusal or preview.too_large  # shown with its amounts; placing it is refused
    return render_template(
        "checkout/checkout.html",
        form=form,
        cart=preview.cart,
        addresses={str(address.id): address for address in addresses},
        coupon=preview.coupon,
        totals=preview.totals,
        refusal=refusal,
        short_items=getattr(refusal, "items", []),
    ), status
