"""Login and registration forms; the account service checks the values that matter."""

from wtforms import BooleanField, EmailField, HiddenField, PasswordField
from wtforms.validators import EqualTo, InputRequired

from app.blueprints.input_rules import PageForm


class LoginForm(PageForm):
    email = EmailField("Email", validators=[InputRequired()], render_kw={"autocomplete": "email"})
    password = PasswordField(
        "Password", validators=[InputRequired()], render_kw={"autocomplete": "current-password"}
    )
    remember = BooleanField("Keep me logged in on this device")
    next = HiddenField()


class RegisterForm(PageForm):
    email = EmailField("Email", validators=[InputRequired()], render_kw={"autocomplete": "email"})
    password = PasswordField(
        "Password",
        validators=[InputRequired()],
        description="At least 8 characters.",
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Repeat password",
        validators=[InputRequired(), EqualTo("password", message="The two passwords do not match.")],
        render_kw={"autocomplete": "new-password"},
    )
    next = HiddenField()


class ForgotPasswordForm(PageForm):
    email = EmailField("Email", validators=[InputRequired()], render_kw={"autocomplete": "email"})


class ResetPasswordForm(PageForm):
    password = PasswordField(
        "New password",
        validators=[InputRequired()],
        description="At least 8 characters.",
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Repeat new password",
        validators=[InputRequired(), EqualTo("password", message="The two passwords do not match.")],
        render_kw={"autocomplete": "new-password"},
    )
