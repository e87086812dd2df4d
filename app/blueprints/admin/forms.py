"""The admin's forms. The services check the rules; these read and shape the input."""

from datetime import UTC

from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from app.blueprints.input_rules import PageForm
from app.models.coupons import FIXED, PERCENT
from app.models.orders import STATUSES
from app.services.catalog.product_input import MAX_DESCRIPTION_LENGTH, MAX_NAME_LENGTH, MAX_SKU_LENGTH
from app.services.catalog.slugs import MAX_SLUG_LENGTH
from app.services.ordering.bulk import BULK_TARGETS, MAX_BULK_ORDERS
from app.services.ordering.carriers import CARRIERS
from app.services.ordering.reports import OrderFilter

EXPORT = "export"


class OrderFilterForm(PageForm):
    """The orders list's filter, read from the query string (a GET: no CSRF token)."""

    class Meta:
        csrf = False

    status = SelectField(
        "Status",
        choices=[SelectChoice("", "Any status")] + [SelectChoice(s, s.title()) for s in STATUSES],
        default="",
    )
    date_from = DateField("From", validators=[Optional()])
    date_to = DateField("To", validators=[Optional()])
    q = StringField("Order number or email", validators=[Optional(), Length(max=254)])

    def validate_date_to(self, field) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The end date must not be before the start date.")

    def to_filter(self) -> OrderFilter:
        return OrderFilter(
            status=self.status.data or None,
            date_from=self.date_from.data,
            date_to=self.date_to.data,
            search=(self.q.data or "").strip(),
        )

    def query_args(self) -> dict[str, str]:
        """The filter as query-string arguments, for page links and the CSV export."""
        args = {
            "status": self.status.data or "",
            "date_from": self.date_from.data.isoformat() if self.date_from.data else "",
            "date_to": self.date_to.data.isoformat() if self.date_to.data else "",
            "q": (self.q.data or "").strip(),
        }
        return {name: value for name, value in args.items() if value}


class BulkOrdersForm(PageForm):
    """The orders list's bulk actions: the ticked orders and the button pressed. A status change
    is shown for confirmation first and done when `confirmed` comes back from that page."""

    number = SelectMultipleField("Orders", validate_choice=False)
    action = StringField("Action", validators=[DataRequired(), AnyOf((*BULK_TARGETS, EXPORT))])
    confirmed = HiddenField("Confirmed")

    def validate_number(self, field) -> None:
        numbers = list(dict.fromkeys(field.data or []))
        if not numbers:
            raise ValidationError("Tick at least one order.")
        if len(numbers) > MAX_BULK_ORDERS:
            raise ValidationError(f"Tick at most {MAX_BULK_ORDERS} orders.")
        if any(not number or len(number) > 16 for number in numbers):
            raise ValidationError("That is not an order number.")
        field.data = numbers

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed.data == "yes"


class StatusForm(PageForm):
    status = HiddenField("Status", validators=[DataRequired()])


class NoteForm(PageForm):
    note = TextAreaField("Internal note", validators=[DataRequired(), Length(max=2000)])


class ProductForm(PageForm):
    # The lengths are the service's own (product_input.py), which the CSV import checks too.
    name = StringField("Name", validators=[DataRequired(), Length(max=MAX_NAME_LENGTH)])
    sku = StringField("SKU", validators=[DataRequired(), Length(max=MAX_SKU_LENGTH)])
    slug = StringField(
        "Slug (blank: made from the name)", validators=[Optional(), Length(max=MAX_SLUG_LENGTH)]
    )
    description = TextAreaField("Description", validators=[Optional(), Length(max=MAX_DESCRIPTION_LENGTH)])
    price = DecimalField("Price", places=2, validators=[InputRequired(), NumberRange(min=0)])
    is_active = BooleanField("Active (shown to shoppers)", default=True)

    def service_fields(self) -> dict:
        return {
            "name": self.name.data,
            "sku": self.sku.data,
            "slug": self.slug.data or "",
            "description": self.description.data or "",
            "price": self.price.data,
            "is_active": self.is_active.data,
        }


class NewProductForm(ProductForm):
    stock = IntegerField("Opening stock", default=0, validators=[Optional(), NumberRange(min=0)])


class StockAdjustmentForm(PageForm):
    delta = IntegerField(
        "Change (e.g. 10 or -3)", validators=[InputRequired(message="Enter a whole number, e.g. 10 or -3.")]
    )
    reason = StringField("Reason", validators=[DataRequired(), Length(max=200)])


class CouponForm(PageForm):
    code = StringField("Code", validators=[DataRequired(), Length(max=40)])
    kind = SelectField(
        "Kind",
        choices=[SelectChoice(PERCENT, "Percent off"), SelectChoice(FIXED, "Amount off")],
        default=PERCENT,
    )
    value = DecimalField("Percent or amount", places=2, validators=[InputRequired()])
    min_order = DecimalField("Minimum order", places=2, default=0, validators=[Optional()])
    usage_limit = IntegerField("Usage limit (blank: none)", validators=[Optional()])
    per_user_limit = IntegerField("Per-shopper limit (blank: none)", validators=[Optional()])
    valid_from = DateTimeLocalField("Valid from (UTC)", validators=[Optional()])
    valid_until = DateTimeLocalField("Valid until (UTC)", validators=[Optional()])
    is_active = BooleanField("Active", default=True)

    # coupons.build_coupon names some fields differently from this form.
    SERVICE_FIELD_NAMES = {"percent": "value", "amount": "value"}

    def service_fields(self) -> dict:
        value = self.value.data
        return {
            "percent": value if self.kind.data == PERCENT else None,
            "amount": value if self.kind.data == FIXED else None,
            "min_order": self.min_order.data or 0,
            "usage_limit": self.usage_limit.data,
            "per_user_limit": self.per_user_limit.data,
            "valid_from": _utc(self.valid_from.data),
            "valid_until": _utc(self.valid_until.data),
            "active": self.is_active.data,
        }

    def fill_from(self, coupon) -> None:
        self.code.data = coupon.code
        self.kind.data = coupon.kind
        self.value.data = coupon.value
        self.min_order.data = coupon.min_order_amount
        self.usage_limit.data = coupon.usage_limit
        self.per_user_limit.data = coupon.per_user_limit
        self.valid_from.data = _naive(coupon.valid_from)
        self.valid_until.data = _naive(coupon.valid_until)
        self.is_active.data = coupon.is_active


def _utc(value):
    return value.replace(tzinfo=UTC) if value else None


def _naive(value):
    return value.astimezone(UTC).replace(tzinfo=None) if value else None


class ShipForm(PageForm):
    """Mark as shipped: the carrier and tracking number (checked by lifecycle.ship_order)."""

    carrier = SelectField(
        "Carrier",
        choices=[SelectChoice(code, carrier.name) for code, carrier in CARRIERS.items()],
        validate_choice=False,  # the service names a bad carrier, as it does for the API
    )
    tracking_number = StringField(
        "Tracking number (optional)",
        description="Letters, digits, spaces and dashes, at most 64.",
    )
