"""The orders list's bulk actions: mark the ticked orders paid or shipped (after a confirmation
page), or export them as CSV."""

from flask import Response, flash, redirect, render_template, stream_with_context, url_for
from flask_login import current_user

from app.blueprints.admin import bp
from app.blueprints.admin.forms import EXPORT, BulkOrdersForm
from app.services.ordering import bulk, reports


@bp.post("/admin/bulk/orders")
def bulk_orders():
    """Export at once; a status change shows the confirmation page, and is done when that page's
    form comes back with `confirmed`."""
    form = BulkOrdersForm()
    if not form.validate_on_submit():
        flash(_first_error(form), "error")
        return redirect(url_for("admin.orders"), code=303)
    numbers = form.number.data
    if form.action.data == EXPORT:
        return Response(
            stream_with_context(reports.export_csv(reports.OrderFilter(numbers=tuple(numbers)))),
            mimetype="text/csv",
            headers={"Content-Disposition": 'attachment; filename="orders-selected.csv"'},
        )
    if not form.is_confirmed:
        orders = bulk.orders_by_numbers(numbers)
        return render_template("admin/bulk_confirm.html", form=form, target=form.action.data, orders=orders)
    outcome = bulk.change_statuses(numbers, form.action.data, current_user.id)
    _tell(outcome)
    return redirect(url_for("admin.orders"), code=303)


def _tell(outcome: bulk.BulkOutcome) -> None:
    if outcome.done:
        flash(f"Marked {outcome.target}: {', '.join(outcome.done)}.", "success")
    if outcome.refused:
        refused = ", ".join(f"{number} (is {status})" for number, status in outcome.refused)
        flash(f"Not marked {outcome.target}, their status does not allow it: {refused}.", "error")
    if outcome.unknown:
        flash(f"No such order: {', '.join(outcome.unknown)}.", "error")


def _first_error(form: BulkOrdersForm) -> str:
    if form.number.errors:
        return form.number.errors[0]
    if form.action.errors:
        return "Choose Mark paid, Mark shipped or Export selected."
    return "The page had expired; please try again."
