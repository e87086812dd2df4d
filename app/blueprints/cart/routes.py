from flask import Blueprint

bp = Blueprint("cart", __name__)


@bp.route("/cart", methods=["GET", "POST"])
def show():
    """Placeholder until this page is built."""
    return "cart.show"
