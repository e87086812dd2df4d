"""A guest pays by card through their order's private link (SPEC sections 9, 10)."""

from tests.localstripe import PUBLISHABLE_KEY

KEY = "0123456789abcdef0123456789abcdef"
ADDRESS = {
    "full_name": "Grace Hopper",
    "line1": "1 Harbour St",
    "city": "Arlington",
    "region": "VA",
    "postal_code": "22201",
    "country": "US",
}


def place_guest_order(client, product):
    client.post("/cart/items", data={"product_id": product.id, "quantity": "1"})
    return client.post("/checkout", data={**ADDRESS, "email": "grace@example.com", "checkout_key": KEY})


def test_a_guests_checkout_goes_to_the_pay_page_of_the_link(app, client, product, localstripe):
    response = place_guest_order(client, product)

    assert response.status_code == 303
    location = response.headers["Location"]
    path, key = location.split("?key=")
    assert path.endswith("/pay")
    page = app.test_client().get(location)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    number = path.split("/")[-2]
    assert 'id="card-element"' in html and PUBLISHABLE_KEY in html
    assert f"/orders/{number}?key={key}" in html  # back to the order, by its link


def test_the_pay_page_without_the_key_is_a_404_for_another_shopper(
    app, client, auth, other_shopper, product, localstripe
):
    location = place_guest_order(client, product).headers["Location"]
    path = location.split("?")[0]
    stranger = app.test_client()
    stranger.post("/auth/login", data={"email": other_shopper.email, "password": "correct horse battery"})

    assert stranger.get(path).status_code == 404
    assert stranger.get(path + "?key=wrong").status_code == 404
