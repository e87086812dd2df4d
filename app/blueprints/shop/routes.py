from flask import Blueprint

bp = Blueprint("shop", __name__)


@bp.route("/", methods=["GET", "POST"])
def index():
    """Placeholder until this page is built."""
    return "shop.index"
