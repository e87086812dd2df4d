"""Accounts: registering, authenticating, and creating users from the command line."""

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.models import User
from app.models.orders import VERIFY_EMAIL
from app.services.errors import ValidationFailed
from app.services.notifications import outbox

MIN_PASSWORD_LENGTH = 8


def find_user(email: str) -> User | None:
    """The account with this email, ignoring letter case."""
    return db.session.scalar(select(User).where(func.lower(User.email) == User.normalize_email(email)))


def register_user(
    email: str, password: str, *, is_admin: bool = False, send_verification: bool = False
) -> User:
    """Create an account; raises ValidationFailed naming `email` or `password`; commits.

    With `send_verification` (a sign-up in the shop), the verification email is owed in
    the same transaction and dispatched after it.
    """
    errors: dict[str, list[str]] = {}
    try:
        email = validate_email(email or "", check_deliverability=False).normalized
        email = User.normalize_email(email)
    except EmailNotValidError:
        # One sentence in the shop's language; email_validator explains in English only.
        errors["email"] = [_("Enter a valid email address, like name@example.com.")]
    if "email" not in errors and find_user(email) is not None:
        errors["email"] = [_("An account with this email already exists.")]
    if len(password or "") < MIN_PASSWORD_LENGTH:
        errors["password"] = [_("Use at least %(count)s characters.", count=MIN_PASSWORD_LENGTH)]
    if errors:
        raise ValidationFailed(errors, " ".join(m for ms in errors.values() for m in ms))
    user = User(email=email, is_admin=is_admin)
    user.set_password(password)
    db.session.add(user)
    message = None
    if send_verification:
        db.session.flush()
        message = outbox.queue_email(VERIFY_EMAIL, user_id=user.id)
    db.session.commit()
    if message is not None:
        outbox.announce_owed([message])
    return user


# Checked against when the email is unknown, so that both refusals take as long.
_UNKNOWN_USER_HASH = generate_password_hash("no account has this password")


def authenticate(email: str, password: str) -> User | None:
    """The user if the password matches; None for a wrong password or an unknown email alike."""
    user = find_user(email or "")
    if user is None:
        check_password_hash(_UNKNOWN_USER_HASH, password or "")
        return None
    return user if user.check_password(password or "") else None


def end_sessions(user_id: int) -> None:
    """Log the account out everywhere: no session or remember-me cookie issued so far
    logs anyone in any more (User.session_version); commits."""
    db.session.execute(
        update(User).where(User.id == user_id).values(session_version=User.session_version + 1)
    )
    db.session.commit()


MAX_NAME_LENGTH = 120


def update_name(user_id: int, name: str) -> User:
    """Set the account's name (may be blank); ValidationFailed naming `name` if too long; commits."""
    name = (name or "").strip()
    if len(name) > MAX_NAME_LENGTH:
        message = _("At most %(count)s characters.", count=MAX_NAME_LENGTH)
        raise ValidationFailed({"name": [message]}, message)
    user = db.session.get(User, user_id)
    user.name = name
    db.session.commit()
    return user
