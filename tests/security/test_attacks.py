"""A hostile visitor: one test per protection of issue 8, point 3, each attacking and
asserting that the attack fails."""

import re
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from app.extensions import db, mail
from app.models import Product
from app.services.ordering.lifecycle import add_note
from app.services.ordering.placing import place_order
from tests.conftest import PASSWORD, _test_config
from tests.factories import AddressFactory, CouponFactory, ProductFactory, UserFactory, fill_cart
from tests.security.conftest import csrf_token_from, login_through_form

SCRIPT = '<script>alert("pwned")</script>'
ESCAPED_SCRIPT = "&lt;script&gt;alert("


def _is_on_site(location: str) -> bool:
    parts = urlsplit(location)
    return parts.netloc in ("", "localhost") and not location.startswith(("//", "/\\", "\\"))


# 1. Response headers ----------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/auth/login", "/no-such-page"])
def test_every_page_forbids_inline_scripts_framing_and_sniffing(client, path):
    response = client.get(path)

    policy = dict(
        part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert "'unsafe-inline'" not in policy["style-src"]
    assert policy["frame-ancestors"] == "'none'"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_no_page_carries_an_inline_script_the_policy_would_block(client, app):
    product = ProductFactory(name="Teapot")

    for path in ("/", f"/products/{product.slug}", "/auth/login", "/auth/register"):
        html = client.get(path).get_data(as_text=True).lower()
        assert "<script>" not in html and " onclick=" not in html and "javascript:" not in html, path


def test_only_the_api_docs_page_may_run_its_inline_script(client):
    docs_policy = client.get("/api/v1/docs").headers["Content-Security-Policy"]
    shop_policy = client.get("/api/v1/docs-not-really").headers["Content-Security-Policy"]

    assert "'unsafe-inline'" in docs_policy and "frame-ancestors 'none'" in docs_policy
    assert "'unsafe-inline'" not in shop_policy


# 2. Session cookie flags ------------------------------------------------------------


def _set_cookie_headers(response, name: str) -> list[str]:
    return [value for value in response.headers.getlist("Set-Cookie") if value.startswith(f"{name}=")]


def test_session_cookie_is_http_only_and_same_site_lax(client, shopper):
    response = login_through_form(client, "shopper@example.com")

    (cookie,) = _set_cookie_headers(response, "session")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


class TestProductionCookies:
    @pytest.fixture
    def app_config(self, database_url):
        return {**_test_config(database_url), "STORE_ENV": "production", "SECRET_KEY": "prod-secret-key"}

    def test_session_and_remember_cookies_are_secure_in_production(self, app, shopper):
        client = app.test_client()

        response = login_through_form(
            client, "shopper@example.com", remember="y", base_url="https://localhost"
        )

        (session_cookie,) = _set_cookie_headers(response, "session")
        assert "Secure" in session_cookie and "HttpOnly" in session_cookie
        (remember_cookie,) = _set_cookie_headers(response, "remember_token")
        assert "Secure" in remember_cookie and "HttpOnly" in remember_cookie

    def test_plain_http_is_sent_to_https_in_production(self, app):
        response = app.test_client().get("/auth/login")

        assert response.status_code in (301, 302)
        assert response.headers["Location"].startswith("https://")


# 3. Session protection ---------------------------------------------------------------


@pytest.mark.parametrize(
    "stolen_from",
    [{"headers": {"User-Agent": "EvilBrowser/1.0"}}, {"environ_base": {"REMOTE_ADDR": "203.0.113.9"}}],
    ids=["other-user-agent", "other-address"],
)
def test_a_stolen_session_cookie_does_not_work_from_another_browser(client, auth, shopper, stolen_from):
    auth.login()
    assert client.get("/account/orders").status_code == 200

    response = client.get("/account/orders", **stolen_from)

    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/auth/login"


# 4. Login rate limit ---------------------------------------------------------------


class TestLoginRateLimit:
    @pytest.fixture
    def app_config(self, database_url):
        return {**_test_config(database_url), "RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "3/minute"}

    def test_guessing_passwords_is_stopped_after_the_limit(self, client, shopper):
        for guess in ("password1", "letmein", "123456"):
            response = client.post("/auth/login", data={"email": "shopper@example.com", "password": guess})
            assert response.status_code == 400

        response = client.post("/auth/login", data={"email": "shopper@example.com", "password": PASSWORD})

        assert response.status_code == 429
        assert "Too many login attempts" in response.get_data(as_text=True)
        assert client.get("/account/orders").status_code == 302  # the right password did not get in

    def test_the_login_page_itself_stays_readable(self, client):
        for _ in range(5):
            assert client.get("/auth/login").status_code == 200


# 5. Open redirect through `next` ---------------------------------------------------

OFF_SITE_TARGETS = [
    "//evil.com",
    "https://evil.com",
    "/\\evil.com",
    "\\\\evil.com",
    "http:evil.com",
    "/\t/evil.com",
    "javascript:alert(1)",
]


@pytest.mark.parametrize("target", OFF_SITE_TARGETS)
def test_next_never_sends_a_shopper_off_site_after_login(client, shopper, target):
    response = client.post(
        "/auth/login",
        query_string={"next": target},
        data={"email": "shopper@example.com", "password": PASSWORD, "next": target},
    )

    assert response.status_code in (302, 303)
    assert _is_on_site(response.headers["Location"]), response.headers["Location"]


@pytest.mark.parametrize("target", OFF_SITE_TARGETS)
def test_next_never_sends_a_logged_in_shopper_off_site(client, auth, shopper, target):
    auth.login()

    response = client.get("/auth/login", query_string={"next": target})

    assert response.status_code in (302, 303)
    assert _is_on_site(response.headers["Location"]), response.headers["Location"]


def test_next_to_a_page_of_the_shop_still_works(client, shopper):
    response = client.post(
        "/auth/login?next=/account/orders", data={"email": "shopper@example.com", "password": PASSWORD}
    )

    assert urlsplit(response.headers["Location"]).path == "/account/orders"


# 6. Every state change is a POST with a CSRF token -----------------------------------


class TestCsrf:
    @pytest.fixture
    def app_config(self, database_url):
        return {**_test_config(database_url), "WTF_CSRF_ENABLED": True}

    @pytest.fixture
    def world(self, app):
        """An admin who is also a shopper with a cart, an address, a pending order and a coupon."""
        user = UserFactory(email="admin@example.com", password=PASSWORD, is_admin=True)
        product = ProductFactory(stock=10)
        address = AddressFactory(user=user)
        coupon = CouponFactory(code="SAVE10")
        fill_cart(user, (product, 1))
        order = place_order(user.id, address.id).order
        fill_cart(user, (product, 2))
        return {"user": user, "product": product, "address": address, "coupon": coupon, "order": order}

    @staticmethod
    def _form_rules(app):
        return [
            rule
            for rule in app.url_map.iter_rules()
            if "POST" in rule.methods and not rule.rule.startswith("/api/") and rule.endpoint != "static"
        ]

    @staticmethod
    def _url_for_rule(rule, world) -> str:
        values = {}
        for name in rule.arguments:
            if name == "number":
                values[name] = world["order"].number
            elif name == "slug":
                values[name] = world["product"].slug
            elif "coupon" in name or "coupon" in rule.endpoint:
                values[name] = world["coupon"].id
            elif "address" in name or "address" in rule.endpoint:
                values[name] = world["address"].id
            elif "user" in name:
                values[name] = world["user"].id
            else:
                values[name] = world["product"].id
        return rule.build(values, append_unknown=False)[1]

    @staticmethod
    def _plausible_form(world) -> dict:
        return {
            "product_id": world["product"].id,
            "quantity": "5",
            "address_id": world["address"].id,
            "coupon_code": "SAVE10",
            "status": "paid",
            "target": "paid",
            "note": "posted by a forged form",
            "email": "mallory@evil.com",
            "password": "mallory-password",
            "confirm": "mallory-password",
            "full_name": "Mallory",
            "line1": "1 Evil Street",
            "city": "Evilton",
            "postal_code": "666",
            "country": "US",
            "name": "Hacked",
            "sku": "EVIL-1",
            "price": "0.01",
            "stock": "0",
            "code": "EVIL",
            "percent": "100",
            "amount": "1000",
        }

    def test_forged_posts_without_a_token_are_refused_and_change_nothing(self, app, client, world, snapshot):
        login_through_form(client, "admin@example.com")
        rules = self._form_rules(app)
        assert len(rules) >= 5, "the shop should have forms to attack"
        before = snapshot()

        for rule in rules:
            url = self._url_for_rule(rule, world)
            response = client.post(url, data=self._plausible_form(world))
            assert response.status_code == 400, f"{rule.endpoint} {url} -> {response.status_code}"

        assert snapshot() == before
        assert client.get("/account/orders").status_code == 200  # the forged logout did not log out

    def test_a_token_from_another_session_is_refused(self, app, client, world, snapshot):
        login_through_form(client, "admin@example.com")
        stranger = app.test_client()
        foreign_token = csrf_token_from(stranger.get("/auth/login").get_data(as_text=True))
        before = snapshot()

        response = client.post("/auth/logout", data={"csrf_token": foreign_token})

        assert response.status_code == 400
        assert snapshot() == before
        assert client.get("/account/orders").status_code == 200

    def test_state_changing_endpoints_refuse_or_ignore_get(self, app, client, world, snapshot):
        login_through_form(client, "admin@example.com")
        before = snapshot()

        for rule in self._form_rules(app):
            url = self._url_for_rule(rule, world)
            response = client.get(url, query_string=self._plausible_form(world))
            if "GET" not in rule.methods:
                assert response.status_code == 405, f"GET {rule.endpoint} -> {response.status_code}"

        assert snapshot() == before
        assert client.get("/account/orders").status_code == 200


# 7. Markup in user-supplied text is escaped everywhere --------------------------------


class TestEscaping:
    @pytest.fixture
    def order(self, app, admin):
        product = ProductFactory(name=f"Mug {SCRIPT}", slug="evil-mug", description=SCRIPT, stock=10)
        address = AddressFactory(
            user=admin, full_name=f"Eve {SCRIPT}", line1=SCRIPT, line2=SCRIPT, city=SCRIPT
        )
        fill_cart(admin, (product, 1))
        with mail.record_messages() as outbox:
            placed = place_order(admin.id, address.id).order
        add_note(placed, admin.id, f"Call first {SCRIPT}")
        fill_cart(admin, (product, 1))  # so the cart and checkout pages show the product too
        placed.sent_emails = outbox
        return placed

    @pytest.mark.parametrize(
        "path",
        [
            "/",
            "/?q=mug",
            "/products/evil-mug",
            "/cart",
            "/checkout",
            "/orders/{number}",
            "/account/orders",
            "/account/addresses",
            "/admin/orders",
            "/admin/orders/{number}",
            "/admin/products",
        ],
    )
    def test_script_in_product_address_and_note_renders_as_text(self, client, auth, order, path):
        auth.login("admin@example.com")

        response = client.get(path.format(number=order.number))

        assert response.status_code == 200
        html = response.get_data(as_text=True)
        # The page's own scripts come from /static/; no other script element is there.
        assert re.findall(r"<script(?![^>]*\bsrc=\"/static/js/)", html.lower()) == []

    @pytest.mark.parametrize(
        "path", ["/products/evil-mug", "/cart", "/checkout", "/orders/{number}", "/admin/orders/{number}"]
    )
    def test_the_escaped_text_is_shown_to_the_reader(self, client, auth, order, path):
        auth.login("admin@example.com")

        html = client.get(path.format(number=order.number)).get_data(as_text=True)

        assert ESCAPED_SCRIPT in html

    def test_the_admin_note_is_shown_escaped(self, client, auth, order):
        auth.login("admin@example.com")

        html = client.get(f"/admin/orders/{order.number}").get_data(as_text=True)

        assert "Call first &lt;script&gt;" in html

    def test_the_confirmation_email_escapes_the_product_name_and_address(self, order):
        (message,) = order.sent_emails

        assert "<script" not in message.html.lower()
        assert f"Mug {ESCAPED_SCRIPT}" in message.html
        assert f"Eve {ESCAPED_SCRIPT}" in message.html

    def test_a_search_term_is_echoed_escaped(self, client, app):
        html = client.get("/", query_string={"q": SCRIPT}).get_data(as_text=True)

        assert "<script" not in html.lower()
        assert ESCAPED_SCRIPT in html


# 8. Search input cannot inject SQL ---------------------------------------------------


class TestSearchInjection:
    NAMES = ["Blue mug", "Red mug", "100% cotton tee", "snake_case sticker"]

    @pytest.fixture(autouse=True)
    def catalog(self, app):
        for name in self.NAMES:
            ProductFactory(name=name, price=Decimal("5.00"))

    def _listed(self, client, query: str) -> list[str]:
        response = client.get("/", query_string={"q": query})
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        return [name for name in self.NAMES if name in html]

    def test_a_quote_and_comment_do_not_widen_the_search(self, client):
        assert self._listed(client, "' OR 1=1 --") == []
        assert self._listed(client, '" OR ""="') == []

    def test_percent_matches_only_a_literal_percent(self, client):
        assert self._listed(client, "%") == ["100% cotton tee"]

    def test_underscore_matches_only_a_literal_underscore(self, client):
        assert self._listed(client, "_") == ["snake_case sticker"]

    def test_a_stacked_statement_does_not_run(self, client):
        assert self._listed(client, "mug'; DELETE FROM products; --") == []

        assert db.session.scalar(select(func.count(Product.id))) == len(self.NAMES)
        assert self._listed(client, "mug") == ["Blue mug", "Red mug"]
