"""Error pages in the site's layout; the JSON API's blueprint answers its own errors."""

import logging

from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException

from app.extensions import db

log = logging.getLogger(__name__)


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        template = f"errors/{error.code}.html" if error.code in (403, 404) else "errors/error.html"
        return render_template(template, error=error), error.code

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        log.exception("unexpected error on %s %s", request.method, request.path)
        # A failed flush or commit leaves the session unusable until rolled back, and the
        # error page itself reads the database (base.html asks whether the user is an admin).
        db.session.rollback()
        return render_template("errors/500.html"), 500
