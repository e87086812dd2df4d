"""An order's status in a shopper's words, in the shop's language (pages, emails, refusals)."""

from flask_babel import lazy_gettext as _l

from app.models.orders import CANCELLED, DELIVERED, PAID, PENDING, SHIPPED

STATUS_LABELS = {
    PENDING: _l("Pending"),
    PAID: _l("Paid"),
    SHIPPED: _l("Shipped"),
    DELIVERED: _l("Delivered"),
    CANCELLED: _l("Cancelled"),
}


def status_label(status: str) -> str:
    """ "Pending" for pending ("Ausstehend" in a German shop); an unknown status as it is, capitalized."""
    label = STATUS_LABELS.get(status)
    return str(label) if label is not None else status.capitalize()
