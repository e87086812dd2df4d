"""Idempotency keys: a repeated checkout answers with the order its key first made.

The key is written in the checkout's own transaction (orders.py), unique per
shopper, so of two requests with one key only one can make an order; the other
finds the key here. A key answers only for the same request, and it is never
forgotten: at most one order ever exists per shopper and key, so a repeat days later
still gets the original order (docs/behaviour.md#idempotency).
"""

import hashlib
import json

from sqlalchemy import select

from app.extensions import db
from app.models import IdempotencyKey, Order
from app.services.errors import IdempotencyKeyReused


def request_fingerprint(payload: dict) -> str:
    """A stable hash of a request body, to tell a replay from a different request."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def earlier_order(user_id: int, key: str, request_hash: str | None) -> Order | None:
    """The order an earlier request with this key made; None if the key is unused.

    Raises IdempotencyKeyReused when the key came with a different request.
    """
    record = db.session.scalar(
        select(IdempotencyKey).where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key)
    )
    if record is None:
        return None
    if record.request_hash != request_hash:
        raise IdempotencyKeyReused()
    return record.order
