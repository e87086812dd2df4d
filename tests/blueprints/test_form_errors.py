"""A service's field errors shown on a page's form: one helper for every form (app/blueprints/forms.py)."""

from flask_wtf import FlaskForm
from wtforms import StringField

from app.blueprints.forms import show_errors
from app.services.errors import AddressNotYours, CouponUnusable


class ShippingForm(FlaskForm):
    address_choice = StringField()
    coupon_code = StringField()


def test_each_message_goes_on_its_field_once(app):
    with app.test_request_context():
        form = ShippingForm()
        unusable = CouponUnusable("expired", "This coupon has expired.")

        show_errors(form, unusable.fields)
        show_errors(form, unusable.fields)  # the page checks the coupon again when it shows the totals

        assert form.coupon_code.errors == ["This coupon has expired."]
        assert form.address_choice.errors == ()


def test_a_field_the_form_names_otherwise_gets_its_messages(app):
    with app.test_request_context():
        form = ShippingForm()

        show_errors(form, AddressNotYours().fields, {"address_id": "address_choice"})

        assert form.address_choice.errors == ["Choose one of your own addresses."]


def test_a_field_the_form_lacks_has_its_messages_shown_for_the_whole_form(app):
    with app.test_request_context():
        form = ShippingForm()

        show_errors(form, {"cart": ["Please order fewer items."]})

        assert form.form_errors == ["Please order fewer items."]
