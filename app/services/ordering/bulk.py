"""The admin's bulk actions on orders: many status changes in one request, each its own
transaction through the lifecycle functions the single-order buttons use, so one order that
may not move leaves the others moved (docs/admin.md#bulk-actions)."""

from dataclasses import dataclass, field

from sqlalchemy import select

from app.extensions import db
from app.models import Order
from app.models.orders import PAID, SHIPPED
from app.services.errors import InvalidTransition, ValidationFailed
from app.services.ordering import lifecycle

# The moves offered in bulk; cancelling, which refunds and returns stock, stays one order at a time.
BULK_TARGETS = (PAID, SHIPPED)
# One page of the orders list at most.
MAX_BULK_ORDERS = 100


@dataclass(frozen=True)
class BulkOutcome:
    """What a bulk change did: the numbers moved, those whose status may not move (with that
    status), and those no order has."""

    target: str
    done: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


def orders_by_numbers(numbers: list[str]) -> list[Order]:
    """The orders with these numbers, in the order given; unknown numbers are left out."""
    found = {
        order.number: order for order in db.session.scalars(select(Order).where(Order.number.in_(numbers)))
    }
    return [found[number] for number in dict.fromkeys(numbers) if number in found]


def change_statuses(numbers: list[str], target: str, actor_id: int) -> BulkOutcome:
    """Move each order to `target` (paid or shipped) in a transaction of its own; an order whose
    status may not become `target` is left as it is and reported."""
    if target not in BULK_TARGETS:
        raise ValidationFailed({"action": [f"Choose one of: {', '.join(BULK_TARGETS)}."]})
    if not 1 <= len(numbers) <= MAX_BULK_ORDERS:
        raise ValidationFailed({"number": [f"Choose from 1 to {MAX_BULK_ORDERS} orders."]})
    orders = {order.number: order for order in orders_by_numbers(numbers)}
    outcome = BulkOutcome(target)
    for number in dict.fromkeys(numbers):
        order = orders.get(number)
        if order is None:
            outcome.unknown.append(number)
            continue
        try:
            lifecycle.change_status(order, target, actor_id)
        except InvalidTransition as refusal:
            outcome.refused.append((number, refusal.current))
        else:
            outcome.done.append(number)
    return outcome
