"""Moving an order between statuses (docs/behaviour.md#order-statuses), cancelling included.

The email that tells the shopper (cancelled, shipped, delivered) is queued in the
outbox in the same transaction as the move, and only by the one call whose guarded
UPDATE moved the order: a rolled-back or repeated move owes no email.
"""

from collections.abc import Callable

from sqlalchemy import select, update

from app.extensions import db
from app.models import Coupon, Order, OrderEvent
from app.models.orders import (
    CANCELLED,
    DELIVERED,
    ORDER_CANCELLED,
    ORDER_DELIVERED,
    ORDER_SHIPPED,
    PAID,
    PENDING,
    SHIPPED,
    STATUSES,
    TRANSITIONS,
)
from app.models.types import utcnow
from app.services.errors import InvalidTransition
from app.services.notifications import outbox
from app.services.ordering.carriers import CARRIERS, checked_shipment
from app.services.ordering.stock import return_stock
from app.services.transactions import run_with_retries

SHOPPER_CANCELLABLE = (PENDING,)
ADMIN_CANCELLABLE = (PENDING, PAID)

# Who cancelled, as the cancellation email tells it (its outbox payload's "reason").
BY_SHOPPER, BY_STAFF, UNPAID = "shopper", "staff", "unpaid"

# The email a move to each status owes the shopper (paid's is the payment's: payments/settlement.py).
EMAIL_ON_ARRIVAL = {SHIPPED: ORDER_SHIPPED, DELIVERED: ORDER_DELIVERED}


def cancel_order(
    order: Order,
    actor_id: int | None,
    *,
    allowed_from=SHOPPER_CANCELLABLE,
    kind: str = "status",
    message: str = "Order cancelled; stock and coupon use returned.",
    also: Callable[[], None] | None = None,
    reason: str = BY_SHOPPER,
) -> Order:
    """Cancel, returning every line's stock and the coupon use exactly once, and owe the
    shopper the cancellation email (`reason`: BY_SHOPPER, BY_STAFF or UNPAID); commits.

    The status UPDATE is guarded by the current status, so of two concurrent
    cancels only one changes a row, and only that one gives anything back.
    `also` adds more to the same transaction (e.g. the payment's refund record).
    """
    order_id, coupon_id = order.id, order.coupon_id
    owed = []

    def unit_of_work() -> None:
        owed.clear()
        if also is not None:
            also()
        if not _move(order_id, CANCELLED, allowed_from):
            _refuse(order_id, CANCELLED)
        return_stock(order_id)
        if coupon_id is not None:
            db.session.execute(
                update(Coupon)
                .where(Coupon.id == coupon_id, Coupon.used_count > 0)
                .values(used_count=Coupon.used_count - 1)
            )
        db.session.add(
            OrderEvent(
                order_id=order_id,
                actor_id=actor_id,
                kind=kind,
                message=message,
            )
        )
        owed.append(outbox.queue_email(ORDER_CANCELLED, order_id=order_id, payload={"reason": reason}))
        db.session.commit()

    run_with_retries(unit_of_work)
    db.session.refresh(order)
    outbox.announce_owed(owed)
    return order


def change_status(
    order: Order,
    target: str,
    actor_id: int | None,
    *,
    kind: str = "status",
    message: str | None = None,
    also: Callable[[], None] | None = None,
) -> Order:
    """An admin's (or the payment provider's) move along the arrows of docs/behaviour.md#order-statuses; any
    other move is InvalidTransition. `also` runs first in the same transaction; a move to shipped or
    delivered owes the shopper its email."""
    if target not in STATUSES:
        raise InvalidTransition(order.status, target)
    if target == CANCELLED:
        return cancel_order(order, actor_id, allowed_from=ADMIN_CANCELLABLE, reason=BY_STAFF)
    sources = tuple(source for source, targets in TRANSITIONS.items() if target in targets)
    order_id = order.id
    owed = []

    def unit_of_work() -> None:
        owed.clear()
        if also is not None:
            also()
        if not _move(order_id, target, sources):
            _refuse(order_id, target)
        db.session.add(
            OrderEvent(
                order_id=order_id,
                actor_id=actor_id,
                kind=kind,
                message=message or f"Status changed to {target}.",
            )
        )
        if target in EMAIL_ON_ARRIVAL:
            owed.append(outbox.queue_email(EMAIL_ON_ARRIVAL[target], order_id=order_id))
        db.session.commit()

    run_with_retries(unit_of_work)
    db.session.refresh(order)
    outbox.announce_owed(owed)
    return order


def ship_order(order: Order, actor_id: int, carrier: str | None, tracking_number: str | None) -> Order:
    """Mark a paid order shipped with its carrier and tracking number (optional), owing the shipped
    email; bad input is ValidationFailed naming the field, and changes nothing. Commits."""
    carrier, tracking_number = checked_shipment(carrier, tracking_number)
    order_id = order.id

    def record_shipment() -> None:
        db.session.execute(
            update(Order)
            .where(Order.id == order_id)
            .values(carrier=carrier, tracking_number=tracking_number)
            .execution_options(synchronize_session=False)
        )

    message = f"Status changed to shipped: {CARRIERS[carrier].name}, " + (
        f"tracking number {tracking_number}." if tracking_number else "no tracking number."
    )
    return change_status(order, SHIPPED, actor_id, message=message, also=record_shipment)


def add_note(order: Order, actor_id: int, note: str) -> OrderEvent:
    """Record an internal note on the order's timeline; commits."""
    event = OrderEvent(order_id=order.id, actor_id=actor_id, kind="note", message=note.strip())
    db.session.add(event)
    db.session.commit()
    return event


def _move(order_id: int, target: str, sources: tuple[str, ...]) -> bool:
    moved = db.session.execute(
        update(Order)
        .where(Order.id == order_id, Order.status.in_(sources))
        .values(status=target, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    return moved == 1


def _refuse(order_id: int, target: str) -> None:
    current = db.session.scalar(select(Order.status).where(Order.id == order_id))
    raise InvalidTransition(current, target)
