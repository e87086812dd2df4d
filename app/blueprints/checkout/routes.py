from flask import Blueprint

bp = Blueprint("checkout", __name__)


@bp.route("/checkout", methods=["GET", "POST"])
def checkout(**kwargs):
    """Placeholder until this page is built."""
    return "checkout.checkout"


@bp.route("/orders/<number>", methods=["GET", "POST"])
def order_detail(**kwargs):
    """Placeholder until this page is built."""
    return "checkout.order_detail"
