"""Registering, logging in and out (docs/behaviour.md#pages)."""

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from app.blueprints.auth.forms import LoginForm, RegisterForm
from app.blueprints.auth.redirects import safe_next_url
from app.blueprints.forms import show_errors
from app.services.accounts import users
from app.services.errors import ValidationFailed

bp = Blueprint("auth", __name__, url_prefix="/auth")

BAD_LOGIN = "Wrong email or password."


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
        flash(BAD_LOGIN, "error")
        return render_template("auth/login.html", form=form), 400
    _start_session(user, remember=form.remember.data)
    flash("You are logged in.", "success")
    return redirect(_next_url(form.next.data))


@bp.route("/register", methods=["GET", "POST"], strict_slashes=False)
def register():
    if current_user.is_authenticated:
        return redirect(_next_url(None))
    form = RegisterForm(next=request.args.get("next", ""))
    if not form.validate_on_submit():
        return _render_form("auth/register.html", form)
    try:
        user = users.register_user(form.email.data, form.password.data)
    except ValidationFailed as exc:
        show_errors(form, exc.fields)
        flash("Please correct the marked fields.", "error")
        return render_template("auth/register.html", form=form), 400
    _start_session(user)
    flash("Welcome! Your account is ready.", "success")
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
    flash("You are logged out.", "info")
    return redirect(url_for("shop.index"))


def _start_session(user, remember: bool = False) -> None:
    """Log in with a fresh session: nothing a visitor's cookie held before (its CSRF
    secret above all, which someone may have planted) carries over."""
    session.clear()
    login_user(user, remember=remember)


def _next_url(target: str | None) -> str:
    return safe_next_url(target or request.args.get("next")) or url_for("shop.index")


def _render_form(template: str, form):
    """The form page; 400 when a submitted form came back with errors."""
    status = 400 if form.errors else 200
    if form.errors:
        flash("Please correct the marked fields.", "error")
    return render_template(template, form=form), status
