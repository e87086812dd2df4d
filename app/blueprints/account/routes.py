"""The shopper's account pages: profile and password, order history and address book
(docs/behaviour.md#pages, docs/behaviour.md#visitors-guests-and-accounts).

Every address URL goes through the address service with the shopper's own id,
so another shopper's address is a 404 for every action.
"""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from app.blueprints.account.forms import (
    COUNTRY_NAMES,
    AddressForm,
    ChangePasswordForm,
    NewAddressForm,
    ProfileForm,
)
from app.blueprints.auth.redirects import login_required_back_to
from app.blueprints.forms import address_values, show_errors
from app.blueprints.url_values import ID, requested_page
from app.services.accounts import addresses as address_book
from app.services.accounts import passwords, users, verification
from app.services.errors import NotFound, ValidationFailed
from app.services.ordering import lookups

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.route("", methods=["GET", "POST"], strict_slashes=False)
@login_required
def profile():
    form = ProfileForm(obj=current_user) if request.method == "GET" else ProfileForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            users.update_name(current_user.id, form.name.data)
        except ValidationFailed as exc:
            show_errors(form, exc.fields)
        else:
            flash(_("Your name is saved."), "success")
            return redirect(url_for("account.profile"), code=303)
    status = 400 if form.errors else 200
    return _render_profile(profile_form=form, status=status)


@bp.post("/password")
@login_required_back_to("account.profile")
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            user = passwords.change_password(current_user.id, form.current_password.data, form.password.data)
        except ValidationFailed as exc:
            show_errors(form, exc.fields)
        else:
            # The change ended every session, this one too: start this browser's afresh.
            login_user(user)
            flash(_("Your password is changed. Other devices have been logged out."), "success")
            return redirect(url_for("account.profile"), code=303)
    flash(_("The password was not changed: please correct the marked fields."), "error")
    return _render_profile(password_form=form, status=400)


@bp.post("/verification")
@login_required_back_to("account.profile")
def send_verification():
    if verification.send_verification_again(current_user.id):
        flash(_("We emailed a new confirmation link to %(email)s.", email=current_user.email), "success")
    else:
        flash(_("Your email is already confirmed."), "info")
    return redirect(url_for("account.profile"), code=303)


def _render_profile(profile_form=None, password_form=None, status: int = 200):
    return render_template(
        "account/profile.html",
        profile_form=profile_form or ProfileForm(obj=current_user),
        password_form=password_form or ChangePasswordForm(),
    ), status


@bp.get("/orders", strict_slashes=False)  # the pages a person types also answer with a "/"
@login_required
def orders():
    page = requested_page()
    history = lookups.orders_page(current_user.id, page, current_app.config["ORDERS_PER_PAGE"])
    return render_template("account/orders.html", orders=history)


@bp.route("/addresses", methods=["GET", "POST"], strict_slashes=False)
@login_required
def addresses():
    form = NewAddressForm()
    status = 200
    if form.validate_on_submit():
        try:
            address_book.create_address(
                current_user.id, address_values(form), make_default=form.make_default.data
            )
        except ValidationFailed as exc:
            show_errors(form, exc.fields)
            flash(_("The address was not saved: please correct the marked fields."), "error")
            status = 400
        else:
            flash(_("Address added."), "success")
            return redirect(url_for("account.addresses"))
    elif form.is_submitted():
        flash(_("The address was not saved: please correct the marked fields."), "error")
        status = 400
    saved = address_book.list_addresses(current_user.id)
    return render_template(
        "account/addresses.html", addresses=saved, form=form, country_names=COUNTRY_NAMES
    ), status


@bp.route(f"/addresses/<{ID}:address_id>/edit", methods=["GET", "POST"])
@login_required
def edit_address(address_id: int):
    if request.method == "GET":
        form = AddressForm(obj=_own_address(address_id))
        return render_template("account/address_edit.html", form=form, address_id=address_id)
    form = AddressForm()
    if form.validate_on_submit():
        try:
            address_book.update_address(current_user.id, address_id, address_values(form))
        except NotFound:
            abort(404)
        except ValidationFailed as exc:
            show_errors(form, exc.fields)
        else:
            flash(_("Address saved."), "success")
            return redirect(url_for("account.addresses"))
    flash(_("The address was not saved: please correct the marked fields."), "error")
    return render_template("account/address_edit.html", form=form, address_id=address_id), 400


@bp.post(f"/addresses/<{ID}:address_id>/delete")
@login_required_back_to("account.addresses")
def delete_address(address_id: int):
    try:
        address_book.delete_address(current_user.id, address_id)
    except NotFound:
        abort(404)
    flash(_("Address deleted."), "success")
    return redirect(url_for("account.addresses"))


@bp.post(f"/addresses/<{ID}:address_id>/default")
@login_required_back_to("account.addresses")
def make_default_address(address_id: int):
    try:
        address_book.set_default_address(current_user.id, address_id)
    except NotFound:
        abort(404)
    flash(_("Default address changed."), "success")
    return redirect(url_for("account.addresses"))


def _own_address(address_id: int):
    try:
        return address_book.get_address(current_user.id, address_id)
    except NotFound:
        abort(404)
