"""Every page of the shop, as one list: whose browser opens it and where it is.

tests/browser/test_every_page.py checks each of them (no sideways scroll at 360 px,
axe-core in light and dark); scripts/screenshots photographs each. A new page belongs
here. Paths name the demo data (tests/browser/demo_orders.py) in braces; a page that
not every version of the shop has is `optional` and listed only where a route serves it.
"""

import re
from dataclasses import asdict, dataclass

from playwright.sync_api import Page, expect

from app.services.demo import ADMIN_EMAIL, ADMIN_PASSWORD, SHOPPER_EMAIL, SHOPPER_PASSWORD

VISITOR, SHOPPER, ADMIN = "visitor", "shopper", "admin"


@dataclass(frozen=True)
class SitePage:
    name: str  # names the test and the screenshot file
    who: str  # VISITOR (logged out), SHOPPER or ADMIN
    path: str  # with {product_slug}, {category_slug}, {order}, {guest_order}, ... from the demo data
    optional: bool = False

    def url(self, demo) -> str:
        """The page's path for this database's demo data (a DemoOrders)."""
        return self.path.format(**asdict(demo))


PAGES = [
    SitePage("home", SHOPPER, "/"),
    SitePage("category", SHOPPER, "/c/{category_slug}"),
    SitePage("product", SHOPPER, "/products/{product_slug}"),
    SitePage("search", SHOPPER, "/?q=tea"),
    SitePage("cart", SHOPPER, "/cart"),
    SitePage("checkout", SHOPPER, "/checkout"),
    SitePage("order", SHOPPER, "/orders/{shipped}"),
    SitePage("guest-order", VISITOR, "/orders/{guest}?key={guest_key}"),
    SitePage("find-order", VISITOR, "/orders/find"),
    SitePage("login", VISITOR, "/auth/login"),
    SitePage("register", VISITOR, "/auth/register"),
    SitePage("forgot", VISITOR, "/auth/forgot"),
    SitePage("account", SHOPPER, "/account"),
    SitePage("addresses", SHOPPER, "/account/addresses"),
    SitePage("orders", SHOPPER, "/account/orders"),
    SitePage("page-shipping", VISITOR, "/pages/shipping", optional=True),
    SitePage("not-found", VISITOR, "/no-such-page"),
    SitePage("admin-dashboard", ADMIN, "/admin"),
    SitePage("admin-orders", ADMIN, "/admin/orders"),
    SitePage("admin-order", ADMIN, "/admin/orders/{paid}"),
    SitePage("admin-products", ADMIN, "/admin/products"),
    SitePage("admin-product-edit", ADMIN, "/admin/products/{product_id}"),
    SitePage("admin-categories", ADMIN, "/admin/categories"),
    SitePage("admin-coupons", ADMIN, "/admin/coupons"),
    SitePage("admin-customers", ADMIN, "/admin/customers", optional=True),
    SitePage("admin-pages", ADMIN, "/admin/pages", optional=True),
]


def pages_of_this_shop() -> list[SitePage]:
    """PAGES without the optional ones no route of the app serves."""
    from werkzeug.exceptions import NotFound

    from app import create_app

    routes = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).url_map.bind("localhost")

    def served(page: SitePage) -> bool:
        try:
            routes.match(page.path.split("?")[0], method="GET")
        except NotFound:
            return False
        return True

    return [page for page in PAGES if not page.optional or served(page)]


def open_windows(chromium, base_url: str, width: int) -> dict[str, Page]:
    """A browser window per person, `width` px wide at device scale 1, the shopper and the
    admin logged in. The caller closes each page's context."""
    windows = {}
    for who in (VISITOR, SHOPPER, ADMIN):
        context = chromium.new_context(
            base_url=base_url, viewport={"width": width, "height": 900}, device_scale_factor=1
        )
        context.set_default_timeout(10_000)
        windows[who] = context.new_page()
    _log_in(windows[SHOPPER], SHOPPER_EMAIL, SHOPPER_PASSWORD)
    _log_in(windows[ADMIN], ADMIN_EMAIL, ADMIN_PASSWORD)
    return windows


def _log_in(page: Page, email: str, password: str) -> None:
    # Not helpers.log_in: on a narrow screen the header's "Log out" may sit in a closed menu.
    page.goto("/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page).not_to_have_url(re.compile(r"/auth/login"))
