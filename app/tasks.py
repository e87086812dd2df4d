"""Celery tasks: thin wrappers that load, call a service and record the outcome."""

import logging

from celery import shared_task

from app.services.catalog import images
from app.services.catalog.events import image_uploaded
from app.services.notifications import outbox
from app.services.notifications.emails import PAYMENT_RECEIVED, send_confirmation, send_payment_received
from app.services.payments import expiry

log = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, max_retries=8, ignore_result=True)
def deliver_outbox_message(self, message_id: int) -> None:
    """Send one owed email. Safe to run twice: the claim lets only one run send."""
    message = outbox.claim(message_id)
    if message is None:
        return
    try:
        if message.kind == PAYMENT_RECEIVED:
            send_payment_received(message.order)
        else:
            send_confirmation(message.order)
    except Exception as exc:
        log.warning("sending outbox message %s failed: %s", message_id, exc)
        outbox.mark_failed(message, str(exc))
        if not self.app.conf.task_always_eager:
            raise self.retry(exc=exc, countdown=min(2**self.request.retries, 60)) from exc
        return
    outbox.mark_sent(message)


@shared_task(ignore_result=True)
def queue_outbox_deliveries(message_ids: list[int]) -> None:
    """Fan a batch handed over by a web process out into one delivery task per email."""
    outbox.queue_delivery(message_ids)


@shared_task(ignore_result=True)
def relay_outbox() -> int:
    """Periodic (beat): queue every email still owed, e.g. after a broker outage."""
    return outbox.relay_pending()


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


@image_uploaded.connect
def queue_image_renditions(_sender, image_ids: list[int], **_kwargs) -> None:
    """After the commit that stored them: have the images' renditions made (now, without a broker)."""
    for image_id in image_ids:
        try:
            make_image_renditions.delay(image_id)
        except Exception:  # the broker is down: the periodic relay will queue it
            log.warning("could not queue renditions of image %s; the relay will", image_id, exc_info=True)
