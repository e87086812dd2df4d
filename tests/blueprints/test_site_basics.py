"""What a newcomer trying the shop notices first: the tab's icon, addresses typed with a "/"."""

import re

import pytest

from tests.conftest import PASSWORD


def title_of(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.get_data(as_text=True), re.S).group(1).strip()


def test_every_page_links_the_shops_icon_and_it_is_served_as_svg(client):
    page = client.get("/").get_data(as_text=True)

    link = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page)
    assert link is not None
    icon = client.get(link.group(1))
    assert icon.status_code == 200
    assert icon.mimetype == "image/svg+xml"
    assert icon.get_data(as_text=True).startswith("<svg")


def test_favicon_ico_leads_to_the_icon_instead_of_a_404(client):
    response = client.get("/favicon.ico", follow_redirects=True)

    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.request.path.endswith("/favicon.svg")


@pytest.mark.parametrize("path", ["/auth/login", "/auth/register", "/auth/forgot", "/orders/find", "/cart"])
def test_an_anonymous_page_typed_with_a_trailing_slash_is_the_same_page(client, path):
    plain, slashed = client.get(path), client.get(path + "/")

    assert plain.status_code == slashed.status_code == 200
    assert title_of(slashed) == title_of(plain)


@pytest.mark.parametrize("path", ["/cart", "/account", "/account/orders", "/account/addresses"])
def test_a_shoppers_page_typed_with_a_trailing_slash_is_the_same_page(client, auth, shopper, path):
    auth.login()
    plain, slashed = client.get(path), client.get(path + "/")

    assert plain.status_code == slashed.status_code == 200
    assert title_of(slashed) == title_of(plain)


@pytest.mark.parametrize("path", ["/admin", "/admin/orders", "/admin/products", "/admin/coupons"])
def test_an_admin_page_typed_with_a_trailing_slash_is_the_same_page(client, auth, admin, path):
    auth.login(admin.email, PASSWORD)
    plain, slashed = client.get(path), client.get(path + "/")

    assert plain.status_code == slashed.status_code == 200
    assert title_of(slashed) == title_of(plain)


def test_a_trailing_slash_still_asks_an_anonymous_visitor_to_log_in(client):
    response = client.get("/account/orders/")

    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_checkout_typed_with_a_trailing_slash_answers_as_checkout(client, auth, shopper):
    auth.login()
    plain, slashed = client.get("/checkout"), client.get("/checkout/")

    assert slashed.status_code == plain.status_code != 404
    assert slashed.headers.get("Location") == plain.headers.get("Location")
