"""Login and registration forms; the account service checks the values that matter."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, PasswordField
from wtforms.validators import EqualTo, InputRequired

from app.blueprints.input_rules import PageForm


class LoginForm(PageForm):
    email = EmailField(_l("Email"), validators=[InputRequired()], render_kw={"autocomplete": "email"})
    password = PasswordField(
        _l("Password"), validators=[InputRequired()], render_kw={"autocomplete": "current-password"}
    )
    remember = BooleanField(_l("Keep me logged in on this device"))
    next = HiddenField()


class RegisterForm(PageForm):
    email = EmailField(_l("Email"), validators=[InputRequired()], render_kw={"autocomplete": "email"})
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired()],
        description=_l("At least 8 characters."),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat password"),
        validators=[InputRequired(), EqualTo("password", message=_l("The two passwords do not match."))],
        render_kw={"autocomplete": "new-password"},
    )
    next = HiddenField()


class ForgotPasswordForm(PageForm):
    email = EmailField(_l("Email"), validators=[InputRequired()], render_kw={"autocomplete": "email"})


class ResetPasswordForm(PageForm):
    password = PasswordField(
        _l("New password"),
        validators=[InputRequired()],
        description=_l("At least 8 characters."),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat new password"),
        validators=[InputRequired(), EqualTo("password", message=_l("The two passwords do not match."))],
        render_kw={"autocomplete": "new-password"},
    )
