"""Admin coupon pages: list with uses and limits, create, edit, deactivate."""

from flask import flash, redirect, render_template, request, url_for

from app.blueprints.admin import bp
from app.blueprints.admin.forms import CouponForm
from app.blueprints.forms import show_errors
from app.blueprints.url_values import ID, requested_page
from app.services.errors import ValidationFailed
from app.services.ordering import coupons as coupon_book


@bp.get("/admin/coupons", strict_slashes=False)
def coupons():
    page = coupon_book.list_coupons(page=requested_page())
    return render_template("admin/coupons.html", page=page)


@bp.route("/admin/coupons/new", methods=["GET", "POST"])
def new_coupon():
    form = CouponForm()
    if form.validate_on_submit():
        try:
            coupon = coupon_book.create_coupon(form.code.data, **form.service_fields())
        except ValidationFailed as refused:
            show_errors(form, refused.fields, CouponForm.SERVICE_FIELD_NAMES)
        else:
            flash(f"Coupon {coupon.code} created.", "success")
            return redirect(url_for("admin.coupons"), code=303)
    status = 400 if form.errors else 200
    return render_template("admin/coupon_form.html", form=form, coupon=None), status


@bp.route(f"/admin/coupons/<{ID}:coupon_id>", methods=["GET", "POST"])
def edit_coupon(coupon_id: int):
    coupon = coupon_book.get_coupon(coupon_id)
    form = CouponForm()
    if request.method == "GET":
        form.fill_from(coupon)
    elif form.validate_on_submit():
        try:
            coupon_book.update_coupon(coupon_id, form.code.data, **form.service_fields())
        except ValidationFailed as refused:
            show_errors(form, refused.fields, CouponForm.SERVICE_FIELD_NAMES)
        else:
            flash(f"Coupon {coupon.code} saved.", "success")
            return redirect(url_for("admin.coupons"), code=303)
    status = 400 if form.errors else 200
    return render_template("admin/coupon_form.html", form=form, coupon=coupon), status


@bp.post(f"/admin/coupons/<{ID}:coupon_id>/deactivate")
def deactivate_coupon(coupon_id: int):
    coupon = coupon_book.set_coupon_active(coupon_id, False)
    flash(f"Coupon {coupon.code} deactivated: shoppers can no longer use it.", "success")
    return redirect(url_for("admin.coupons"), code=303)


@bp.post(f"/admin/coupons/<{ID}:coupon_id>/activate")
def activate_coupon(coupon_id: int):
    coupon = coupon_book.set_coupon_active(coupon_id, True)
    flash(f"Coupon {coupon.code} is active again.", "success")
    return redirect(url_for("admin.coupons"), code=303)
