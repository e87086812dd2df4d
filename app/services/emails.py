"""The order confirmation email (HTML and plain text)."""

import logging

from flask import current_app, render_template
from flask_mail import Message

from app.extensions import mail
from app.models import Order

log = logging.getLogger(__name__)


def confirmation_message(order: Order) -> Message:
    subject = f"Your order {order.number}"
    return Message(
        subject=subject,
        recipients=[order.user.email],
        body=render_template("emails/order_confirmation.txt", order=order),
        html=render_template("emails/order_confirmation.html", order=order),
    )


def send_confirmation(order: Order) -> None:
    """Send the confirmation; with no mail server configured, write it to the log."""
    message = confirmation_message(order)
    if current_app.config.get("MAIL_SUPPRESS_SEND") and not current_app.testing:
        log.info("email to %s: %s\n%s", message.recipients, message.subject, message.body)
    mail.send(message)
