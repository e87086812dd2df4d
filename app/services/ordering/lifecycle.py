"""Moving an order between statuses (docs/behaviour.md#order-statuses), cancelling included."""

from collections.abc import Callable

from sqlalchemy import select, update

from app.extensions import db
from app.models import Coupon, Order, OrderEvent
from app.models.orders import CANCELLED, PAID, PENDING, STATUSES, TRANSITIONS
from app.models.types import utcnow
from app.services.errors import InvalidTransition
from app.services.ordering.stock import return_stock
from app.services.transactions import run_with_retries

SHOPPER_CANCELLABLE = (PENDING,)
ADMIN_CANCELLABLE = (PENDING, PAID)


def cancel_order(
    order: Order,
    actor_id: int | None,
    *,
    allowed_from=SHOPPER_CANCELLABLE,
    kind: str = "status",
    message: str = "Order cancelled; stock and coupon use returned.",
    also: Callable[[], None] | None = None,
) -> Order:
    """Cancel, returning every line's stock and the coupon use exactly once; commits.

    The status UPDATE is guarded by the current status, so of two concurrent
    cancels only one changes a row, and only that one gives anything back.
    `also` adds more to the same transaction (e.g. the payment's refund record).
    """
    order_id, coupon_id = order.id, order.coupon_id

    def unit_of_work() -> None:
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
        db.session.commit()

    run_with_retries(unit_of_work)
    db.session.refresh(order)
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
    other move is InvalidTransition. `also` runs first in the same transaction."""
    if target not in STATUSES:
        raise InvalidTransition(order.status, target)
    if target == CANCELLED:
        return cancel_order(order, actor_id, allowed_from=ADMIN_CANCELLABLE)
    sources = tuple(source for source, targets in TRANSITIONS.items() if target in targets)
    order_id = order.id

    def unit_of_work() -> None:
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
        db.session.commit()

    run_with_retries(unit_of_work)
    db.session.refresh(order)
    return order


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
