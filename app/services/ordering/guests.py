"""Guests' orders (SPEC section 10): the keys of their private links, and finding one by email.

A key is 192 random bits, shown once (in a redirect or an email) and stored only as
its SHA-256; an order may have several (the checkout's, each email's), so none is
ever kept in plain text to be sent again later.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import Connection, insert, select, text

from app.extensions import db
from app.models import Order, OrderAccessKey, User
from app.models.orders import ORDER_LINK
from app.models.types import utcnow
from app.services.accounts.addresses import clean_address
from app.services.errors import NotFound, ValidationFailed
from app.services.notifications import outbox
from app.services.ordering.cart import Visitor

INSERT_ACCESS_KEY = insert(OrderAccessKey)
MAX_NUMBER_LENGTH = 16
MAX_EMAIL_LENGTH = 254


@dataclass(frozen=True)
class Guest:
    """Who places a guest order: the visitor whose cart it is, their email (lower-cased)
    and the shipping address, checked by the address book's rules."""

    visitor: Visitor
    email: str
    address: dict[str, str]

    def shipping_columns(self) -> dict[str, str]:
        """The address as the order's ship_* columns."""
        return {f"ship_{field}": value or "" for field, value in self.address.items()}


def checked_guest(visitor: Visitor, email: str, address: dict) -> Guest:
    """A guest whose email and address pass the shop's rules; ValidationFailed naming every bad field."""
    errors: dict[str, list[str]] = {}
    try:
        email = User.normalize_email(validate_email(email or "", check_deliverability=False).normalized)
    except EmailNotValidError as exc:
        errors["email"] = [str(exc)]
    else:
        if len(email) > MAX_EMAIL_LENGTH:
            errors["email"] = [f"At most {MAX_EMAIL_LENGTH} characters."]
    try:
        address = clean_address(address)
    except ValidationFailed as exc:
        errors |= exc.fields
    if errors:
        raise ValidationFailed(errors, "Please correct the marked fields.")
    return Guest(visitor, email, address)


def hold_email(connection: Connection, email: str) -> None:
    """Make concurrent guest checkouts with one email take turns (until the commit), so each
    counts the coupon uses of those before it: guests share no cart row to lock.

    SQLite needs nothing: its writers take turns anyway.
    """
    if connection.dialect.name == "postgresql":
        lock_id = int.from_bytes(
            hashlib.sha256(b"guest-email:" + email.encode()).digest()[:8], "big", signed=True
        )
        connection.execute(text("SELECT pg_advisory_xact_lock(:lock_id)"), {"lock_id": lock_id})


def new_access_key() -> str:
    return secrets.token_urlsafe(24)


def access_key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def access_key_row(order_id: int, key: str, now) -> dict:
    """The row that lets `key` open the order (inserted by the caller, in its transaction)."""
    return {"order_id": order_id, "key_hash": access_key_hash(key), "created_at": now}


def add_access_key(order_id: int) -> str:
    """A new key to the order, for a link about to be sent; commits."""
    key = new_access_key()
    db.session.execute(INSERT_ACCESS_KEY, access_key_row(order_id, key, utcnow()))
    db.session.commit()
    return key


def guest_order(number: str, key: str) -> Order:
    """A guest's order by its number and a key of its link; NotFound for anything else.

    The presented key is hashed and compared with each of the order's in constant time.
    """
    # The same one query whether or not the number exists; the order is read only on a match.
    stored = db.session.execute(
        select(OrderAccessKey.order_id, OrderAccessKey.key_hash)
        .join(Order, Order.id == OrderAccessKey.order_id)
        .where(Order.number == number, Order.user_id.is_(None))
    ).all()
    presented = access_key_hash(key or "")
    order_id = None
    for candidate, key_hash in stored:
        if hmac.compare_digest(key_hash, presented):
            order_id = candidate
    if not key or order_id is None:
        raise NotFound("No such order.")
    return db.session.get(Order, order_id)


def request_order_link(number: str, email: str) -> None:
    """Owe the guest an email with their order's link, if the number and email match one;
    the work here is the same either way (the delivery looks the order up); commits."""
    number = (number or "").strip().upper()
    email = User.normalize_email(email or "")
    if not number or not email or len(number) > MAX_NUMBER_LENGTH or len(email) > MAX_EMAIL_LENGTH:
        return
    message = outbox.queue_email(ORDER_LINK, recipient=email, payload={"number": number})
    db.session.commit()
    outbox.announce_owed([message])


def find_guest_order(number: str, email: str) -> Order | None:
    """The guest order with this number placed with this email (any letter case), if any."""
    return db.session.scalar(
        select(Order).where(
            Order.number == number, Order.user_id.is_(None), Order.email == User.normalize_email(email)
        )
    )
