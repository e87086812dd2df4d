"""The signed tokens in emailed links: email verification and password reset (itsdangerous).

Nothing is stored for them. A reset token names the account and a fingerprint of its
password hash, so it dies once the password changes (using it changes it: single use);
a verification token names the account and the email it was sent to.
"""

import hashlib
import time

from flask import current_app
from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer

RESET_MAX_AGE_SECONDS = 60 * 60
VERIFY_MAX_AGE_SECONDS = 7 * 24 * 60 * 60


def clock() -> float:
    """The time tokens are signed and checked at (tests move it)."""
    return time.time()


class _Signer(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(clock())


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    # One salt per purpose: a verification token is never a reset token.
    return URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"], salt=f"storefront-{purpose}", signer=_Signer
    )


def password_fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:32]


def reset_token(user_id: int, password_hash: str) -> str:
    """A reset link's token for the account as its password is now."""
    return _serializer("password-reset").dumps([user_id, password_fingerprint(password_hash)])


def read_reset_token(token: str) -> tuple[int, str] | None:
    """(user id, password fingerprint) of a genuine token under 60 minutes old, else None."""
    return _read(token, "password-reset", RESET_MAX_AGE_SECONDS)


def verification_token(user_id: int, email: str) -> str:
    """A verification link's token for the account's email."""
    return _serializer("verify-email").dumps([user_id, email])


def read_verification_token(token: str) -> tuple[int, str] | None:
    """(user id, email) of a genuine token under 7 days old, else None."""
    return _read(token, "verify-email", VERIFY_MAX_AGE_SECONDS)


def _read(token: str, purpose: str, max_age: int) -> tuple[int, str] | None:
    try:
        user_id, value = _serializer(purpose).loads(token or "", max_age=max_age)
    except (BadSignature, ValueError, TypeError):  # SignatureExpired is a BadSignature
        return None
    if not isinstance(user_id, int) or isinstance(user_id, bool) or not isinstance(value, str):
        return None
    return user_id, value
