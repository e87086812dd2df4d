from flask import Blueprint

bp = Blueprint("auth", __name__)


@bp.route("/auth/login", methods=["GET", "POST"])
def login():
    """Placeholder until this page is built."""
    return "auth.login"


@bp.route("/auth/register", methods=["GET", "POST"])
def register():
    """Placeholder until this page is built."""
    return "auth.register"


@bp.route("/auth/logout", methods=["GET", "POST"])
def logout():
    """Placeholder until this page is built."""
    return "auth.logout"
