"""Cart forms. They only parse whole numbers; the cart service checks the range
(1..999, or 0 to remove a line), so pages and the API refuse the same values."""

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField
from wtforms.widgets import HiddenInput, NumberInput

from app.blueprints.input_rules import PageForm
from app.models import MAX_ID, MAX_QUANTITY


class AddToCartForm(PageForm):
    product_id = IntegerField(widget=HiddenInput())
    quantity = IntegerField(_l("Quantity"), default=1, widget=NumberInput(min=1, max=MAX_QUANTITY))

    def chosen_product_id(self) -> int | None:
        """The posted product id, or None when it is not one a product could have."""
        product_id = self.product_id.data
        return product_id if product_id is not None and 0 < product_id <= MAX_ID else None


class QuantityForm(PageForm):
    """A cart line's new quantity; 0 removes the line."""

    quantity = IntegerField(_l("Quantity"), widget=NumberInput(min=0, max=MAX_QUANTITY))
