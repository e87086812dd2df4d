"""Registering, logging in and out, password reset and email verification
(docs/behaviour.md#pages, docs/behaviour.md#visitors-guests-and-accounts)."""

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from app.blueprints.auth.forms import ForgotPasswordForm, LoginForm, RegisterForm, ResetPasswordForm
from app.blueprints.auth.redirects import safe_next_url
from app.blueprints.cart.visitor import merge_into_account
from app.blueprints.forms import show_errors
from app.services.accounts import passwords, users, verification
from app.services.errors import InvalidLink, ValidationFailed

bp = Blueprint("auth", __name__, url_prefix="/auth")

BAD_LOGIN = _l("Wrong email or password.")


@bp.route("/login", methods=["GET", "POST"], strict_slashes=False)  # also "/login/", as typed
def login():
    if current_user.is_authenticated:
        return redirect(_next_url(None))
    form = LoginForm(next=request.args.get("next", ""))
    if not form.validate_on_submit():
        return _render_form("auth/login.html", form)
    user = users.authenticate(form.email.data, form.password.data)
    if user is None:
        # The same words for an unknown email and a wrong password: no hint which accounts exist.
        flash(str(BAD_LOGIN), "error")
        return render_template("auth/login.html", form=form), 400
    _start_session(user, remember=form.remember.data)
    flash(_("You are logged in."), "success")
    return redirect(_next_url(form.next.data))


@bp.route("/register", methods=["GET", "POST"], strict_slashes=False)
def register():
    if current_user.is_authenticated:
        return redirect(_next_url(None))
    form = RegisterForm(next=request.args.get("next", ""))
    if not form.validate_on_submit():
        return _render_form("auth/register.html", form)
    try:
        user = users.register_user(form.email.data, form.password.data, send_verification=True)
    except ValidationFailed as exc:
        show_errors(form, exc.fields)
        flash(_("Please correct the marked fields."), "error")
        return render_template("auth/register.html", form=form), 400
    _start_session(user)
    flash(_("Welcome! Your account is ready. We emailed you a link to confirm your email."), "success")
    return redirect(_next_url(form.next.data))


@bp.post("/logout")
def logout():
    # POST only, with a CSRF token: a link or an image elsewhere cannot log a shopper out.
    if current_user.is_authenticated:
        # The cookies are signed, not stored: without this, a copy of this session's
        # cookie (or of the remember-me one) would still log in after the logout.
        users.end_sessions(current_user.id)
    logout_user()
    session.clear()
    flash(_("You are logged out."), "info")
    return redirect(url_for("shop.index"))


@bp.route("/forgot", methods=["GET", "POST"], strict_slashes=False)
def forgot_password():
    form = ForgotPasswordForm()
    if not form.validate_on_submit():
        return _render_form("auth/forgot.html", form)
    passwords.request_password_reset(form.email.data)
    flash(str(passwords.RESET_REQUESTED), "info")
    return redirect(url_for("auth.forgot_password"), code=303)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        passwords.user_for_reset(token)
    except InvalidLink as error:
        return _dead_link(error, "auth.forgot_password")
    form = ResetPasswordForm()
    if not form.validate_on_submit():
        return _render_form("auth/reset.html", form, token=token)
    try:
        passwords.reset_password(token, form.password.data)
    except InvalidLink as error:
        return _dead_link(error, "auth.forgot_password")
    except ValidationFailed as exc:
        show_errors(form, exc.fields)
        flash(_("Please correct the marked fields."), "error")
        return render_template("auth/reset.html", form=form, token=token), 400
    # Every session of the account ended with the reset, this browser's too.
    logout_user()
    session.clear()
    flash(_("Your password is changed. Please log in with the new one."), "success")
    return redirect(url_for("auth.login"), code=303)


@bp.get("/verify/<token>")
def verify_email(token: str):
    try:
        verification.verify_email(token)
    except InvalidLink as error:
        target = "account.profile" if current_user.is_authenticated else "auth.login"
        return _dead_link(error, target)
    flash(_("Thank you: your email is confirmed."), "success")
    return redirect(url_for("account.profile" if current_user.is_authenticated else "shop.index"))


def _dead_link(error: InvalidLink, endpoint: str):
    flash(error.message, "error")
    return redirect(url_for(endpoint), code=303)


def _start_session(user, remember: bool = False) -> None:
    """Log in with a fresh session: nothing a visitor's cookie held before (its CSRF
    secret above all, which someone may have planted) carries over, but their cart,
    which joins the account's."""
    session.clear()
    login_user(user, remember=remember)
    merge_into_account(user.id)


def _next_url(target: str | None) -> str:
    return safe_next_url(target or request.args.get("next")) or url_for("shop.index")


def _render_form(template: str, form, **context):
    """The form page; 400 when a submitted form came back with errors."""
    status = 400 if form.errors else 200
    if form.errors:
        flash(_("Please correct the marked fields."), "error")
    return render_template(template, form=form, **context), status
