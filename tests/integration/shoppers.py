"""Shoppers talking HTTP to a running server: the companion app (JSON API) and a browser."""

from html.parser import HTMLParser

import requests

TIMEOUT = 30


class AppShopper:
    """The companion app (docs/behaviour.md#api), with its own bearer token."""

    def __init__(self, base_url: str, email: str, password: str):
        self.base_url = base_url
        self.http = requests.Session()
        response = self.http.post(
            f"{base_url}/api/v1/auth/token", json={"email": email, "password": password}, timeout=TIMEOUT
        )
        assert response.status_code == 201, response.text
        self.http.headers["Authorization"] = f"Bearer {response.json()['token']}"

    def add_to_cart(self, product_id: int, quantity: int) -> None:
        response = self.http.post(
            f"{self.base_url}/api/v1/cart/items/",
            json={"product_id": product_id, "quantity": quantity},
            timeout=TIMEOUT,
        )
        assert response.status_code == 201, response.text

    def cart(self) -> dict:
        return self.http.get(f"{self.base_url}/api/v1/cart/", timeout=TIMEOUT).json()

    def place_order(
        self,
        address_id: int,
        coupon_code: str | None = None,
        *,
        key: str | None = None,
        base_url: str | None = None,
    ) -> requests.Response:
        body = {"address_id": address_id}
        if coupon_code is not None:
            body["coupon_code"] = coupon_code
        headers = {"Idempotency-Key": key} if key else {}
        return self.http.post(
            f"{base_url or self.base_url}/api/v1/orders/", json=body, headers=headers, timeout=TIMEOUT
        )


class FormFields(HTMLParser):
    """The fields a browser would submit for the first form posting to `action`."""

    def __init__(self, action: str):
        super().__init__()
        self.action = action
        self.fields: dict[str, str] = {}
        self._inside = False
        self._done = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self._done and attrs.get("action", "").endswith(self.action):
            self._inside = True
        elif tag == "input" and self._inside and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in ("radio", "checkbox") and "checked" not in attrs:
                return
            if kind != "submit":
                self.fields[attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form" and self._inside:
            self._inside, self._done = False, True


def form_fields(html: str, action: str) -> dict[str, str]:
    parser = FormFields(action)
    parser.feed(html)
    assert parser.fields, f"no form posting to {action} on the page"
    return parser.fields


class Browser:
    """A shopper in a browser: session cookie, CSRF tokens, forms as the pages render them."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.http = requests.Session()

    def log_in(self, email: str, password: str) -> None:
        page = self.http.get(f"{self.base_url}/auth/login", timeout=TIMEOUT)
        fields = form_fields(page.text, "/auth/login")
        fields.update(email=email, password=password)
        response = self.http.post(f"{self.base_url}/auth/login", data=fields, timeout=TIMEOUT)
        assert response.status_code == 200 and "You are logged in." in response.text, response.text[:2000]

    def checkout_form(self) -> dict[str, str]:
        """The checkout page's form as rendered, ready to submit with "Place order"."""
        page = self.http.get(f"{self.base_url}/checkout", timeout=TIMEOUT)
        assert page.status_code == 200, page.text[:2000]
        return {**form_fields(page.text, "/checkout"), "place_order": "Place order"}

    def place_order(self, form: dict[str, str], base_url: str | None = None) -> requests.Response:
        """Submit the checkout form (to this or another server sharing the session key)."""
        return self.http.post(
            f"{base_url or self.base_url}/checkout", data=form, allow_redirects=False, timeout=TIMEOUT
        )

    def twin(self) -> "Browser":
        """Another connection of the same browser (same cookies), for requests in parallel."""
        twin = Browser(self.base_url)
        twin.http.cookies.update(self.http.cookies)
        return twin
