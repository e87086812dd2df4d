"""The cart page, for shoppers and visitors: add, change and remove lines (docs/behaviour.md#cart).

Every POST here is protected by the app-wide CSRF check; a form that does not
parse (say, quantity "abc") reaches the cart service as None and is refused there.
A visitor's cart is the one of their cart cookie (visitor.py).
"""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.blueprints.cart.forms import AddToCartForm, QuantityForm
from app.blueprints.cart.visitor import cart_owner, cart_owner_for_change, init_visitor_cookie
from app.blueprints.url_values import ID
from app.services.catalog import browsing
from app.services.errors import NotFound, ShopError, ValidationFailed
from app.services.ordering import cart

bp = Blueprint("cart", __name__, url_prefix="/cart")
bp.record_once(lambda state: init_visitor_cookie(state.app))

NOT_AVAILABLE = _l("That product is not available.")
NOT_IN_CART = _l("That product is not in your cart.")


@bp.get("", strict_slashes=False)  # "/cart/" as typed is the same page
def show():
    owner = cart_owner()
    shown = cart.get_cart(owner) if owner is not None else cart.CartView([], "")
    return render_template("cart/show.html", cart=shown)


@bp.post("/items")
def add_item():
    form = AddToCartForm()
    product_id = form.chosen_product_id()
    if product_id is None:
        flash(str(NOT_AVAILABLE), "error")
        return redirect(url_for("shop.index"))
    try:
        added = cart.add_to_cart(cart_owner_for_change(), product_id, form.quantity.data)
    except NotFound:
        flash(str(NOT_AVAILABLE), "error")
        return redirect(url_for("shop.index"))
    except ValidationFailed as exc:
        _flash_refusal(exc)
        return redirect(_product_page(product_id))
    name = next(line.name for line in added.lines if line.product_id == product_id)
    flash(_("Added %(quantity)s × %(name)s to your cart.", quantity=form.quantity.data, name=name), "success")
    return redirect(url_for("cart.show"))


@bp.post(f"/items/<{ID}:product_id>")
def update_item(product_id: int):
    form = QuantityForm()
    owner = cart_owner()
    try:
        if owner is None:
            raise NotFound(str(NOT_IN_CART))
        cart.set_quantity(owner, product_id, form.quantity.data)
    except ShopError as exc:
        _flash_refusal(exc)
    else:
        flash(
            _("Removed from your cart.") if form.quantity.data == 0 else _("Your cart is updated."), "success"
        )
    return redirect(url_for("cart.show"))


@bp.post(f"/items/<{ID}:product_id>/remove")
def remove_item(product_id: int):
    owner = cart_owner()
    try:
        if owner is None:
            raise NotFound(str(NOT_IN_CART))
        cart.remove_from_cart(owner, product_id)
    except NotFound as exc:
        flash(exc.message, "error")
    else:
        flash(_("Removed from your cart."), "success")
    return redirect(url_for("cart.show"))


def _product_page(product_id: int | None) -> str:
    """Where to come back to after a refused add: the product page, or the shop."""
    if product_id is None:
        return url_for("shop.index")
    try:
        return url_for("shop.product", slug=browsing.get_product(product_id).slug)
    except NotFound:
        return url_for("shop.index")


def _flash_refusal(exc: ShopError) -> None:
    if isinstance(exc, ValidationFailed):
        for messages in exc.fields.values():
            for message in messages:
                flash(message, "error")
    else:
        flash(exc.message, "error")
