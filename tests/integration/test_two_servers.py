"""Stock across processes (docs/behaviour.md#stock-and-order-creation): two gunicorn servers
(three workers each) share one PostgreSQL.

Every buyer's request goes to one server or the other, all released at once.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests import factories
from tests.conftest import PASSWORD
from tests.integration import rows
from tests.integration.conftest import BROKER_URL
from tests.integration.services import Launcher, service_env
from tests.integration.shoppers import AppShopper, Browser


@pytest.fixture(scope="module")
def servers(database_url, tmp_path_factory):
    launcher = Launcher(tmp_path_factory.mktemp("two-servers"))
    env = service_env(database_url, BROKER_URL)
    try:
        pair = [launcher.web(env, name=f"web-{n}", wait=False) for n in (1, 2)]
        for server in pair:
            server.wait_ready()
        yield [server.url for server in pair]
    finally:
        launcher.stop_all()


def at_once(calls):
    """Run every call in its own thread, released together; their results in order."""
    start = threading.Barrier(len(calls))

    def run(call):
        start.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def buyers_with_carts(servers, count: int, *lines) -> list[tuple[AppShopper, int]]:
    """`count` shoppers, each with an address and the lines in the cart, logged in to the API."""
    logins = []
    for _ in range(count):
        user = factories.UserFactory()
        factories.fill_cart(user, *lines)
        logins.append((user.email, factories.AddressFactory(user=user).id))
    return at_once(
        [
            lambda email=email, address_id=address_id, n=n: (
                AppShopper(servers[n % 2], email, PASSWORD),
                address_id,
            )
            for n, (email, address_id) in enumerate(logins)
        ]
    )


def test_thirty_buyers_of_ten_units_on_two_servers_buy_exactly_ten(app, broker_url, servers):
    product = factories.ProductFactory(stock=10)
    buyers = buyers_with_carts(servers, 30, (product, 1))

    responses = at_once([lambda b=buyer, a=address_id: b.place_order(a) for buyer, address_id in buyers])

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201] * 10 + [409] * 20
    refusals = [r.json()["error"] for r in responses if r.status_code == 409]
    assert {error["code"] for error in refusals} == {"insufficient_stock"}
    assert rows.stock_of(product.id) == 0
    assert rows.units_sold(product.id) == 10
    assert len(rows.orders()) == 10


def test_a_coupon_limited_to_five_uses_is_used_five_times_on_two_servers(app, broker_url, servers):
    product = factories.ProductFactory(stock=100)
    coupon = factories.CouponFactory(code="FIVEONLY", usage_limit=5)
    buyers = buyers_with_carts(servers, 20, (product, 1))

    responses = at_once(
        [lambda b=buyer, a=address_id: b.place_order(a, "fiveonly") for buyer, address_id in buyers]
    )

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201] * 5 + [400] * 15
    refusals = [r.json()["error"] for r in responses if r.status_code == 400]
    assert all("coupon_code" in error["details"]["fields"] for error in refusals)
    assert rows.coupon_uses(coupon.id) == 5
    assert [order.coupon_code for order in rows.orders()] == ["FIVEONLY"] * 5
    assert rows.stock_of(product.id) == 95


def test_one_idempotency_key_sent_to_both_servers_at_once_makes_one_order(app, broker_url, servers, shopper):
    product = factories.ProductFactory(stock=10)
    address_id = factories.AddressFactory(user=shopper).id
    factories.fill_cart(shopper, (product, 1))
    apps = [AppShopper(servers[n % 2], shopper.email, PASSWORD) for n in range(12)]

    responses = at_once([lambda a=a: a.place_order(address_id, key="tap-tap-tap") for a in apps])

    [order] = rows.orders()
    assert {r.status_code for r in responses} <= {201, 409}
    assert {r.json()["number"] for r in responses if r.status_code == 201} == {order.number}
    in_use = [r.json()["error"]["code"] for r in responses if r.status_code == 409]
    assert set(in_use) <= {"idempotency_key_in_use"}
    assert rows.stock_of(product.id) == 9


def test_one_checkout_form_posted_to_both_servers_at_once_makes_one_order(app, broker_url, servers, shopper):
    product = factories.ProductFactory(stock=10)
    factories.AddressFactory(user=shopper)
    factories.fill_cart(shopper, (product, 1))
    browser = Browser(servers[0])
    browser.log_in(shopper.email, PASSWORD)
    form = browser.checkout_form()
    tabs = [browser.twin() for _ in range(8)]

    responses = at_once([lambda n=n, t=t: t.place_order(form, servers[n % 2]) for n, t in enumerate(tabs)])

    [order] = rows.orders()
    assert {r.status_code for r in responses} <= {303, 409}
    redirects = {r.headers["Location"] for r in responses if r.status_code == 303}
    assert [location.rsplit("/", 1)[-1] for location in redirects] == [order.number]
    assert rows.stock_of(product.id) == 9
