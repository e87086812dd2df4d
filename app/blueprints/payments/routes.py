"""Card payments: the pay page and the provider's webhook (docs/payments.md)."""

import logging

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.exceptions import NotFound as HTTPNotFound

from app.blueprints.auth.redirects import send_to_login
from app.extensions import csrf
from app.models.orders import PENDING
from app.security import widen_policy_for_this_page
from app.services.errors import NotFound
from app.services.ordering import lookups
from app.services.payments import intents, webhooks
from app.services.payments.providers import BadSignature

log = logging.getLogger(__name__)

bp = Blueprint("payments", __name__)


@bp.get("/orders/<number>/pay")
def pay(number: str):
    """The amount, a card form (Stripe Elements) and a Pay button; the intent is made if still owed.

    A guest's order is paid through its private link (`key`), as it is seen.
    """
    key = request.args.get("key")
    if key is None and not current_user.is_authenticated:
        return send_to_login(url_for("payments.pay", number=number))
    user_id = current_user.id if current_user.is_authenticated else None
    order = lookups.order_by_link_or_owner(number, user_id, key)
    payment = intents.payment_for_owner(order)
    if payment is None or order.status != PENDING:
        return redirect(url_for("checkout.order_detail", number=number, key=key), code=303)
    config = current_app.config
    widen_policy_for_this_page(
        script_src=[config["STRIPE_JS_URL"]],
        frame_src=[config["STRIPE_JS_URL"]],
        connect_src=[config["STRIPE_JS_URL"], config["STRIPE_API_BASE"]],
    )
    payable = intents.is_payable(order, payment)
    return render_template(
        "payments/pay.html",
        order=order,
        payment=payment,
        payable=payable,
        stripe_js_url=config["STRIPE_JS_URL"],
        publishable_key=config["STRIPE_PUBLISHABLE_KEY"],
        key=key,
    ), (200 if payable else 503)


@bp.post("/payments/stripe/webhook")
@csrf.exempt
def stripe_webhook():
    """Stripe's events: 400 for a bad signature (nothing done), else 200, once per event id."""
    if not current_app.config.get("STRIPE_WEBHOOK_SECRET"):  # manual: no delivery can be signed
        log.warning("refused a Stripe webhook: STRIPE_WEBHOOK_SECRET is not set")
        return {"error": "bad signature"}, 400
    try:
        outcome = webhooks.handle("stripe", request.get_data(), request.headers.get("Stripe-Signature"))
    except BadSignature as error:
        log.warning("refused a Stripe webhook: %s", error)
        return {"error": "bad signature"}, 400
    return {"received": True, "outcome": outcome}, 200


@bp.errorhandler(NotFound)
def order_not_found(error: NotFound):
    return render_template("errors/404.html", error=HTTPNotFound()), 404
