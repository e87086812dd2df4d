"""The customers pages: accounts (or guests' emails) found by email or name, with their order
count and paid total, and one account's orders and addresses."""

from flask import current_app, render_template, request

from app.blueprints.admin import bp
from app.blueprints.input_rules import query_text
from app.blueprints.url_values import ID, requested_page
from app.services.accounts import customers

ACCOUNTS, GUESTS = "accounts", "guests"


@bp.get("/admin/customers", strict_slashes=False)
def customers_page():
    """`?q=` searches; `?kind=guests` lists guests' emails instead of accounts (any other kind
    is read as accounts)."""
    term = query_text("q", "search")
    kind = GUESTS if request.args.get("kind") == GUESTS else ACCOUNTS
    search = customers.search_guests if kind == GUESTS else customers.search_accounts
    page = search(term, page=requested_page(), per_page=current_app.config["ORDERS_PER_PAGE"])
    page_args = {"q": term, "kind": kind if kind == GUESTS else ""}  # for the page links
    return render_template(
        "admin/customers.html",
        page=page,
        query=term,
        kind=kind,
        page_args={name: value for name, value in page_args.items() if value},
    )


@bp.get(f"/admin/customers/<{ID}:user_id>")
def customer(user_id: int):
    return render_template("admin/customer.html", detail=customers.customer_detail(user_id))
