"""Admin catalog pages: list and search, create, edit, activate or deactivate, adjust stock."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.blueprints.admin import bp
from app.blueprints.admin.forms import NewProductForm, ProductForm, StockAdjustmentForm
from app.blueprints.forms import show_errors
from app.blueprints.input_rules import query_text
from app.blueprints.url_values import ID, requested_page
from app.services.catalog import editing
from app.services.catalog.browsing import get_product, search_products
from app.services.errors import ValidationFailed

PRODUCTS_PER_PAGE = 25


@bp.get("/admin/products", strict_slashes=False)
def products():
    query = query_text("q", "search")
    page = search_products(query, page=requested_page(), per_page=PRODUCTS_PER_PAGE, active_only=False)
    return render_template("admin/products.html", page=page, query=query)


@bp.route("/admin/products/new", methods=["GET", "POST"])
def new_product():
    form = NewProductForm()
    if form.validate_on_submit():
        try:
            product = editing.create_product(
                **form.service_fields(), stock=form.stock.data or 0, actor_id=current_user.id
            )
        except ValidationFailed as refused:
            show_errors(form, refused.fields)
        else:
            flash(f"Product {product.name} created.", "success")
            return redirect(url_for("admin.edit_product", product_id=product.id), code=303)
    status = 400 if form.errors else 200
    return render_template("admin/product_new.html", form=form), status


@bp.route(f"/admin/products/<{ID}:product_id>", methods=["GET", "POST"])
def edit_product(product_id: int):
    product = get_product(product_id, active_only=False)
    form = ProductForm(obj=product)
    if form.validate_on_submit():
        try:
            editing.update_product(product_id, **form.service_fields())
        except ValidationFailed as refused:
            show_errors(form, refused.fields)
        else:
            flash(f"Product {product.name} saved.", "success")
            return redirect(url_for("admin.edit_product", product_id=product_id), code=303)
    status = 400 if form.errors else 200
    return _edit_page(product, form, StockAdjustmentForm(formdata=None)), status


@bp.post(f"/admin/products/<{ID}:product_id>/stock")
def adjust_stock(product_id: int):
    product = get_product(product_id, active_only=False)
    form = StockAdjustmentForm()
    if form.validate_on_submit():
        try:
            stock = editing.adjust_stock(product_id, form.delta.data, form.reason.data, current_user.id)
        except ValidationFailed as refused:
            show_errors(form, refused.fields)
        else:
            flash(f"Stock of {product.name} is now {stock}.", "success")
            return redirect(url_for("admin.edit_product", product_id=product_id), code=303)
    return _edit_page(product, ProductForm(formdata=None, obj=product), form), 400


@bp.post(f"/admin/products/<{ID}:product_id>/activate")
def activate_product(product_id: int):
    product = editing.set_product_active(product_id, True)
    flash(f"{product.name} is on sale again.", "success")
    return _return_from_switch(product_id)


@bp.post(f"/admin/products/<{ID}:product_id>/deactivate")
def deactivate_product(product_id: int):
    product = editing.set_product_active(product_id, False)
    flash(f"{product.name} is no longer shown to shoppers.", "success")
    return _return_from_switch(product_id)


def _return_from_switch(product_id: int):
    """Back to the page the button was on: the product's own page or the list."""
    if request.form.get("return_to") == "edit":
        return redirect(url_for("admin.edit_product", product_id=product_id), code=303)
    return redirect(url_for("admin.products"), code=303)


def _edit_page(product, form, stock_form):
    return render_template(
        "admin/product_edit.html",
        product=product,
        form=form,
        stock_form=stock_form,
        adjustments=editing.recent_adjustments(product.id),
    )
