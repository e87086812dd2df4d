"""Response headers, cookies and other protections against a hostile visitor.

- Every response carries a Content-Security-Policy that allows scripts and
  styles from this site only (no inline script), refuses framing, and comes
  with nosniff and a Referrer-Policy (flask-talisman).
- In production (STORE_ENV=production) plain HTTP is redirected to HTTPS and
  the session and remember-me cookies are Secure; they are always HttpOnly and
  SameSite=Lax.
- Logging in and registering are rate limited per client address (LOGIN_RATE_LIMIT, e.g.
  "10/minute", from the config or the environment), and so are asking for a password
  reset, setting one, asking for a verification email again and finding a guest order
  (that one per email as well, ORDER_FIND_EMAIL_RATE_LIMIT); behind a load balancer,
  TRUSTED_PROXIES says how many X-Forwarded-For entries to believe.
"""

from urllib.parse import urlsplit

from flask import Flask, current_app, request
from flask_talisman import Talisman
from werkzeug.middleware.proxy_fix import ProxyFix

from app.extensions import limiter

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

# Swagger UI starts itself with an inline script and styles its widgets inline;
# this looser policy applies to the API docs page only, never to the shop.
API_DOCS_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
)

REFERRER_POLICY = "strict-origin-when-cross-origin"


PAGE_POLICY = "storefront.content_security_policy"  # kept in the request's environ: per request


def widen_policy_for_this_page(**sources: list[str]) -> None:
    """Let this response's page use the given URLs' origins too, e.g. script_src=[...]: the
    card payment page loads Stripe.js (docs/payments.md). Only for the current request."""
    policy = dict(current_app.extensions.get("content_security_policy", CONTENT_SECURITY_POLICY))
    for directive, urls in sources.items():
        name = directive.replace("_", "-")
        origins = " ".join(dict.fromkeys(_origin(url) for url in urls))  # each once, in order
        policy[name] = f"{policy.get(name, policy['default-src'])} {origins}".strip()
    request.environ[PAGE_POLICY] = "; ".join(f"{name} {value}" for name, value in policy.items())


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _apply_page_policy(response):
    policy = request.environ.get(PAGE_POLICY)
    if policy:
        response.headers["Content-Security-Policy"] = policy
    return response


def _login_rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _per_address_limit(message: str):
    """A POST limit at the login rate, per visitor address, refused with `message` and when to retry."""
    return limiter.limit(
        _login_rate_limit, methods=["POST"], error_message=f"{message} Please wait a minute and try again."
    )


# Created once: the limiter is shared by every app built in this process (tests
# build one per test), and one limit object keeps it from being counted twice.
login_rate_limit = _per_address_limit("Too many login attempts.")
registration_rate_limit = _per_address_limit("Too many sign-ups from your address.")
password_reset_rate_limit = _per_address_limit("Too many password reset requests.")
new_password_rate_limit = _per_address_limit("Too many attempts.")
verification_rate_limit = _per_address_limit("Too many verification emails asked for.")
order_find_rate_limit = _per_address_limit("Too many order look-ups.")


def _email_in_form() -> str:
    return "order-find-email:" + (request.form.get("email") or "").strip().lower()


order_find_email_rate_limit = limiter.limit(
    lambda: current_app.config["ORDER_FIND_EMAIL_RATE_LIMIT"],
    key_func=_email_in_form,
    methods=["POST"],
    error_message="Too many look-ups for this email. Please try again later.",
)

# Each view and its limits, wrapped from here so the blueprints stay free of them.
RATE_LIMITED_VIEWS = {
    "auth.login": (login_rate_limit,),
    "auth.register": (registration_rate_limit,),
    "auth.forgot_password": (password_reset_rate_limit,),
    "auth.reset_password": (new_password_rate_limit,),
    "account.send_verification": (verification_rate_limit,),
    "checkout.find_order": (order_find_rate_limit, order_find_email_rate_limit),
}


def init_security(app: Flask) -> None:
    """Install the site's security headers and protections."""
    production = app.config.get("STORE_ENV") == "production"
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        # The visitor's address and scheme as the proxies in front saw them: without this,
        # every visitor has the proxy's address and shares one login rate limit.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["REMEMBER_COOKIE_HTTPONLY"] = True
    app.config["REMEMBER_COOKIE_SAMESITE"] = "Lax"
    if production:
        # Read from the app's own config, so STORE_ENV given to create_app counts too.
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True

    # Registered before Talisman's own hook, so it runs after it (Flask runs
    # after_request hooks in reverse order) and has the last word on the docs page.
    app.after_request(_relax_policy_for_api_docs(app))
    app.after_request(_apply_page_policy)
    app.extensions["content_security_policy"] = _policy_with_media(app)
    # One Talisman per app: it keeps its options on itself, and tests build many apps.
    app.extensions["talisman"] = Talisman(
        app,
        force_https=production,
        strict_transport_security=production,
        session_cookie_secure=bool(app.config.get("SESSION_COOKIE_SECURE")),
        session_cookie_samesite="Lax",
        session_cookie_http_only=True,
        content_security_policy=app.extensions["content_security_policy"],
        frame_options="DENY",
        referrer_policy=REFERRER_POLICY,
        x_content_type_options=True,
        x_xss_protection=False,  # obsolete header; the CSP does this job
    )
    _limit_login(app)


def _policy_with_media(app: Flask) -> dict:
    """The policy, with pictures also allowed from the S3 public URL when media live there, and
    from the logo's site when STORE_LOGO_URL is on another one."""
    public_url = app.config.get("S3_PUBLIC_URL") or app.config.get("S3_ENDPOINT_URL")
    image_urls = [app.config.get("STORE_LOGO_URL") or ""]
    if app.config.get("MEDIA_STORAGE") == "s3" and public_url:
        image_urls.append(public_url)
    origins = list(dict.fromkeys(f"{p.scheme}://{p.netloc}" for p in map(urlsplit, image_urls) if p.netloc))
    if not origins:
        return CONTENT_SECURITY_POLICY
    return {**CONTENT_SECURITY_POLICY, "img-src": " ".join([CONTENT_SECURITY_POLICY["img-src"], *origins])}


def _limit_login(app: Flask) -> None:
    """Wrap the login, register and other account views with their rate limits, leaving the
    blueprints untouched.

    Registering is limited too: it tells whether an email has an account, which the
    login page is careful not to.
    """
    for endpoint, limits in RATE_LIMITED_VIEWS.items():
        view = app.view_functions.get(endpoint)
        for limit in limits if view is not None else ():
            view = limit(view)
        if view is not None:
            app.view_functions[endpoint] = view


def _api_docs_path(app: Flask) -> str | None:
    prefix = app.config.get("OPENAPI_URL_PREFIX")
    page = app.config.get("OPENAPI_SWAGGER_UI_PATH")
    if prefix is None or page is None:
        return None
    return "/" + "/".join(part.strip("/") for part in (prefix, page) if part.strip("/"))


def _relax_policy_for_api_docs(app: Flask):
    """The hook that gives the API docs page its looser policy; the page's path is found once."""
    docs_path = _api_docs_path(app)
    page = docs_path.rstrip("/") if docs_path else None

    def relax_policy(response):
        if page and request.path.rstrip("/") == page:
            response.headers["Content-Security-Policy"] = API_DOCS_CONTENT_SECURITY_POLICY
        return response

    return relax_policy
