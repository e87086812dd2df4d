"""The order confirmation and payment received emails (HTML and plain text)."""

import logging
import smtplib

from flask import current_app, render_template
from flask_mail import Connection, Message

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


PAYMENT_RECEIVED = "payment_received"  # the outbox kind of the email below


def payment_received_message(order: Order) -> Message:
    return Message(
        subject=f"Payment received for your order {order.number}",
        recipients=[order.user.email],
        body=render_template("emails/payment_received.txt", order=order),
        html=render_template("emails/payment_received.html", order=order),
    )


def send_confirmation(order: Order) -> None:
    """Send the confirmation; with no mail server configured, write it to the log."""
    _send(confirmation_message(order))


def send_payment_received(order: Order) -> None:
    """Send the "payment received" email (card payments, docs/payments.md)."""
    _send(payment_received_message(order))


def _send(message: Message) -> None:
    if current_app.config.get("MAIL_SUPPRESS_SEND") and not current_app.testing:
        log.info("email to %s: %s\n%s", message.recipients, message.subject, message.body)
    with TimedConnection(current_app.extensions["mail"]) as connection:
        message.send(connection)


class TimedConnection(Connection):
    """Flask-Mail's connection with a socket timeout (MAIL_TIMEOUT), and a goodbye that cannot fail.

    Flask-Mail waits forever on a mail server that stops answering; the delivery
    task must fail instead (and retry), well within the outbox claim lease.
    """

    def __exit__(self, exc_type, exc_value, tb) -> None:
        # Once the server has accepted the message (its 250 to DATA), the email is sent:
        # a server that hangs up before answering QUIT must not make the task send it
        # again. A failed send is still raised, by the caller's own exception.
        try:
            super().__exit__(exc_type, exc_value, tb)
        except (smtplib.SMTPException, OSError) as error:
            log.warning("the mail server dropped the connection at QUIT: %s", error)
            self.host.close()

    def configure_host(self) -> smtplib.SMTP:
        timeout = current_app.config["MAIL_TIMEOUT"]
        smtp = smtplib.SMTP_SSL if self.mail.use_ssl else smtplib.SMTP
        host = smtp(self.mail.server, self.mail.port, timeout=timeout)
        host.set_debuglevel(int(self.mail.debug))
        if self.mail.use_tls:
            host.starttls()
        if self.mail.username and self.mail.password:
            host.login(self.mail.username, self.mail.password)
        return host
