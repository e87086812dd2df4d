"""The confirmation email, sent to a real SMTP server on loopback (aiosmtpd)."""

import socket
from decimal import Decimal
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from app.extensions import db
from app.models import OutboxMessage
from app.services.errors import InsufficientStock
from app.services.ordering.placing import place_order
from app.tasks import deliver_outbox_message
from tests.conftest import _test_config
from tests.factories import CouponFactory, ProductFactory, fill_cart


class Collector:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted"


class HangsUpOnQuit(Collector):
    """Accepts every message, then closes the connection instead of answering QUIT."""

    async def handle_QUIT(self, server, session, envelope):
        server.transport.close()
        return "221 Bye"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def handler():
    return Collector()


@pytest.fixture
def smtp_server(handler):
    collector = handler
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()


@pytest.fixture
def app_config(database_url, smtp_server):
    return _test_config(database_url) | {
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_server.port,
        "MAIL_SUPPRESS_SEND": False,
        "MAIL_USE_TLS": False,
        "MAIL_DEFAULT_SENDER": "shop@storefront.test",
    }


@pytest.fixture
def placed(shopper, address):
    CouponFactory(code="WELCOME10", kind="percent", value=Decimal("10"))
    fill_cart(
        shopper,
        (ProductFactory(name="Teapot", price=Decimal("24.50")), 2),
        (ProductFactory(name="Cup", price=Decimal("7.25")), 3),
    )
    return place_order(shopper.id, address.id, "WELCOME10").order


def received(smtp_server) -> list:
    return [
        message_from_bytes(e.original_content, policy=policy.default) for e in smtp_server.handler.envelopes
    ]


def test_confirmation_arrives_once_addressed_to_the_shopper(smtp_server, placed):
    envelopes = smtp_server.handler.envelopes
    assert len(envelopes) == 1
    assert envelopes[0].rcpt_tos == ["shopper@example.com"]
    assert envelopes[0].mail_from == "shop@storefront.test"


def test_confirmation_subject_names_the_order(smtp_server, placed):
    (message,) = received(smtp_server)
    assert placed.number in message["Subject"]
    assert message["To"] == "shopper@example.com"


def test_confirmation_has_plain_text_and_html_with_number_lines_and_total(smtp_server, placed):
    (message,) = received(smtp_server)
    plain = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    for part in (plain, html):
        assert placed.number in part
        assert "68.76" in part  # total payable: 70.75 - 7.08 + 0.00 + 5.09
        assert "Teapot" in part and "Cup" in part
        assert "12 Analytical Row" in part
    assert "<" not in plain
    assert '<h1 style="' in html  # the layout's CSS inlined


def test_sent_confirmation_is_recorded_and_not_sent_again(smtp_server, placed):
    message_id = db.session.scalars(select(OutboxMessage.id)).one()
    db.session.rollback()
    deliver_outbox_message(message_id)
    assert len(smtp_server.handler.envelopes) == 1
    assert db.session.get(OutboxMessage, message_id).status == "sent"


def test_a_refused_checkout_sends_nothing(smtp_server, shopper, address):
    fill_cart(shopper, (ProductFactory(stock=1), 2))
    with pytest.raises(InsufficientStock):
        place_order(shopper.id, address.id)
    assert smtp_server.handler.envelopes == []


class TestAServerThatHangsUpAtQuit:
    @pytest.fixture
    def handler(self):
        return HangsUpOnQuit()

    def test_the_accepted_email_is_recorded_as_sent_and_not_sent_again(self, smtp_server, placed):
        message_id = db.session.scalars(select(OutboxMessage.id)).one()
        db.session.rollback()

        deliver_outbox_message(message_id)

        assert len(smtp_server.handler.envelopes) == 1
        assert db.session.get(OutboxMessage, message_id).status == "sent"
