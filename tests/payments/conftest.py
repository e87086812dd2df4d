"""Card payment tests against a real localstripe process (tests/localstripe.py).

The app is configured for PAYMENT_PROVIDER=stripe pointed at localstripe; the
`webhook_server` fixture serves the test app over HTTP so localstripe can deliver
its signed webhooks to it.
"""

import threading
import uuid

import pytest
from werkzeug.serving import make_server

from app.extensions import db
from tests import factories
from tests.localstripe import PUBLISHABLE_KEY, SECRET_KEY, WEBHOOK_SECRET, LocalStripe


@pytest.fixture(scope="session")
def localstripe(tmp_path_factory):
    server = LocalStripe(tmp_path_factory.mktemp("localstripe") / "localstripe.log")
    yield server
    server.stop()


def stripe_settings(localstripe) -> dict:
    return {
        "PAYMENT_PROVIDER": "stripe",
        "STRIPE_SECRET_KEY": SECRET_KEY,
        "STRIPE_PUBLISHABLE_KEY": PUBLISHABLE_KEY,
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_API_BASE": localstripe.url,
        "STRIPE_JS_URL": f"{localstripe.url}/js.stripe.com/v3/",
    }


@pytest.fixture
def app_config(app_config, localstripe) -> dict:
    return {**app_config, **stripe_settings(localstripe)}


@pytest.fixture
def webhook_server(app, localstripe):
    """The test app on a loopback port, registered with localstripe for its webhooks."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    hook_id = f"storefront-{uuid.uuid4().hex[:8]}"
    localstripe.deliver_webhooks_to(hook_id, f"http://127.0.0.1:{server.server_port}/payments/stripe/webhook")
    yield server
    localstripe.deliver_webhooks_to(hook_id, None)
    server.shutdown()
    thread.join(10)


@pytest.fixture
def address(shopper):
    return factories.AddressFactory(user=shopper)


@pytest.fixture
def product(app):
    return factories.ProductFactory(price="20.00", stock=10)


@pytest.fixture
def coupon(app):
    return factories.CouponFactory(code="TENOFF", kind="percent", value="10")


@pytest.fixture
def placed(app, shopper, address, product, coupon):
    """A stripe order placed for 2 x 20.00 with the coupon: its intent made after the commit."""
    from app.services.ordering.placing import place_order

    factories.fill_cart(shopper, (product, 2))
    order = place_order(shopper.id, address.id, "TENOFF").order
    db.session.expire_all()
    return order
