"""A real browser against the real server: Debian's Chromium driven by Playwright,
the app served by gunicorn on a free port, on a database of its own.

The database is a fresh PostgreSQL database next to TEST_DATABASE_URL when that
is set, else a SQLite file; the schema comes from `flask db upgrade` and the
data from the shop's own commands (`seed-demo`, `products import`, `coupons create`).
Chromium and axe-core are installed by `scripts/browser-deps.sh`. Without them
these tests are skipped, unless STOREFRONT_REQUIRE_SERVICES=1 (CI), where they fail.
"""

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.browser.demo_orders import DemoOrders
from tests.browser.helpers import AXE_JS, ROOT

CHROMIUM = Path(os.environ.get("STOREFRONT_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# The server's own environment: nothing of the caller's services leaks in.
SERVER_ENV_DROPPED = (
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "REDIS_URL",
    "MAIL_SERVER",
    "MAIL_PORT",
    "MAIL_USE_TLS",
    "MAIL_USERNAME",
    "MAIL_PASSWORD",
    "STORE_ENV",
    "SECRET_KEY",
    "FLASK_DEBUG",
)

# What the shop's commands put in the database (see `browser_shop`).
SHOPPER_EMAIL, SHOPPER_PASSWORD = "shopper@example.com", "shopper-demo-pass"
ADMIN_EMAIL, ADMIN_PASSWORD = "admin@example.com", "admin-demo-pass"
COUPON_CODE = "WELCOME10"
EXPIRED_COUPON_CODE = "SPRING2020"
SCARCE_PRODUCT = "Last Two Lanterns"
SOLD_OUT_PRODUCT = "Sold Out Sundial"
EXTRA_PRODUCTS_CSV = (
    "sku,name,price,stock,description\n"
    f"BRW-LANTERN,{SCARCE_PRODUCT},30.00,2,Paper lanterns; only two left.\n"
    f"BRW-SUNDIAL,{SOLD_OUT_PRODUCT},45.00,0,A brass garden sundial.\n"
)


def _missing_dependency() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (run scripts/browser-deps.sh)"
    if not AXE_JS.exists():
        return f"{AXE_JS.relative_to(ROOT)} is missing (run scripts/browser-deps.sh)"
    return None


@pytest.fixture(scope="session")
def browser_dependencies() -> None:
    missing = _missing_dependency()
    if missing is None:
        return
    if os.environ.get("STOREFRONT_REQUIRE_SERVICES") == "1":
        pytest.fail(f"browser tests cannot run: {missing}", pytrace=False)
    pytest.skip(f"browser tests skipped: {missing}")


# The database -----------------------------------------------------------------------


@pytest.fixture(scope="session")
def server_database_url(tmp_path_factory):
    """A database for the server alone: created for this run, dropped after it."""
    with scratch_database(tmp_path_factory.mktemp("browser-db")) as url:
        yield url


@contextlib.contextmanager
def scratch_database(folder: Path):
    """A new empty database: a fresh PostgreSQL database next to TEST_DATABASE_URL, dropped
    afterwards, or a SQLite file in `folder`."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{folder / 'shop.db'}"
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"storefront_browser_{uuid.uuid4().hex[:10]}"
    admin_engine = create_engine(make_url(base).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin_engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin_engine.dispose()


def server_env(database_url: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in SERVER_ENV_DROPPED}
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY=f"browser-{uuid.uuid4().hex}",
        STORE_ENV="development",
        LOGIN_RATE_LIMIT="1000/minute",
        PYTHONUNBUFFERED="1",
    )
    return env


def _flask(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="session")
def browser_shop(browser_dependencies, server_database_url, tmp_path_factory) -> dict[str, str]:
    """The schema and the data, made with the shop's own commands."""
    env = server_env(server_database_url)
    prepare_shop(env, tmp_path_factory.mktemp("browser-data"))
    return env


def prepare_shop(env: dict[str, str], folder: Path) -> None:
    """Migrate the server's database and fill it with the shop's own commands."""
    _flask(env, "db", "upgrade")
    _flask(env, "seed-demo")
    csv_file = folder / "products.csv"
    csv_file.write_text(EXTRA_PRODUCTS_CSV)
    _flask(env, "products", "import", str(csv_file))
    _flask(env, "coupons", "create", EXPIRED_COUPON_CODE, "--percent", "20", "--valid-until", "2020-06-01")


def add_demo_orders(env: dict[str, str]) -> DemoOrders:
    """Orders in every status, a full cart and the other emails (tests/browser/demo_orders.py)."""
    result = subprocess.run(
        [sys.executable, "-m", "tests.browser.demo_orders"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"the demo orders failed:\n{result.stdout}\n{result.stderr}"
    return DemoOrders(**json.loads(result.stdout.strip().splitlines()[-1]))


# The server ------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_serving(url: str, process: subprocess.Popen, log_file: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited with {process.returncode}:\n{log_file.read_text()}", pytrace=False)
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"gunicorn did not answer at {url} within 60 s:\n{log_file.read_text()}", pytrace=False)


@pytest.fixture(scope="session")
def server_log(tmp_path_factory) -> Path:
    """The server's output; with no mail server, the shop writes its emails there."""
    return tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"


@pytest.fixture(scope="session")
def live_server(browser_shop, server_log) -> str:
    """The shop served by gunicorn (two workers, as in production), stopped after the run."""
    with serve(browser_shop, server_log) as base_url:
        yield base_url


@contextlib.contextmanager
def serve(env: dict[str, str], log_file: Path):
    """Serve the shop with gunicorn on a free port; yields its base URL, stops it after."""
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    with open(log_file, "w") as log:
        process = subprocess.Popen(
            [gunicorn, "--bind", f"127.0.0.1:{port}", "--workers", "2", "--timeout", "60", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_serving(base_url + "/", process, log_file)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# The browser -----------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium(browser_dependencies):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so fixtures can tell that it failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


class BrowserSession:
    """One person's browser window: a fresh context (cookies of its own) and a page."""

    def __init__(self, chromium, base_url: str, name: str):
        self.context = chromium.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
        self.context.set_default_timeout(10_000)
        self.page = self.context.new_page()
        self.name = name
        self.csp_violations: list[str] = []
        self.page.on("console", self._watch_console)

    def _watch_console(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.csp_violations.append(f"{self.page.url}: {message.text}")

    def screenshot(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(path), full_page=True)


@pytest.fixture
def open_browser(request, chromium, live_server):
    """Open a browser window for a person: `shopper = open_browser("shopper")`.

    If the test fails, each window's last page is kept under artifacts/screenshots/.
    Any Content-Security-Policy violation seen in a window fails the test.
    """
    sessions: list[BrowserSession] = []

    def open_one(name: str = "visitor") -> BrowserSession:
        session = BrowserSession(chromium, live_server, name)
        sessions.append(session)
        return session

    yield open_one

    failed = any(
        getattr(request.node, f"report_{when}", None) is not None
        and getattr(request.node, f"report_{when}").failed
        for when in ("setup", "call")
    )
    for session in sessions:
        if failed:
            session.screenshot(SCREENSHOTS / f"{request.node.name}-{session.name}.png")
        session.context.close()
    # No page may need what the Content-Security-Policy forbids (inline script or style).
    violations = [violation for session in sessions for violation in session.csp_violations]
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)
