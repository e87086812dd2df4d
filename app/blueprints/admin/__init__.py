"""The admin pages under /admin: orders, catalog, stock, coupons, customers and the dashboard.

The blueprint is defined here; routes.py adds its views (and those of the sibling modules).
"""

from dataclasses import dataclass

from flask import Blueprint, abort, render_template, url_for
from flask_login import current_user
from werkzeug.exceptions import NotFound as PageNotFound

from app.extensions import login_manager
from app.services.errors import NotFound

bp = Blueprint("admin", __name__)


@bp.before_request
def admins_only():
    """Anonymous visitors go to the login page (and back); shoppers get 403."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_admin:
        abort(403)
    return None


@bp.errorhandler(NotFound)
def not_found(error: NotFound):
    return render_template("errors/404.html", error=PageNotFound()), 404


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    url: str


# The sidebar of admin/base.html: (key a page sets as `active`, label, endpoint).
SECTIONS = (
    ("dashboard", "Dashboard", "admin.dashboard"),
    ("orders", "Orders", "admin.orders"),
    ("products", "Products", "admin.products"),
    ("categories", "Categories", "admin.categories_page"),
    ("coupons", "Coupons", "admin.coupons"),
    ("customers", "Customers", "admin.customers_page"),
    ("pages", "Pages", "admin.pages_list"),
)


@bp.context_processor
def admin_sections() -> dict:
    """The sidebar's links."""
    return {"admin_sections": [Section(key, label, url_for(endpoint)) for key, label, endpoint in SECTIONS]}
