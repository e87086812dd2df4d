"""The manual provider: pay on delivery (or by transfer), an admin marks the order paid.

It takes no card and talks to nobody, so it has no intent, webhook or refund: an
order without a Payment row is a manual one (docs/payments.md).
"""

from app.models.orders import CANCELLED, PENDING

NAME = "manual"


def payment_status(order_status: str) -> str:
    """`awaiting` until an admin marks the order paid, then `succeeded`."""
    if order_status == PENDING:
        return "awaiting"
    return "canceled" if order_status == CANCELLED else "succeeded"
