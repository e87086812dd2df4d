"""Forgotten and changed passwords (SPEC section 10).

A reset is asked for by email and answered the same whether or not an account has
that email: the request only writes an outbox message, and the delivery (after the
response, on a worker) looks the account up. Setting a new password logs the account
out everywhere and revokes its API tokens.
"""

import hmac

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import update
from werkzeug.security import generate_password_hash

from app.extensions import db
from app.models import ApiToken, User
from app.models.orders import PASSWORD_RESET
from app.models.types import utcnow
from app.services.accounts.signed_links import password_fingerprint, read_reset_token
from app.services.accounts.users import MIN_PASSWORD_LENGTH
from app.services.errors import InvalidLink, ValidationFailed
from app.services.notifications import outbox

MAX_EMAIL_LENGTH = 254
# The one answer to a reset request, on the page and in the API, account or not.
RESET_REQUESTED = _l("If an account exists for that email, we emailed a link to reset its password.")


def request_password_reset(email: str) -> None:
    """Owe a reset email to whoever has this email, if anyone; commits, then dispatches.

    Known and unknown emails do exactly the same work here.
    """
    recipient = User.normalize_email(email or "")
    if not recipient or len(recipient) > MAX_EMAIL_LENGTH:
        return
    message = outbox.queue_email(PASSWORD_RESET, recipient=recipient)
    db.session.commit()
    outbox.announce_owed([message])


def user_for_reset(token: str) -> User:
    """The account a reset link is for, while the link is live; InvalidLink otherwise."""
    found = read_reset_token(token)
    user = db.session.get(User, found[0]) if found else None
    if user is None or not hmac.compare_digest(password_fingerprint(user.password_hash), found[1]):
        raise InvalidLink()
    return user


def reset_password(token: str, new_password: str) -> User:
    """Set a new password through a reset link, once; logs out everywhere; commits.

    Raises InvalidLink for a dead link, ValidationFailed naming `password`.
    """
    user = user_for_reset(token)
    _check_new_password(new_password)
    _replace_password(user, user.password_hash, new_password)
    return user


def change_password(user_id: int, current_password: str, new_password: str) -> User:
    """Change the password of a logged-in account, which must give its current one; commits.

    Every session and API token issued so far stops working (the caller logs the
    current browser in again). Raises ValidationFailed naming the bad field.
    """
    user = db.session.get(User, user_id)
    if user is None or not user.check_password(current_password or ""):
        raise ValidationFailed({"current_password": [_("That is not your current password.")]})
    _check_new_password(new_password)
    _replace_password(user, user.password_hash, new_password)
    return user


def _check_new_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        message = _("Use at least %(count)s characters.", count=MIN_PASSWORD_LENGTH)
        raise ValidationFailed({"password": [message]}, message)


def _replace_password(user: User, old_hash: str, new_password: str) -> None:
    """Swap the hash only if it is still the one checked: of two uses of one link, one wins."""
    user_id = user.id
    new_hash = generate_password_hash(new_password)  # the app's default: scrypt
    replaced = db.session.execute(
        update(User)
        .where(User.id == user_id, User.password_hash == old_hash)
        .values(password_hash=new_hash, session_version=User.session_version + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if replaced != 1:
        db.session.rollback()
        raise InvalidLink()
    db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    db.session.refresh(user)
