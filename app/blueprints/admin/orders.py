"""Admin order pages: the filtered list, its CSV export, one order and its actions."""

from flask import (
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user

from app.blueprints.admin import bp
from app.blueprints.admin.forms import NoteForm, OrderFilterForm, ShipForm, StatusForm
from app.blueprints.forms import show_errors
from app.blueprints.url_values import requested_page
from app.models.orders import CANCELLED, TRANSITIONS
from app.services.errors import InvalidTransition, ValidationFailed
from app.services.notifications import outbox
from app.services.ordering import lifecycle, lookups, reports
from app.services.payments import cancelling


@bp.get("/admin/orders", strict_slashes=False)
def orders():
    form = OrderFilterForm(request.args)
    page = None
    if form.validate():
        page = reports.search_orders(
            form.to_filter(),
            page=requested_page(),
            per_page=current_app.config["ORDERS_PER_PAGE"],
        )
    return render_template("admin/orders.html", form=form, page=page, filter_args=form.query_args())


@bp.get("/admin/orders.csv")
def orders_csv():
    """Exactly the orders the list shows for the same query arguments, streamed."""
    form = OrderFilterForm(request.args)
    if not form.validate():
        problems = "; ".join(f"{form[name].label.text}: {' '.join(e)}" for name, e in form.errors.items())
        return Response(f"Fix the filter: {problems}\n", status=400, mimetype="text/plain")
    return Response(
        stream_with_context(reports.export_csv(form.to_filter())),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="orders.csv"'},
    )


@bp.get("/admin/orders/<number>")
def order(number: str):
    return _render_order(lookups.order_by_number(number))


def _render_order(order, ship_form: ShipForm | None = None, status: int = 200):
    return render_template(
        "admin/order.html",
        order=order,
        targets=TRANSITIONS[order.status],
        note_form=NoteForm(),
        status_form=StatusForm(),
        ship_form=ship_form or ShipForm(formdata=None),
    ), status


@bp.post("/admin/orders/<number>/status")
def change_status(number: str):
    """Move the order along an allowed arrow; any other move is refused unchanged.

    The arrows: docs/behaviour.md#order-statuses.
    """
    order = lookups.order_by_number(number)
    form = StatusForm()
    if not form.validate_on_submit():
        flash("Choose a status.", "error")
        return _back_to(order)
    try:
        if form.status.data == CANCELLED:  # a card payment is refunded or closed in the same action
            cancelling.cancel_order(
                order, current_user.id, allowed_from=lifecycle.ADMIN_CANCELLABLE, reason=lifecycle.BY_STAFF
            )
        else:
            lifecycle.change_status(order, form.status.data, current_user.id)
    except (InvalidTransition, cancelling.RefundRefused) as refused:
        flash(refused.message, "error")
        return _back_to(order)
    if order.status == CANCELLED:
        flash(f"Order {order.number} cancelled; its stock and coupon use were returned.", "success")
    else:
        flash(f"Order {order.number} is now {order.status}.", "success")
    return _back_to(order)


@bp.post("/admin/orders/<number>/ship")
def ship_order(number: str):
    """Mark as shipped with a carrier and tracking number; the shopper is emailed. Bad input
    is shown on the form, field by field, and changes nothing."""
    order = lookups.order_by_number(number)
    form = ShipForm()
    if not form.validate_on_submit():
        flash("The form expired; please try again.", "error")
        return _render_order(order, form, 400)
    try:
        lifecycle.ship_order(order, current_user.id, form.carrier.data, form.tracking_number.data)
    except ValidationFailed as refused:
        show_errors(form, refused.fields)
        named = "; ".join(
            f"{form[name].label.text}: {' '.join(errors)}" for name, errors in refused.fields.items()
        )
        flash(f"Not shipped. {named}", "error")
        return _render_order(order, form, 400)
    except InvalidTransition as refused:
        flash(refused.message, "error")
        return _back_to(order)
    flash(f"Order {order.number} is now shipped; the shopper was emailed.", "success")
    return _back_to(order)


@bp.post("/admin/orders/<number>/notes")
def add_note(number: str):
    order = lookups.order_by_number(number)
    form = NoteForm()
    if not form.validate_on_submit():
        flash("Write a note of at most 2000 characters.", "error")
        return _back_to(order)
    lifecycle.add_note(order, current_user.id, form.note.data)
    flash("Note added.", "success")
    return _back_to(order)


@bp.post("/admin/orders/<number>/resend-confirmation")
def resend_confirmation(number: str):
    order = lookups.order_by_number(number)
    outbox.resend_confirmation(order, current_user.id)
    flash(f"The confirmation email to {order.contact_email} was queued again.", "success")
    return _back_to(order)


def _back_to(order):
    return redirect(url_for("admin.order", number=order.number), code=303)


@bp.get("/admin/orders/<number>/cancel")
def confirm_cancel(number: str):
    """The step before a cancel: what it gives back, and the button that does it."""
    order = lookups.order_by_number(number)
    if not order.can_become(CANCELLED):
        flash(f"An order that is {order.status} cannot be cancelled.", "error")
        return _back_to(order)
    return render_template(
        "admin/confirm_cancel.html",
        active="orders",
        order=order,
        heading=f"Cancel order {order.number}?",
        action=url_for("admin.change_status", number=order.number),
        fields=[("status", CANCELLED)],
        button="Cancel the order",
        back=url_for("admin.order", number=order.number),
        back_label="Keep the order",
    )
