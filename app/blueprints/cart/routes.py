"""The shopper's cart page: add, change and remove lines (docs/behaviour.md#cart).

Every POST here is protected by the app-wide CSRF check; a form that does not
parse (say, quantity "abc") reaches the cart service as None and is refused there.
"""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from app.blueprints.auth.redirects import login_required_back_to, send_to_login
from app.blueprints.cart.forms import AddToCartForm, QuantityForm
from app.blueprints.url_values import ID
from app.services.catalog import browsing
from app.services.errors import NotFound, ShopError, ValidationFailed
from app.services.ordering import cart

bp = Blueprint("cart", __name__, url_prefix="/cart")

NOT_AVAILABLE = "That product is not available."


@bp.get("", strict_slashes=False)  # "/cart/" as typed is the same page
@login_required
def show():
    return render_template("cart/show.html", cart=cart.get_cart(current_user.id))


@bp.post("/items")
def add_item():
    form = AddToCartForm()
    product_id = form.chosen_product_id()
    if not current_user.is_authenticated:
        return send_to_login(_product_page(product_id), "Please log in to add products to your cart.")
    if product_id is None:
        flash(NOT_AVAILABLE, "error")
        return redirect(url_for("shop.index"))
    try:
        added = cart.add_to_cart(current_user.id, product_id, form.quantity.data)
    except NotFound:
        flash(NOT_AVAILABLE, "error")
        return redirect(url_for("shop.index"))
    except ValidationFailed as exc:
        _flash_refusal(exc)
        return redirect(_product_page(product_id))
    name = next(line.name for line in added.lines if line.product_id == product_id)
    flash(f"Added {form.quantity.data} × {name} to your cart.", "success")
    return redirect(url_for("cart.show"))


@bp.post(f"/items/<{ID}:product_id>")
@login_required_back_to("cart.show")
def update_item(product_id: int):
    form = QuantityForm()
    try:
        cart.set_quantity(current_user.id, product_id, form.quantity.data)
    except ShopError as exc:
        _flash_refusal(exc)
    else:
        flash("Removed from your cart." if form.quantity.data == 0 else "Your cart is updated.", "success")
    return redirect(url_for("cart.show"))


@bp.post(f"/items/<{ID}:product_id>/remove")
@login_required_back_to("cart.show")
def remove_item(product_id: int):
    try:
        cart.remove_from_cart(current_user.id, product_id)
    except NotFound as exc:
        flash(exc.message, "error")
    else:
        flash("Removed from your cart.", "success")
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
