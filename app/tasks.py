"""Celery tasks, and the hand-over to them after a service's commit.

Tasks are thin: load, call a service, record the outcome. Services never import
this module: they announce what happened (signals in app/services/*/events.py) and
register() connects the listeners here, which send the work to the broker.
"""

import logging

from celery import shared_task
from flask import Flask

from app.extensions import db
from app.models import Order, OutboxMessage
from app.services.catalog import images
from app.services.catalog.events import image_uploaded
from app.services.notifications import outbox
from app.services.notifications.emails import compose, send_email
from app.services.notifications.events import emails_owed
from app.services.notifications.publisher import OutboxPublisher
from app.services.ordering import cart
from app.services.ordering.events import order_placed
from app.services.payments import expiry

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
    queue_deliveries(message_ids)


@shared_task(ignore_result=True)
def relay_outbox() -> int:
    """Periodic (beat): queue every email still owed, e.g. after a broker outage."""
    owed = outbox.owed_message_ids()
    queue_deliveries(owed)
    return len(owed)


def register(app: Flask) -> None:
    """Listen to the services' after-commit signals, and schedule the periodic relay."""
    order_placed.connect(_deliver_order_emails)
    emails_owed.connect(_deliver_owed_emails)
    app.extensions["celery"].add_periodic_task(
        app.config["OUTBOX_RELAY_INTERVAL_SECONDS"], relay_outbox.s(), name="relay-outbox"
    )
    app.extensions["celery"].add_periodic_task(
        app.config["PAYMENT_EXPIRY_INTERVAL_SECONDS"], expire_payments.s(), name="expire-payments"
    )
    image_uploaded.connect(_make_image_renditions)
    app.extensions["celery"].add_periodic_task(
        app.config["OUTBOX_RELAY_INTERVAL_SECONDS"], relay_image_renditions.s(), name="relay-image-renditions"
    )
    # Visitors' carts unused for 30 days (docs/behaviour.md#visitors-guests-and-accounts); hourly is plenty.
    app.extensions["celery"].add_periodic_task(
        60 * 60, delete_idle_visitor_carts.s(), name="delete-idle-visitor-carts"
    )


def _make_image_renditions(app: Flask, image_ids: list[int], **extra) -> None:
    """Pictures were stored and committed: have their renditions made (here and now without a broker)."""
    for image_id in image_ids:
        try:
            make_image_renditions.delay(image_id)
        except Exception:  # the broker is down: the periodic relay will queue it
            log.warning("could not queue renditions of image %s; the relay will", image_id, exc_info=True)


def _deliver_order_emails(app: Flask, order: Order, **extra) -> None:
    """A checkout committed: its confirmation email (written with the order) is owed."""
    deliver_after_commit(app, order.outbox_messages)


def _deliver_owed_emails(app: Flask, messages: list[OutboxMessage], **extra) -> None:
    """Emails became owed outside a checkout (an admin's resend, a password reset, a guest's link)."""
    deliver_after_commit(app, messages)


def deliver_after_commit(app: Flask, messages: list[OutboxMessage]) -> None:
    """Have each message delivered, holding no connection meanwhile; never fails the caller.

    With a broker the ids go to the process's publisher and the request returns at
    once (publisher.py); with none, the delivery runs here and now, in its own session
    on a second pooled connection. A checkout's messages were made from the rows
    written, so reading their ids starts no transaction here: were this session in
    one, concurrent checkouts could each hold one connection while waiting for another
    until the pool times out (and, on PostgreSQL, sit idle in a transaction during the send).
    """
    message_ids = [message.id for message in messages]
    if app.extensions["celery"].conf.task_always_eager:
        queue_deliveries(message_ids)
        for message in messages:
            db.session.expire(message)  # the delivery changed the row in its own session
    else:
        _publisher(app).submit(message_ids)


def queue_deliveries(message_ids: list[int]) -> None:
    """One delivery task per message; a broker that is down leaves them to the relay."""
    for message_id in message_ids:
        try:
            deliver_outbox_message.delay(message_id)
        except Exception:  # the broker is down: the periodic relay will retry
            log.warning("could not queue outbox message %s; the relay will", message_id, exc_info=True)


def _publisher(app: Flask) -> OutboxPublisher:
    """The app's publisher, made on first use (a web process that takes no order has none)."""
    publisher = app.extensions.get("outbox_publisher")
    if publisher is None:
        # setdefault: two first requests at once still share one publisher.
        publisher = app.extensions.setdefault("outbox_publisher", OutboxPublisher(_publish_batch))
    return publisher


def _publish_batch(message_ids: list[int]) -> None:
    """Run by the publisher's thread: one message to the broker for a batch of emails."""
    queue_outbox_deliveries.delay(message_ids)


@shared_task(ignore_result=True)
def expire_payments() -> None:
    """Periodic (beat): cancel unpaid card orders past their time, mark paid those a webhook missed."""
    expiry.run_once()


@shared_task(bind=True, acks_late=True, max_retries=4, ignore_result=True)
def make_image_renditions(self, image_id: int) -> None:
    """Make one product image's renditions. Safe to run twice: a claim lets one run do it."""
    try:
        images.make_renditions(image_id)
    except Exception as exc:
        if not self.app.conf.task_always_eager:
            raise self.retry(exc=exc, countdown=min(2**self.request.retries * 5, 120)) from exc


@shared_task(ignore_result=True)
def relay_image_renditions() -> int:
    """Periodic (beat): queue every image still without renditions, e.g. after a broker outage."""
    return images.relay_pending_renditions()


@shared_task(ignore_result=True)
def delete_idle_visitor_carts() -> int:
    """Periodic (beat): delete visitors' carts untouched for 30 days."""
    return cart.delete_idle_visitor_carts()
