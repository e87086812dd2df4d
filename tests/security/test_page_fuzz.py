"""The page fuzzer (issue 19): every page route, as a visitor, a shopper and an admin, is sent
hostile query strings, path values and form fields; no answer is a 5xx, and a refused form
writes nothing.

The routes are read from the app's URL map and the forms from the pages' HTML, so a new page
or form is fuzzed without being listed here. Run it on PostgreSQL (TEST_DATABASE_URL), which
refuses what SQLite swallows (a NUL in text, a number past a column's range).
"""

import json
import time
from dataclasses import dataclass

import pytest
from sqlalchemy import text
from werkzeug.exceptions import HTTPException
from werkzeug.security import generate_password_hash

from app import create_app
from app.extensions import db
from app.models import Page, ProductImage
from app.services.accounts import signed_links, users
from tests.blueprints.conftest import make_order
from tests.conftest import PASSWORD, _test_config
from tests.factories import (
    AddressFactory,
    CategoryFactory,
    CouponFactory,
    ProductFactory,
    UserFactory,
    fill_cart,
)
from tests.security.page_crawl import (
    MACHINE_ENDPOINTS,
    PageForm,
    fill_in,
    forms_on,
    page_rules,
    rule_methods,
    url_encoded,
)

HOSTILE_TEXT = [
    "fuzz\x00tail",
    "\x01\x08\x1b[2J \x7f \x85\x9f",  # other control characters: C0, DEL, C1
    "lone \udfff surrogate",
    "x" * 100_000,
    "a" * 1000,  # longer than any column the pages write, shorter than the page-wide limit
    "9" * 5000,
    "-" + "9" * 40,
    "1e999999",
    "NaN",
    "\u202eevil\u202c \u200f",  # right-to-left override and mark
    "' OR '1'='1'; DROP TABLE users; --",
    '<script>alert(1)</script>"><img src=x onerror=alert(1)>',
    "\r\nSet-Cookie: fuzz=1",
    "🦄" * 50,
    " ",
    "",
]
# A path value cannot be empty (no route would match), and a browser sends no 100 KB path.
HOSTILE_PATH = [value for value in HOSTILE_TEXT if value.strip() and len(value) < 10_000]
# Flask-WTF reads a JSON body as form data: values no HTML form can send.
HOSTILE_JSON = [None, 7, ["a", "b"], {"a": "b"}, "\ud800"]
# For a form's other submit buttons: the values that have broken pages before.
SHARP_TEXT = ["\x00", "\ud800", "x" * 100_000, "9" * 5000]

# A password reset link that stays the same in every test (the same account, hash and time),
# so the pages read through it are read once (CRAWLS); fuzzing it may reset that account only.
RESET_CLOCK = time.time()
FORGETFUL_HASH = generate_password_hash("forgotten", "pbkdf2:sha256:1000")

ROLES = ("visitor", "shopper", "admin")
# The forms each role is shown, by role and path values: every test builds the same shop,
# so the pages are read once per role rather than once per test.
CRAWLS: dict[tuple, list[PageForm]] = {}
RULES = page_rules(create_app(_test_config("sqlite://")).url_map)

# A valid value for a field a page leaves empty, so the hostile one next to it gets deep.
GOOD_VALUES = {
    "email": "nobody@example.com",
    "password": PASSWORD,
    "confirm": PASSWORD,
    "full_name": "Ada Lovelace",
    "line1": "12 Analytical Row",
    "city": "London",
    "postal_code": "N1 7AA",
    "country": "GB",
    "name": "Fuzzed product",
    "sku": "FUZZ-1",
    "price": "12.50",
    "code": "FUZZ10",
    "value": "10",
    "delta": "3",
    "reason": "Recount",
    "note": "Called the shopper",
    "quantity": "2",
    "status": "paid",
}


@dataclass
class World:
    path_values: dict[str, str]
    emails: dict[str, str]
    # Pages read for their forms besides those the path values fill in: forms shown only in
    # another state (the admin's ship form, on a paid order's page).
    more_pages: tuple[str, ...] = ()


@pytest.fixture
def world(app, monkeypatch) -> World:
    """A shop with something on every page: a product, a coupon, an order, a cart, an address."""
    # A login with an unknown email is checked against a scrypt hash; a cheap one keeps the
    # hundreds of fuzzed logins fast.
    monkeypatch.setattr(users, "_UNKNOWN_USER_HASH", generate_password_hash("x", "pbkdf2:sha256:1000"))
    shopper = UserFactory(email="shopper@example.com", password=PASSWORD)
    admin = UserFactory(email="admin@example.com", password=PASSWORD, is_admin=True)
    product = ProductFactory(name="Teapot", stock=500)
    address = AddressFactory(user=shopper)
    # A fixed number, like every other value here, so each test's pages are the same (CRAWLS).
    order = make_order(shopper, "SO-FUZZ0001")
    make_order(shopper, "SO-FUZZ0002", status="paid")
    coupon = CouponFactory(code="SAVE10")
    ProductFactory(name="Retired kettle", is_active=False)  # for the "activate" buttons
    CouponFactory(code="OLD5", is_active=False)
    fill_cart(shopper, (product, 1))
    # A category with the product in it, and two pictures of it (for the "up" and "down" buttons).
    category = CategoryFactory(name="Kitchen", slug="kitchen")
    product.category = category
    pictures = [
        ProductImage(
            product_id=product.id,
            position=n,
            alt_text=f"Teapot {n}",
            original_key=f"p/{n}.jpg",
            width=9,
            height=9,
        )
        for n in (0, 1)
    ]
    db.session.add_all(pictures)
    db.session.add(Page(slug="shipping", title="Shipping", body="In two days."))
    db.session.commit()
    forgetful = UserFactory(email="forgetful@example.com", password_hash=FORGETFUL_HASH)
    monkeypatch.setattr(signed_links, "clock", lambda: RESET_CLOCK)
    reset_token = signed_links.reset_token(forgetful.id, forgetful.password_hash)
    db.session.expire_all()
    return World(
        path_values={
            "slug": product.slug,
            "page_slug": "shipping",
            "category_id": str(category.id),
            "image_id": str(pictures[1].id),
            "product_id": str(product.id),
            "address_id": str(address.id),
            "user_id": str(shopper.id),  # an admin's customer page
            "coupon_id": str(coupon.id),
            "number": order.number,
            "token": reset_token,  # a live reset link's; on /auth/verify, a dead verification link
        },
        emails={"shopper": shopper.email, "admin": admin.email},
        more_pages=("/admin/orders/SO-FUZZ0002",),
    )


class PageFuzzer:
    """Sends the corpus to one route and writes down every answer that breaks the rules."""

    def __init__(self, app, client, world: World, role: str):
        self.app, self.client, self.world, self.role = app, client, world, role
        self.failures: list[str] = []
        self._offered: dict[str, list[PageForm]] | None = None
        if role in world.emails:
            response = client.post("/auth/login", data={"email": world.emails[role], "password": PASSWORD})
            assert response.status_code == 302, f"could not log in as the {role}"

    # --- GET: query strings and path values

    def fuzz_get(self, rule) -> None:
        path = fill_in(rule, self._path_values(rule))
        page = self._send("GET", path, what="the page itself")
        own_names = {"page", "next"}
        if page is not None and page.status_code == 200 and page.mimetype == "text/html":
            forms = forms_on(page.get_data(as_text=True), path)
            own_names.update(name for form in forms if form.method == "get" for name in form.names)
        # The names a page's own search or filter uses get the whole corpus; every other name a search
        # or filter form of the site uses gets the sharpest values (the CSV export reads the
        # orders list's filter, and no form of its own shows it).
        for name in sorted(own_names | self.site_query_names()):
            for value in self._corpus(rule) if name in own_names else SHARP_TEXT:
                query = url_encoded([(name, value)]).decode()
                self._send("GET", f"{path}?{query}", what=f"?{name}={value!r:.40}")
        self._fuzz_path_values(rule, "GET")

    def _fuzz_path_values(self, rule, method: str, body: bytes = b"") -> None:
        for argument in rule.arguments:
            for value in HOSTILE_PATH:
                path = fill_in(rule, {**self._path_values(rule), argument: value})
                self._send(method, path, body, what=f"<{argument}>={value!r:.40}")

    # --- POST: every form the pages offer for this route

    def fuzz_post(self, rule) -> None:
        forms = self._forms_posting_to(rule) or [PageForm("post", fill_in(rule, self._path_values(rule)))]
        for form in forms:
            buttons = form.buttons or [None]
            self._fuzz_form(form, buttons[0], self._corpus(rule), with_json=True)
            for button in buttons[1:]:
                self._fuzz_form(form, button, SHARP_TEXT, with_json=False)
        self._fuzz_path_values(
            rule, "POST", url_encoded(self._baseline(forms[0], forms[0].buttons[:1] or [None]))
        )

    def _fuzz_form(self, form: PageForm, button, corpus, *, with_json: bool) -> None:
        baseline = self._baseline(form, [button])
        names = form.names or ["fuzz"]  # a form of buttons only still gets an unexpected field
        for name in names:
            for value in corpus:
                pairs = [(n, value if n == name else v) for n, v in baseline]
                if name not in dict(baseline):
                    pairs.append((name, value))
                self._post(form.action, url_encoded(pairs), what=f"{name}={value!r:.40}")
        for value in HOSTILE_JSON if with_json else []:
            body = json.dumps({**dict(baseline), **dict.fromkeys(names, value)}).encode()
            self._post(form.action, body, what=f"JSON, every field {value!r:.40}", json_body=True)

    def _corpus(self, rule) -> list[str]:
        """The whole corpus for a page of this role's own (an admin's under /admin, anyone
        else's elsewhere); an admin on a shopper's page, the same code, gets the sharpest."""
        if self.role == "admin" and not rule.rule.startswith("/admin"):
            return SHARP_TEXT
        return HOSTILE_TEXT

    def _baseline(self, form: PageForm, buttons) -> list[tuple[str, str]]:
        pairs = [(name, value or GOOD_VALUES.get(name, "")) for name, value in form.fields]
        return pairs + [button for button in buttons if button is not None]

    def site_query_names(self) -> set[str]:
        """The fields of every GET form (searches, filters) this role is shown anywhere."""
        return {name for form in self._crawl() if form.method == "get" for name in form.names}

    def _forms_posting_to(self, rule) -> list[PageForm]:
        return self.offered_forms().get(rule.endpoint, [])

    def offered_forms(self) -> dict[str, list[PageForm]]:
        """The POST forms on every page this role can open, by the endpoint they post to."""
        if self._offered is None:
            adapter = self.app.url_map.bind("localhost")
            found: dict[tuple, PageForm] = {}
            for form in self._crawl():
                endpoint = _endpoint(adapter, form.action)
                if form.method == "post" and endpoint:
                    found.setdefault((endpoint, form.action, tuple(form.names), tuple(form.buttons)), form)
            self._offered = {}
            for (endpoint, *_), form in found.items():
                self._offered.setdefault(endpoint, []).append(form)
        return self._offered

    def _crawl(self) -> list[PageForm]:
        """Every form on every page (with valid path values) this role can open."""
        key = (self.role, tuple(sorted(self.world.path_values.items())))
        if key not in CRAWLS:
            CRAWLS[key] = self._read_pages()
        return CRAWLS[key]

    def _read_pages(self) -> list[PageForm]:
        forms = []
        for page_rule in RULES:
            if "GET" not in page_rule.methods or page_rule.arguments - set(self.world.path_values):
                continue
            forms += self._forms_of(fill_in(page_rule, self.world.path_values))
        for page_path in self.world.more_pages:
            forms += self._forms_of(page_path)
        return forms

    def _forms_of(self, page_path: str) -> list[PageForm]:
        response = self.client.get(page_path)
        response.get_data()  # a stream (the CSV export) ends here, not in a later request
        if response.status_code == 200 and response.mimetype == "text/html":
            return forms_on(response.get_data(as_text=True), page_path)
        return []

    # --- sending, and what every answer must satisfy

    def _post(self, path: str, body: bytes, *, what: str, json_body: bool = False) -> None:
        with self.client.session_transaction() as session:
            session.pop("_flashes", None)  # a refusal is read from this answer's messages only
        before = _row_counts()
        response = self._send("POST", path, body, what=what, json_body=json_body)
        if response is not None and self._refused(response) and _row_counts() != before:
            self.failures.append(
                f"{self.role} POST {path} {what}: refused ({response.status_code}) but wrote rows"
            )

    def _send(self, method: str, path: str, body: bytes = b"", *, what: str, json_body: bool = False):
        content_type = "application/json" if json_body else "application/x-www-form-urlencoded"
        try:
            response = self.client.open(path, method=method, data=body, content_type=content_type)
            response.get_data()  # a streamed body fails only while it is sent
        except Exception as error:  # noqa: BLE001  (any exception is a finding, with its request)
            db.session.rollback()
            self.failures.append(f"{self.role} {method} {path[:100]} {what}: raised {error!r:.200}")
            return None
        if response.status_code >= 500:
            self.failures.append(f"{self.role} {method} {path[:100]} {what}: {response.status_code}")
        return response

    def _refused(self, response) -> bool:
        if response.status_code >= 400:
            return True
        with self.client.session_transaction() as session:
            return any(category == "error" for category, _ in session.get("_flashes", []))

    def _path_values(self, rule) -> dict[str, str]:
        missing = rule.arguments - set(self.world.path_values)
        assert not missing, (
            f"the fuzzer has no valid value for {sorted(missing)} of {rule.rule}: add one to world"
        )
        return self.world.path_values


def _endpoint(adapter, path: str) -> str | None:
    try:
        endpoint, _ = adapter.match(path, method="POST")
    except HTTPException:
        return None
    return endpoint


def _row_counts() -> tuple[int, ...]:
    """Every table's row count, in one query on a connection of its own."""
    counts = ", ".join(f"(SELECT count(*) FROM {table.name})" for table in db.metadata.sorted_tables)
    with db.engine.connect() as connection:
        return tuple(connection.execute(text(f"SELECT {counts}")).one())


@pytest.mark.parametrize(
    ("path", "role"),
    [(rule.rule, role) for rule in RULES for role in ROLES],
    ids=[f"{role}:{' '.join(rule_methods(rule))} {rule.rule}" for rule in RULES for role in ROLES],
)
def test_hostile_input_never_gets_a_server_error_and_a_refused_form_writes_nothing(
    app, client, world, path, role
):
    (rule,) = [rule for rule in app.url_map.iter_rules() if rule.rule == path]
    fuzzer = PageFuzzer(app, client, world, role)

    if "GET" in rule.methods:
        fuzzer.fuzz_get(rule)
    if "POST" in rule.methods:
        fuzzer.fuzz_post(rule)

    assert not fuzzer.failures, f"{len(fuzzer.failures)} bad answers:\n" + "\n".join(fuzzer.failures[:40])


def test_every_form_route_is_offered_by_a_page(app, client, world):
    """Else the fuzzer would post to it without the fields a page sends: add the page's data to world."""
    offered = set()
    for role in ROLES:
        client.post("/auth/logout")
        fuzzer = PageFuzzer(app, client, world, role)
        offered.update(fuzzer.offered_forms())

    posted = {rule.endpoint for rule in RULES if "POST" in rule.methods} - MACHINE_ENDPOINTS
    assert posted - offered == set()
