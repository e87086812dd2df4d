from flask import Blueprint

bp = Blueprint("account", __name__)


@bp.route("/account/orders", methods=["GET", "POST"])
def orders():
    """Placeholder until this page is built."""
    return "account.orders"


@bp.route("/account/addresses", methods=["GET", "POST"])
def addresses():
    """Placeholder until this page is built."""
    return "account.addresses"
