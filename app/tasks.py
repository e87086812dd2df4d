"""Celery tasks: thin wrappers that load, call a service and record the outcome."""

import logging

from celery import shared_task

from app.services.notifications import outbox
from app.services.notifications.emails import compose, send_email
from app.services.ordering import cart

log = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, max_retries=8, ignore_result=True)
def deliver_outbox_message(self, message_id: int) -> None:
    """Send one owed email. Safe to run twice: the claim lets only one run send."""
    message = outbox.claim(message_id)
    if message is None:
        return
    try:
        email = compose(message)
        if email is not None:
            send_email(email.message)
    except Exception as exc:
        log.warning("sending outbox message %s failed: %s", message_id, exc)
        outbox.mark_failed(message, str(exc))
        if not self.app.conf.task_always_eager:
            raise self.retry(exc=exc, countdown=min(2**self.request.retries, 60)) from exc
        return
    if email is None:
        outbox.mark_nothing_to_send(message, "No one to send it to (no such account or order).")
    else:
        outbox.mark_sent(message, email.order_id)


@shared_task(ignore_result=True)
def queue_outbox_deliveries(message_ids: list[int]) -> None:
    """Fan a batch handed over by a web process out into one delivery task per email."""
    outbox.queue_delivery(message_ids)


@shared_task(ignore_result=True)
def relay_outbox() -> int:
    """Periodic (beat): queue every email still owed, e.g. after a broker outage."""
    return outbox.relay_pending()


@shared_task(ignore_result=True)
def delete_idle_visitor_carts() -> int:
    """Periodic (beat): delete visitors' carts untouched for 30 days."""
    return cart.delete_idle_visitor_carts()
