"""JSON API v1 for the companion app (docs/behaviour.md#api).

flask-smorest writes the OpenAPI document at /api/v1/openapi.json from the same
marshmallow schemas that validate requests, and serves Swagger UI at
/api/v1/docs from assets vendored under app/static/vendor/swagger-ui/.
"""

from apispec import BasePlugin
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from flask_smorest import Api

from app.blueprints.api.converters import register_converters
from app.blueprints.api.document import TAGS, ErrorSchema, shared_components
from app.blueprints.api.schemas import Money
from app.extensions import csrf

BASE_PATH = "/api/v1"

API_SETTINGS = {
    "API_TITLE": "Storefront API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": BASE_PATH,
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": "docs",
    "OPENAPI_SWAGGER_UI_URL": "/static/vendor/swagger-ui/",
}

API_DESCRIPTION = """The companion app's API (docs/api.md has a whole session step by step).

Every error has one body, `Error`: a `code` from `ErrorCode`, a `message` for a person and
`details` (always an object). Each operation lists the errors it can give, with examples.
Request bodies are JSON (`Content-Type: application/json`) of at most 64 KiB, and an unknown
field in one is refused; unknown query parameters are ignored. Text may not contain NUL.
A URL is at most 4,096 bytes, a header at most 4,096 bytes, and a request has at most 50 headers.
"""

BEARER_AUTH = {
    "type": "http",
    "scheme": "bearer",
    "description": "A token from POST /api/v1/auth/token, sent as `Authorization: Bearer <token>`.",
}


class StorefrontApi(Api):
    """flask-smorest's Api with the API's error body in the document."""

    ERROR_SCHEMA = ErrorSchema
    # Every operation lists its own error statuses; no catch-all "default" response.
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_error_handlers(self):
        # flask-smorest would answer every HTTP error of the app; the API blueprint
        # answers its own (errors.register), and the pages theirs (app/errors.py).
        pass


class SharedComponentsPlugin(MarshmallowPlugin):
    """apispec's marshmallow plugin, writing a `Shared` field as a $ref to its one component."""

    def init_spec(self, spec):
        super().init_spec(spec)
        self.converter.add_attribute_function(shared_components(spec))


class PathsUnderServer(BasePlugin):
    """Paths in the document are relative to the server's URL, /api/v1, as OpenAPI reads them."""

    def path_helper(self, path=None, **kwargs):
        return path.removeprefix(BASE_PATH) if path else path


class NoSessionForApi(SecureCookieSessionInterface):
    """The shop's cookie session, except for API requests: a bearer token names their caller.

    An API request gets Flask's null session, so it never reads, signs or sets the
    cookie, and code that tried to write it would fail loudly.
    """

    def __init__(self, prefix: str):
        self.prefix = prefix.rstrip("/") + "/"

    def open_session(self, app, request):
        if request.path.startswith(self.prefix):
            return None  # Flask answers with its null session
        return super().open_session(app, request)


def init_api(app: Flask) -> None:
    """Register the API under /api/v1, with its OpenAPI document and docs page."""
    from app.blueprints.api.routes import bp

    for name, value in API_SETTINGS.items():
        app.config.setdefault(name, value)

    api = StorefrontApi(
        app,
        spec_kwargs={
            "info": {"description": API_DESCRIPTION},
            "servers": [{"url": BASE_PATH, "description": "This site."}],
            "security": [{"bearerAuth": []}],
            "tags": TAGS,
            "marshmallow_plugin": SharedComponentsPlugin(),
            "extra_plugins": [PathsUnderServer()],
        },
    )
    api.spec.components.security_scheme("bearerAuth", BEARER_AUTH)
    api.register_field(Money, "string", "decimal")
    register_converters(app, api)
    api.register_blueprint(bp)
    csrf.exempt(bp)
    app.session_interface = NoSessionForApi(bp.url_prefix)
