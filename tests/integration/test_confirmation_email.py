"""The confirmation email through the real stack: gunicorn, Redis, a celery worker and beat, SMTP.

Every test waits a few relay intervals and claim leases after the email arrives
(SETTLE_SECONDS), so that a second copy would have shown up.
"""

import os
import signal
import time

import pytest

from app.models.orders import OUTBOX_FAILED, OUTBOX_PENDING, OUTBOX_SENT
from tests.conftest import PASSWORD
from tests.factories import fill_cart
from tests.integration import rows
from tests.integration.services import free_port, service_env, wait_until
from tests.integration.shoppers import AppShopper, Browser

# Relay every 1 s, claim lease 4 s (service_env): a duplicate would show up within this.
SETTLE_SECONDS = 6


def settle() -> None:
    time.sleep(SETTLE_SECONDS)


def wait_until_all_sent(count: int) -> None:
    def all_sent():
        messages = rows.outbox_messages()
        return len(messages) == count and all(m.status == OUTBOX_SENT for m in messages)

    wait_until(all_sent, 15, f"{count} outbox message(s) marked sent")


def test_an_order_placed_in_the_browser_sends_one_confirmation_email(
    launcher, env, mailbox, shopper, address, product
):
    shop = launcher.shop(env)
    fill_cart(shopper, (product, 2))
    browser = Browser(shop.web.url)
    browser.log_in(shopper.email, PASSWORD)

    response = browser.place_order(browser.checkout_form())

    assert response.status_code == 303
    number = response.headers["Location"].rsplit("/", 1)[-1]
    [mail] = mailbox.wait_for(1)
    assert mail.subject == f"Your order {number}"
    assert mail.to == (shopper.email,)
    settle()
    assert mailbox.subjects() == [f"Your order {number}"]
    wait_until_all_sent(1)


def test_orders_placed_while_redis_is_down_succeed_and_their_emails_arrive_once_it_is_back(
    launcher, database_url, smtp, mailbox, redis_server_binary, shopper, address, product
):
    redis_port = free_port()
    redis_server = launcher.redis(redis_port)
    env = service_env(database_url, redis_server.url, smtp.port)
    shop = launcher.shop(env)
    app = AppShopper(shop.web.url, shopper.email, PASSWORD)

    redis_server.process.stop()
    numbers = []
    for _ in range(3):
        app.add_to_cart(product.id, 1)
        started = time.monotonic()
        response = app.place_order(address.id)
        assert response.status_code == 201, response.text
        assert time.monotonic() - started < 3, "the order waited for the broker"
        numbers.append(response.json()["number"])
    assert rows.stock_of(product.id) == 20 - 3
    time.sleep(2)
    assert mailbox.accepted == []
    assert {m.status for m in rows.outbox_messages()} == {OUTBOX_PENDING}

    launcher.redis(redis_port, name="redis-back")

    mailbox.wait_for(3, timeout=60)
    settle()
    assert mailbox.subjects() == sorted(f"Your order {number}" for number in numbers)
    wait_until_all_sent(3)


def test_an_email_refused_by_the_mail_server_is_retried_and_arrives_once_it_accepts(
    launcher, env, smtp, mailbox, shopper, address, product
):
    shop = launcher.shop(env)
    app = AppShopper(shop.web.url, shopper.email, PASSWORD)
    smtp.stop()
    app.add_to_cart(product.id, 1)

    response = app.place_order(address.id)

    assert response.status_code == 201, response.text
    number = response.json()["number"]

    def retried():
        [message] = rows.outbox_messages()
        return message.status == OUTBOX_FAILED and message.attempts >= 2 and message

    message = wait_until(retried, 20, "a second failed delivery attempt")
    assert "refused" in message.last_error.lower()

    smtp.start()

    mailbox.wait_for(1, timeout=30)
    settle()
    assert mailbox.subjects() == [f"Your order {number}"]
    wait_until_all_sent(1)


@pytest.mark.parametrize("victim", ["the whole worker", "its pool process"])
def test_a_worker_killed_while_sending_still_delivers_the_email_once(
    victim, launcher, env, smtp, mailbox, shopper, address, product
):
    shop = launcher.shop(env, worker_concurrency=1)
    app = AppShopper(shop.web.url, shopper.email, PASSWORD)
    app.add_to_cart(product.id, 1)
    mailbox.hold = True  # the worker will be stuck in the middle of the SMTP conversation

    response = app.place_order(address.id)

    assert response.status_code == 201, response.text
    number = response.json()["number"]
    assert mailbox.holding.wait(20), "the worker never started sending"
    if victim == "the whole worker":
        shop.worker.kill()
    else:
        [pool_process] = shop.worker.children()
        os.kill(pool_process, signal.SIGKILL)
    mailbox.hold = False
    mailbox.release.set()  # the held message is refused: its sender is gone
    if victim == "the whole worker":
        launcher.worker(env, name="worker-2", concurrency=1)

    mailbox.wait_for(1, timeout=30)
    settle()
    assert mailbox.subjects() == [f"Your order {number}"]
    wait_until_all_sent(1)
    assert rows.outbox_messages()[0].attempts >= 2
