"""Bearer tokens of the JSON API: issued for a login, stored only as a SHA-256, revocable."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import Row, bindparam, select

from app.extensions import db
from app.models import ApiToken
from app.models.types import utcnow
from app.services.accounts.users import authenticate
from app.services.errors import ShopError


class BadCredentials(ShopError):
    """A wrong password and an unknown email are the same refusal."""

    message = "The email or password is wrong."
    http_status = 401
    code = "unauthorized"


@dataclass(frozen=True)
class IssuedToken:
    token: str  # shown to the client once; only its hash is kept
    expires_at: datetime


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def issue_token(email: str, password: str) -> IssuedToken:
    """A new token for the account if the password matches, else BadCredentials; commits."""
    user = authenticate(email, password)
    if user is None:
        raise BadCredentials()
    token = secrets.token_urlsafe(32)
    expires_at = utcnow() + timedelta(hours=current_app.config["API_TOKEN_TTL_HOURS"])
    db.session.add(ApiToken(user_id=user.id, token_hash=token_hash(token), expires_at=expires_at))
    db.session.commit()
    return IssuedToken(token, expires_at)


# Built once: every API request runs it (SQLAlchemy keeps the SQL compiled).
LIVE_TOKEN = select(ApiToken.id, ApiToken.user_id).where(
    ApiToken.token_hash == bindparam("token_hash"),
    ApiToken.revoked_at.is_(None),
    ApiToken.expires_at > bindparam("now"),
)


def verify_token(token: str) -> Row | None:
    """The live token (not expired, not revoked) for a presented token, as (id, user_id), else None."""
    if not token:
        return None
    found = db.session.connection().execute(LIVE_TOKEN, {"token_hash": token_hash(token), "now": utcnow()})
    return found.first()


def revoke_token(token_id: int) -> None:
    """Revoke a token; later requests with it are refused; commits."""
    record = db.session.get(ApiToken, token_id)
    if record is not None and record.revoked_at is None:
        record.revoked_at = utcnow()
    db.session.commit()
