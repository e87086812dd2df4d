"""The admin dashboard; the orders, products and coupons pages live in sibling modules."""

from flask import render_template

from app.blueprints.admin import (  # noqa: F401  (their views join bp)
    bp,
    bulk_orders,
    categories,
    coupons,
    customers,
    images,
    orders,
    pages,
    products,
)
from app.blueprints.admin.charts import bar_chart
from app.services.ordering.reports import dashboard_figures

__all__ = ["bp"]


@bp.get("/admin", strict_slashes=False)  # the pages a person types also answer with a "/"
def dashboard():
    figures = dashboard_figures()
    return render_template("admin/dashboard.html", figures=figures, chart=bar_chart(figures.days))
