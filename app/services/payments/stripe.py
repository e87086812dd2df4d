"""Every call the shop makes to Stripe, each with its idempotency key (docs/payments.md).

The official library, pointed at STRIPE_API_BASE (Stripe's own, or localstripe in
development and tests). Nothing else in the shop imports `stripe`.
"""

from dataclasses import dataclass
from functools import lru_cache

import stripe

from app.services.payments.providers import BadSignature, Intent, ProviderError, ProviderEvent, Refund

# Stripe's webhook signature tolerance: an event signed longer ago than this is refused.
SIGNATURE_TOLERANCE_SECONDS = 300
NETWORK_TIMEOUT_SECONDS = 15


@lru_cache(maxsize=8)
def _client(secret_key: str, api_base: str) -> stripe.StripeClient:
    return stripe.StripeClient(
        secret_key,
        base_addresses={"api": api_base},
        max_network_retries=1,  # safe: every write carries an idempotency key
        http_client=stripe.RequestsClient(timeout=NETWORK_TIMEOUT_SECONDS),
    )


@dataclass(frozen=True)
class StripeProvider:
    secret_key: str
    api_base: str
    webhook_secret: str
    name: str = "stripe"

    @classmethod
    def from_config(cls, config) -> "StripeProvider":
        return cls(config["STRIPE_SECRET_KEY"], config["STRIPE_API_BASE"], config["STRIPE_WEBHOOK_SECRET"])

    @property
    def client(self) -> stripe.StripeClient:
        return _client(self.secret_key, self.api_base)

    def create_intent(self, *, order_number: str, amount: int, currency: str) -> Intent:
        """A PaymentIntent for the order; a repeat with the same key is the same intent at Stripe."""
        params = {
            "amount": amount,
            "currency": currency.lower(),
            "metadata": {"order_number": order_number},
            "payment_method_types": ["card"],
        }
        options = {"idempotency_key": f"order-{order_number}-payment"}
        return _call(lambda: self.client.v1.payment_intents.create(params=params, options=options))

    def retrieve_intent(self, intent_id: str) -> Intent:
        """The intent as Stripe has it now (reconciliation asks before it cancels)."""
        return _call(lambda: self.client.v1.payment_intents.retrieve(intent_id))

    def cancel_intent(self, intent_id: str, *, order_number: str) -> Intent:
        """Cancel the intent; Stripe refuses once it succeeded (or is processing)."""
        options = {"idempotency_key": f"order-{order_number}-cancel"}
        return _call(lambda: self.client.v1.payment_intents.cancel(intent_id, options=options))

    def refund(self, intent_id: str, *, order_number: str) -> Refund:
        """Refund the intent's whole amount."""
        options = {"idempotency_key": f"order-{order_number}-refund"}
        try:
            refund = self.client.v1.refunds.create(params={"payment_intent": intent_id}, options=options)
        except stripe.StripeError as error:
            raise _provider_error(error) from error
        if refund.status in ("failed", "canceled"):
            raise ProviderError(f"Stripe did not refund: refund {refund.id} is {refund.status}.")
        return Refund(id=refund.id, amount=refund.amount, status=refund.status)

    def verify_event(self, payload: bytes, signature: str | None) -> ProviderEvent:
        """The event, once its Stripe-Signature is checked (BadSignature otherwise)."""
        if not signature:
            raise BadSignature("No Stripe-Signature header.")
        try:
            event = stripe.Webhook.construct_event(
                payload, signature, self.webhook_secret, tolerance=SIGNATURE_TOLERANCE_SECONDS
            )
        except (stripe.SignatureVerificationError, ValueError) as error:
            raise BadSignature(str(error)) from None
        obj = event.data.object
        intent = _intent(obj) if getattr(obj, "object", None) == "payment_intent" else None
        return ProviderEvent(id=event.id, type=event.type, intent=intent)


def _call(request) -> Intent:
    try:
        return _intent(request())
    except stripe.StripeError as error:
        raise _provider_error(error) from error


def _intent(obj) -> Intent:
    data = obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)
    error = data.get("last_payment_error") or {}
    return Intent(
        id=data["id"],
        status=data["status"],
        amount=int(data["amount"]),
        currency=data["currency"],
        client_secret=data.get("client_secret"),
        failure_message=(error.get("message") or "") if isinstance(error, dict) else "",
        order_number=(data.get("metadata") or {}).get("order_number"),
    )


def _provider_error(error: stripe.StripeError) -> ProviderError:
    unreachable = isinstance(error, stripe.APIConnectionError)
    message = error.user_message or str(error) or type(error).__name__
    if unreachable:
        message = "Stripe could not be reached; please try again in a moment."
    return ProviderError(message, unreachable=unreachable)
