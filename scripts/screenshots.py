"""Pictures of the shop for docs/screenshots/: every page of tests/browser/site_pages.py at
1280 and 390 px wide (the full page), and every email at 600 px. Run it with
scripts/screenshots, which explains what it needs.

On a scratch SQLite database: the migrations, the demo data and the demo orders
(tests/browser/demo_orders.py), then gunicorn on a free port and Debian's Chromium.
Everything it starts is stopped and the database deleted, also when it fails.
"""

import io
import signal
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser.conftest import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    add_demo_orders,
    prepare_shop,
    serve,
    server_env,
)
from tests.browser.site_pages import open_windows, pages_of_this_shop  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
PAGE_WIDTHS = (1280, 390)
EMAIL_WIDTH = 600


def main() -> None:
    if not CHROMIUM.exists():
        sys.exit(f"{CHROMIUM} is missing: run scripts/browser-deps.sh")
    # Stopped by a signal, it still stops the server and deletes the database on its way out.
    for stop in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(stop, lambda number, frame: sys.exit(128 + number))
    OUT.mkdir(parents=True, exist_ok=True)
    before, written = set(OUT.glob("*.png")), []
    with tempfile.TemporaryDirectory(prefix="screenshots-") as scratch:
        folder = Path(scratch)
        env = server_env(f"sqlite:///{folder / 'shop.db'}")
        prepare_shop(env, folder)
        demo = add_demo_orders(env)
        with serve(env, folder / "gunicorn.log") as base_url, sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                for width in PAGE_WIDTHS:
                    written += photograph_pages(chromium, base_url, demo, width)
                written += photograph_emails(chromium, env, base_url)
            finally:
                chromium.close()
    for stale in before - set(written):
        stale.unlink()
        print(f"{stale.relative_to(ROOT)}  deleted: no such page or email any more")


def photograph_pages(chromium, base_url: str, demo, width: int) -> list[Path]:
    windows, written = open_windows(chromium, base_url, width), []
    try:
        for site_page in pages_of_this_shop():
            page = windows[site_page.who]
            page.goto(site_page.url(demo))
            written.append(_save(page, f"{site_page.name}-{width}.png"))
        return written
    finally:
        for page in windows.values():
            page.context.close()


def photograph_emails(chromium, env: dict[str, str], base_url: str) -> list[Path]:
    """Each kind of email the outbox holds, as a mail client shows its HTML."""
    context = chromium.new_context(viewport={"width": EMAIL_WIDTH, "height": 800}, device_scale_factor=1)
    written = []
    try:
        page = context.new_page()
        for kind, html in email_html(env, base_url).items():
            page.set_content(html, wait_until="load")
            written.append(_save(page, f"email-{kind.replace('_', '-')}-{EMAIL_WIDTH}.png"))
        return written
    finally:
        context.close()


def email_html(env: dict[str, str], base_url: str) -> dict[str, str]:
    """The HTML of the first outbox message of each kind, composed as the delivery does; links
    and images point at the running server."""
    from sqlalchemy import select

    from app import create_app
    from app.extensions import db
    from app.models import Order, OutboxMessage
    from app.models.orders import PAID
    from app.services.notifications.emails import PAYMENT_RECEIVED, compose

    html = {}
    config = {"SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"], "STORE_URL": base_url}
    with create_app(config).app_context():
        for message in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all():
            if message.kind not in html:
                email = compose(message)
                if email is not None:
                    html[message.kind] = email.message.html
        if PAYMENT_RECEIVED not in html:
            # Only a card payment owes this email, and the demo's orders are paid by hand:
            # composed from a message that is never saved.
            paid = db.session.scalar(select(Order).where(Order.status == PAID).limit(1))
            with db.session.no_autoflush:
                email = compose(OutboxMessage(kind=PAYMENT_RECEIVED, order=paid))
            html[PAYMENT_RECEIVED] = email.message.html
        db.session.rollback()
    return html


def _save(page, name: str) -> Path:
    """A full-page PNG, reduced to 256 colours: a third of the size, and they are committed."""
    path = OUT / name
    picture = Image.open(io.BytesIO(page.screenshot(full_page=True))).convert("RGB")
    picture.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        path, optimize=True
    )
    print(f"{path.relative_to(ROOT)}  {path.stat().st_size // 1024} KB")
    return path


if __name__ == "__main__":
    main()
