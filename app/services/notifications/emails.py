"""The emails the outbox sends (HTML and plain text): the order confirmation, payment received,
cancelled, shipped and delivered, a guest's order link, email verification and password reset.

Links with a token or key are made here, when the email is, so the outbox never
stores a secret. Every email shares one branded layout (templates/emails/_layout.html);
its CSS is inlined into style="" attributes here, as the message is made, because
mail clients ignore or strip <style> blocks.
"""

import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass

import css_inline
from flask import current_app, render_template
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_mail import Connection, Message

from app.models import Order, OutboxMessage
from app.models.orders import (
    ORDER_CANCELLED,
    ORDER_CONFIRMATION,
    ORDER_DELIVERED,
    ORDER_LINK,
    ORDER_SHIPPED,
    PASSWORD_RESET,
    VERIFY_EMAIL,
)
from app.services.accounts.signed_links import reset_token, verification_token
from app.services.accounts.users import find_user
from app.services.ordering.carriers import shipment_of
from app.services.ordering.guests import add_access_key, find_guest_order

log = logging.getLogger(__name__)

PAYMENT_RECEIVED = "payment_received"  # the outbox kind of the payment email

# The emails about one order: their template and subject (in the shop's locale, made when sent).
ORDER_EMAILS: dict[str, tuple[str, Callable[[str], str]]] = {
    ORDER_CONFIRMATION: ("order_confirmation", lambda number: _("Your order %(number)s", number=number)),
    PAYMENT_RECEIVED: (
        "payment_received",
        lambda number: _("Payment received for your order %(number)s", number=number),
    ),
    ORDER_CANCELLED: (
        "order_cancelled",
        lambda number: _("Your order %(number)s is cancelled", number=number),
    ),
    ORDER_SHIPPED: ("order_shipped", lambda number: _("Your order %(number)s is on its way", number=number)),
    ORDER_DELIVERED: (
        "order_delivered",
        lambda number: _("Your order %(number)s has been delivered", number=number),
    ),
}

# Inline the layout's rules into each element; keep @media rules (narrow screens) in a <style>.
INLINER = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)


@dataclass(frozen=True)
class Email:
    message: Message
    order_id: int | None = None  # the order whose timeline records the email


def absolute_url(endpoint: str, **values) -> str:
    """A link for an email: STORE_URL and the page's path (no request to take the host from)."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["STORE_URL"].rstrip("/") + path


def order_link(order: Order) -> str:
    """The order's page: a guest's with a new key to it (commits the key)."""
    if order.user_id is None:
        return absolute_url("checkout.order_detail", number=order.number, key=add_access_key(order.id))
    return absolute_url("checkout.order_detail", number=order.number)


def compose(outbox_message: OutboxMessage) -> Email | None:
    """The email an outbox message owes; None when there is no one to send it to."""
    kind = outbox_message.kind
    if kind in ORDER_EMAILS:
        order = outbox_message.order
        return Email(order_message(kind, order, order_link(order), outbox_message.payload), order.id)
    if kind == ORDER_LINK:
        order = find_guest_order(outbox_message.payload["number"], outbox_message.recipient)
        if order is None:
            return None
        subject = _("Your order %(number)s", number=order.number)
        message = _message("order_link", subject, order.email, order=order, link=order_link(order))
        return Email(message, order.id)
    if kind == VERIFY_EMAIL:
        user = outbox_message.user
        if user is None or user.is_verified:
            return None
        link = absolute_url("auth.verify_email", token=verification_token(user.id, user.email))
        return Email(_message("verify_email", _("Please confirm your email"), user.email, link=link))
    if kind == PASSWORD_RESET:
        user = find_user(outbox_message.recipient)
        if user is None:
            return None
        link = absolute_url("auth.reset_password", token=reset_token(user.id, user.password_hash))
        return Email(_message("password_reset", _("Reset your password"), user.email, link=link))
    raise ValueError(f"unknown outbox message kind {kind!r}")


def order_message(kind: str, order: Order, link: str, payload: dict | None = None) -> Message:
    """An email about the order (one of ORDER_EMAILS), with a button to its page at `link`."""
    template, subject = ORDER_EMAILS[kind]
    return _message(
        template,
        subject(order.number),
        order.contact_email,
        order=order,
        link=link,
        shipment=shipment_of(order),
        reason=(payload or {}).get("reason"),
    )


def _message(template: str, subject: str, recipient: str, **context) -> Message:
    context |= {"subject": subject, "language": get_locale().language}
    return Message(
        subject=subject,
        recipients=[recipient],
        body=render_template(f"emails/{template}.txt", **context),
        html=INLINER.inline(render_template(f"emails/{template}.html", **context)),
    )


def send_email(message: Message) -> None:
    """Send an email; with no mail server configured, write it to the log."""
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
