"""Shoppers and admins, their addresses and their API tokens."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.models.address_fields import ADDRESS_FIELD_NAMES, address_columns
from app.models.types import UTCDateTime, utcnow


class User(UserMixin, db.Model):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(120), default="", server_default=text("''"))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Part of the id the session and remember-me cookies carry (get_id): logging out
    # moves it on, so a copy of an old cookie no longer logs anyone in. The cookies are
    # signed, not stored; this number is the only state the server keeps of them.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    # Set when the owner opened the link the registration emailed: only then does the
    # account see the guest orders placed with its email (SPEC section 10).
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    addresses: Mapped[list["Address"]] = relationship(
        back_populates="user", order_by="Address.id", cascade="all, delete-orphan"
    )

    def get_id(self) -> str:
        """What Flask-Login keeps in the cookies: the id and the session version."""
        return f"{self.id}.{self.session_version}"

    @staticmethod
    def normalize_email(email: str) -> str:
        return email.strip().lower()

    def set_password(self, password: str) -> None:
        # Werkzeug's default is scrypt, a memory-hard KDF.
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    def __repr__(self) -> str:
        return f"<User {self.email}>"


# Emails are stored lower-cased; the functional index makes uniqueness
# case-insensitive even for rows written outside the app.
Index("uq_users_email_lower", func.lower(User.email), unique=True)


class Address(address_columns(), db.Model):
    """One address of a shopper's book: the fields of ADDRESS_FIELDS, and whether it is the default."""

    __tablename__ = "addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    is_default: Mapped[bool] = mapped_column(default=False)

    user: Mapped[User] = relationship(back_populates="addresses")

    def snapshot(self) -> dict[str, str]:
        """The address as copied onto an order (without its id)."""
        return {name: getattr(self, name) for name in ADDRESS_FIELD_NAMES}


class ApiToken(db.Model):
    """A bearer token of the JSON API; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
