from flask import Blueprint

bp = Blueprint("admin", __name__)


@bp.route("/admin", methods=["GET", "POST"])
def dashboard():
    """Placeholder until this page is built."""
    return "admin.dashboard"
