"""A real localstripe server (PyPI), started and stopped by the tests themselves.

`localstripe --from-scratch` on a free loopback port: a stateful Stripe-compatible
API (and a test Stripe.js at /js.stripe.com/v3/) that delivers signed webhooks to
the URLs registered with it. Stopped by its PID. Helpers here pay an intent as a
shopper's browser would (localstripe wants the payment method set on the intent,
then a confirm with no arguments) and build signed events where localstripe does
not behave as Stripe documents (docs/payments.md).
"""

import hashlib
import hmac
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

SECRET_KEY = "sk_test_storefront"
PUBLISHABLE_KEY = "pk_test_storefront"
WEBHOOK_SECRET = "whsec_storefront_tests"
GOOD_CARD = "4242424242424242"
DECLINED_CARD = "4000000000000341"  # declined at confirm; 4000000000000002 is declined only on a customer
THREE_D_SECURE_CARD = "4000000000003220"


class LocalStripe:
    def __init__(self, log_path: Path):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        with open(log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "localstripe", "--port", str(self.port), "--from-scratch"],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._wait_until_up()

    def _wait_until_up(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"localstripe exited: {self.log_path.read_text()[-2000:]}")
            try:
                requests.get(f"{self.url}/js.stripe.com/v3/", timeout=1)
                return
            except requests.ConnectionError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("localstripe did not start in time")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)

    # --- the API, as a shopper's browser or Stripe's dashboard would use it

    def _post(self, path: str, data: dict | None = None) -> dict:
        response = requests.post(f"{self.url}{path}", json=data or {}, auth=(SECRET_KEY, ""), timeout=10)
        return response.json() | {"_status": response.status_code}

    def get(self, path: str) -> dict:
        return requests.get(f"{self.url}{path}", auth=(SECRET_KEY, ""), timeout=10).json()

    def intent(self, intent_id: str) -> dict:
        return self.get(f"/v1/payment_intents/{intent_id}")

    def pay(self, intent_id: str, card: str = GOOD_CARD) -> dict:
        """Put a card on the intent and confirm it, as Stripe.js does; the intent as it ends."""
        method = self._post(
            "/v1/payment_methods",
            {"type": "card", "card": {"number": card, "exp_month": 12, "exp_year": 2034, "cvc": "123"}},
        )
        self._post(f"/v1/payment_intents/{intent_id}", {"payment_method": method["id"]})
        self._post(f"/v1/payment_intents/{intent_id}/confirm")
        return self.intent(intent_id)

    def refunds_of(self, intent_id: str) -> list[dict]:
        """Every refund localstripe granted on the intent's charge (what the customer got back)."""
        refunds = self.get("/v1/refunds?limit=100").get("data", [])
        charge = self.intent(intent_id).get("latest_charge")
        charge_id = charge.get("id") if isinstance(charge, dict) else charge
        return [refund for refund in refunds if refund.get("charge") == charge_id]

    def deliver_webhooks_to(self, hook_id: str, url: str | None, secret: str = WEBHOOK_SECRET) -> None:
        """Have localstripe sign and POST its events to `url`; None sends nothing more."""
        body = {"url": url or "http://127.0.0.1:9/", "secret": secret}
        if url is None:
            body["events"] = ["nothing.at.all"]
        response = requests.post(f"{self.url}/_config/webhooks/{hook_id}", json=body, timeout=10)
        response.raise_for_status()


def signed_event(
    intent: dict, event_type: str, *, secret: str = WEBHOOK_SECRET, at: int | None = None, event_id=None
):
    """A webhook delivery as Stripe documents it: (body, Stripe-Signature header)."""
    timestamp = int(time.time()) if at is None else at
    event = {
        "id": event_id or f"evt_{secrets.token_hex(12)}",
        "object": "event",
        "type": event_type,
        "created": timestamp,
        "livemode": False,
        "api_version": "2020-08-27",
        "data": {"object": intent},
    }
    body = json.dumps(event).encode()
    signature = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return body, f"t={timestamp},v1={signature}"
