"""Taking the money (docs/payments.md).

providers.py is the small interface every provider module meets (manual.py, stripe.py);
intents.py opens a payment after an order commits; settlement.py is what a payment's
outcome does to the order; cancelling.py, expiry.py and webhooks.py are the three ways
in. No function here calls a provider while holding a database transaction.
"""
