"""The carriers an order ships with, and the page where each tracks a parcel.

A tracking number is linked only for a carrier known here; "Other" shows the
number alone. The URL templates are each carrier's public tracking page.
"""

import re
from dataclasses import dataclass
from urllib.parse import quote

from app.models import Order
from app.services.errors import ValidationFailed

OTHER = "other"


@dataclass(frozen=True)
class Carrier:
    name: str
    tracking_url: str | None  # with {number}; None when the carrier has no page we know


CARRIERS: dict[str, Carrier] = {
    "ups": Carrier("UPS", "https://www.ups.com/track?tracknum={number}"),
    "usps": Carrier("USPS", "https://tools.usps.com/go/TrackConfirmAction?tLabels={number}"),
    "fedex": Carrier("FedEx", "https://www.fedex.com/fedextrack/?trknbr={number}"),
    "dhl": Carrier(
        "DHL Express",
        "https://www.dhl.com/global-en/home/tracking/tracking-express.html?tracking-id={number}",
    ),
    "dhl_paket": Carrier(
        "Deutsche Post / DHL Paket",
        "https://www.dhl.de/de/privatkunden/pakete-empfangen/verfolgen.html?piececode={number}",
    ),
    "royal_mail": Carrier(
        "Royal Mail", "https://www.royalmail.com/track-your-item#/tracking-results/{number}"
    ),
    "dpd": Carrier("DPD", "https://tracking.dpd.de/status/en_US/parcel/{number}"),
    "gls": Carrier("GLS", "https://gls-group.com/track/{number}"),
    OTHER: Carrier("Other", None),
}

# Letters, digits, spaces and dashes: what carriers print on their labels.
TRACKING_NUMBER = re.compile(r"[A-Za-z0-9 -]{1,64}")


@dataclass(frozen=True)
class Tracking:
    """An order's shipment as a shopper reads it: the carrier's name, the number, its link."""

    carrier_name: str | None  # None for "Other"
    number: str | None
    url: str | None


def checked_shipment(carrier: str | None, tracking_number: str | None) -> tuple[str, str | None]:
    """The carrier's code and the tracking number (None if blank); ValidationFailed names each bad field."""
    errors: dict[str, list[str]] = {}
    carrier = (carrier or "").strip()
    number = (tracking_number or "").strip() or None
    if carrier not in CARRIERS:
        errors["carrier"] = ["Choose one of the carriers, or Other."]
    if number is not None and not TRACKING_NUMBER.fullmatch(number):
        errors["tracking_number"] = ["Use 1 to 64 letters, digits, spaces or dashes."]
    if errors:
        raise ValidationFailed(errors, "Please correct the marked fields.")
    return carrier, number


def shipment_of(order: Order) -> Tracking | None:
    """How the order was shipped, with the carrier's tracking link when there is one; None before."""
    if order.carrier is None:
        return None
    carrier = CARRIERS.get(order.carrier, CARRIERS[OTHER])
    url = None
    if carrier.tracking_url and order.tracking_number:
        url = carrier.tracking_url.format(number=quote(order.tracking_number, safe=""))
    name = None if order.carrier == OTHER else carrier.name
    return Tracking(name, order.tracking_number, url)
