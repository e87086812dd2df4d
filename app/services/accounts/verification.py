"""Verifying an account's email (SPEC section 10): a link emailed at registration, valid 7 days.

Only a verified account sees the guest orders placed with its email.
"""

from app.extensions import db
from app.models import User
from app.models.orders import VERIFY_EMAIL
from app.models.types import utcnow
from app.services.accounts.signed_links import read_verification_token
from app.services.errors import InvalidLink
from app.services.notifications import outbox


def send_verification_again(user_id: int) -> bool:
    """Email a fresh verification link unless the email is verified already; commits.

    Returns whether one was queued.
    """
    user = db.session.get(User, user_id)
    if user is None or user.is_verified:
        return False
    message = outbox.queue_email(VERIFY_EMAIL, user_id=user.id)
    db.session.commit()
    outbox.announce_owed([message])
    return True


def verify_email(token: str) -> User:
    """Mark the account's email verified from its link; InvalidLink for a forged, expired or
    outdated one (the email changed since); opening it again is harmless; commits."""
    found = read_verification_token(token)
    user = db.session.get(User, found[0]) if found else None
    if user is None or user.email != found[1]:
        raise InvalidLink()
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    db.session.commit()
    return user
