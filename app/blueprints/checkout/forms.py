"""The checkout form: address choice or a new address, coupon code, one-time key."""

import uuid

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, RadioField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Regexp

from app.models import MAX_ID

NEW_ADDRESS = "new"


class CheckoutForm(FlaskForm):
    # One key per rendered form: posting it twice (double click, retry) gives one order.
    checkout_key = HiddenField(
        validators=[
            DataRequired("This form has expired; please try again."),
            Regexp(r"^[0-9a-f]{32}$", message="This form has expired; please try again."),
        ]
    )
    # The service decides whether an address id is the shopper's: no choice validation here.
    address_choice = RadioField(
        "Ship to", choices=[], validate_choice=False, validators=[DataRequired("Choose where to ship.")]
    )

    full_name = StringField("Full name")
    line1 = StringField("Address line 1")
    line2 = StringField("Address line 2 (optional)")
    city = StringField("City")
    postal_code = StringField("Postal code")
    country = StringField("Country (two-letter code, e.g. US)")
    phone = StringField("Phone (optional)")

    coupon_code = StringField("Coupon code")
    apply_coupon = SubmitField("Apply")
    place_order = SubmitField("Place order")

    ADDRESS_FIELDS = ("full_name", "line1", "line2", "city", "postal_code", "country", "phone")

    def offer_addresses(self, addresses) -> None:
        """Radio choices: the saved addresses (the default preselected), then a new one."""
        self.address_choice.choices = [(str(a.id), a.full_name) for a in addresses] + [
            (NEW_ADDRESS, "A new address")
        ]
        if not self.address_choice.data:
            default = next((a for a in addresses if a.is_default), addresses[0] if addresses else None)
            self.address_choice.data = str(default.id) if default else NEW_ADDRESS
        if not self.checkout_key.data:
            self.new_key()

    def new_key(self) -> None:
        self.checkout_key.data = uuid.uuid4().hex

    @property
    def wants_new_address(self) -> bool:
        return self.address_choice.data == NEW_ADDRESS

    def new_address_fields(self) -> dict[str, str]:
        return {name: getattr(self, name).data or "" for name in self.ADDRESS_FIELDS}

    def chosen_address_id(self) -> int:
        """The posted address id; 0 (nobody's address) when it is not one an address could have."""
        try:
            address_id = int(self.address_choice.data)
        except (TypeError, ValueError):
            return 0
        return address_id if 0 < address_id <= MAX_ID else 0

    def select_address(self, address_id: int) -> None:
        """After saving a new address: choose it and clear the new-address fields."""
        self.address_choice.data = str(address_id)
        for name in self.ADDRESS_FIELDS:
            getattr(self, name).data = ""

    def add_errors(self, fields: dict[str, list[str]]) -> None:
        """Attach a service's field errors; `address_id` is the radio group here."""
        for name, messages in fields.items():
            field = self.address_choice if name == "address_id" else getattr(self, name, None)
            if field is not None:
                field.errors = [*field.errors, *(m for m in messages if m not in field.errors)]


class GuestCheckoutForm(CheckoutForm):
    """Checkout without an account: an email and a new address (the order service checks both)."""

    email = EmailField(
        "Email (for your confirmation and the link to your order)", render_kw={"autocomplete": "email"}
    )
    # A guest has no saved address: always the new one.
    address_choice = HiddenField(default=NEW_ADDRESS)

    def offer_addresses(self, addresses) -> None:
        self.address_choice.data = NEW_ADDRESS
        if not self.checkout_key.data:
            self.new_key()


class FindOrderForm(FlaskForm):
    number = StringField(
        "Order number",
        validators=[InputRequired()],
        render_kw={"placeholder": "SO-7KQ2M9XD", "maxlength": 16},
    )
    email = EmailField(
        "Email used for the order", validators=[InputRequired()], render_kw={"autocomplete": "email"}
    )
