"""The checkout form: address choice or a new address, coupon code, one-time key."""

import uuid

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, RadioField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Regexp

from app.blueprints.forms import address_values, with_address_fields
from app.blueprints.input_rules import PageForm
from app.models import MAX_ID
from app.models.address_fields import ADDRESS_FIELD_NAMES

NEW_ADDRESS = "new"


@with_address_fields(required=False)
class CheckoutForm(PageForm):
    # One key per rendered form: posting it twice (double click, retry) gives one order.
    checkout_key = HiddenField(
        validators=[
            DataRequired(_l("This form has expired; please try again.")),
            Regexp(r"^[0-9a-f]{32}$", message=_l("This form has expired; please try again.")),
        ]
    )
    # The service decides whether an address id is the shopper's: no choice validation here.
    address_choice = RadioField(
        _l("Ship to"),
        choices=[],
        validate_choice=False,
        validators=[DataRequired(_l("Choose where to ship."))],
    )

    # The new address's fields are added by with_address_fields: not required by the
    # browser, as a saved address may be chosen instead; used only when it is not.

    coupon_code = StringField(_l("Coupon code"), render_kw={"maxlength": 40, "autocomplete": "off"})
    apply_coupon = SubmitField(_l("Apply"))
    remove_coupon = SubmitField(_l("Remove"))
    # The code of the coupon the page showed applied (remembered on the cart); placing the
    # order uses it, or the code typed in the box if there is one.
    applied_coupon = HiddenField()
    place_order = SubmitField(_l("Place order"))

    ADDRESS_FIELDS = ADDRESS_FIELD_NAMES  # the template shows them in this order

    def offer_addresses(self, addresses) -> None:
        """Radio choices: the saved addresses (the default preselected), then a new one."""
        self.address_choice.choices = [(str(a.id), a.full_name) for a in addresses] + [
            (NEW_ADDRESS, _l("A new address"))
        ]
        if not self.address_choice.data:
            default = next((a for a in addresses if a.is_default), addresses[0] if addresses else None)
            self.address_choice.data = str(default.id) if default else NEW_ADDRESS
        if not self.checkout_key.data:
            self.new_key()

    def new_key(self) -> None:
        self.checkout_key.data = uuid.uuid4().hex

    def coupon_to_use(self) -> str:
        """The coupon to place the order with: the one typed in, else the one shown applied."""
        return (self.coupon_code.data or "").strip() or (self.applied_coupon.data or "")

    def ship_to(self) -> int | dict[str, str]:
        """Where the shopper chose to ship: a saved address's id, or the new address's fields."""
        if self.address_choice.data == NEW_ADDRESS:
            return address_values(self)
        return self.chosen_address_id()

    def chosen_address_id(self) -> int:
        """The posted address id; 0 (nobody's address) when it is not one an address could have."""
        try:
            address_id = int(self.address_choice.data)
        except (TypeError, ValueError):
            return 0
        return address_id if 0 < address_id <= MAX_ID else 0


class GuestCheckoutForm(CheckoutForm):
    """Checkout without an account: an email and a new address (the order service checks both)."""

    email = EmailField(
        _l("Email (for your confirmation and the link to your order)"), render_kw={"autocomplete": "email"}
    )
    # A guest has no saved address: always the new one.
    address_choice = HiddenField(default=NEW_ADDRESS)

    def offer_addresses(self, addresses) -> None:
        self.address_choice.data = NEW_ADDRESS
        if not self.checkout_key.data:
            self.new_key()


class FindOrderForm(PageForm):
    number = StringField(
        _l("Order number"),
        validators=[InputRequired()],
        render_kw={"placeholder": "SO-7KQ2M9XD", "maxlength": 16},
    )
    email = EmailField(
        _l("Email used for the order"), validators=[InputRequired()], render_kw={"autocomplete": "email"}
    )
