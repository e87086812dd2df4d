"""The catalog pages: product list with search, and one product (docs/behaviour.md#pages)."""

from flask import Blueprint, abort, current_app, make_response, redirect, render_template, url_for

from app.blueprints.cart.forms import AddToCartForm
from app.blueprints.input_rules import query_text
from app.blueprints.shop.page_cache import (
    init_page_cache,
    page_cache,
    rendered_for_nobody,
    renders_afresh,
)
from app.blueprints.url_values import requested_page
from app.services.catalog import browsing
from app.services.errors import NotFound

bp = Blueprint("shop", __name__)
bp.record_once(lambda state: init_page_cache(state.app))


@bp.get("/")
def index():
    response = make_response(_product_list_page())
    # The page differs with the cookie sent (logged in or not), cached or not.
    response.vary.add("Cookie")
    return response


@page_cache.cached(query_string=True, unless=renders_afresh, response_filter=rendered_for_nobody)
def _product_list_page() -> str:
    query = query_text("q", "search")
    page = requested_page()
    products = browsing.search_products(query, page=page, per_page=current_app.config["PRODUCTS_PER_PAGE"])
    return render_template("shop/index.html", products=products, query=query)


@bp.get("/products/<slug>")
def product(slug: str):
    try:
        found = browsing.product_by_slug(slug)
    except NotFound:
        abort(404)
    form = AddToCartForm(product_id=found.id)
    return render_template("shop/product.html", product=found, form=form)


@bp.get("/favicon.ico")
def favicon():
    # Browsers ask for /favicon.ico whatever the page links; the icon is an SVG.
    return redirect(url_for("static", filename="favicon.svg"), code=301)
