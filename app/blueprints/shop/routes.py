"""The catalog pages: product list with search, filters and sort; a category; one product; the
footer pages (docs/behaviour.md#pages, #categories, #search, #footer-pages)."""

from flask import Blueprint, abort, current_app, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.blueprints.cart.forms import AddToCartForm
from app.blueprints.input_rules import query_text
from app.blueprints.shop import media
from app.blueprints.shop.page_cache import (
    CSRF_TOKEN_SLOT,
    init_page_cache,
    page_cache,
    rendered_for_nobody,
    renders_afresh,
    with_csrf_token,
)
from app.blueprints.url_values import requested_page
from app.services import pages
from app.services.catalog import browsing, categories, search
from app.services.errors import NotFound

bp = Blueprint("shop", __name__)
bp.record_once(lambda state: init_page_cache(state.app))
media.register(bp)


@bp.get("/")
def index():
    response = make_response(with_csrf_token(_product_list_page()))
    # The page differs with the cookie sent (logged in or not), cached or not.
    response.vary.add("Cookie")
    return response


@bp.get("/c/<slug>")
def category(slug: str):
    response = make_response(with_csrf_token(_category_page(slug)))
    response.vary.add("Cookie")
    return response


@page_cache.cached(query_string=True, unless=renders_afresh, response_filter=rendered_for_nobody)
def _product_list_page() -> str:
    found, problems = search.read_product_filter(_screened_args())
    problems |= search.unknown_category_problem(found)
    if "category" in problems:
        found = search.ProductFilter(**{**vars(found), "category": None})
    return _list_page(found, problems, category=None)


@page_cache.cached(query_string=True, unless=renders_afresh, response_filter=rendered_for_nobody)
def _category_page(slug: str) -> str:
    try:
        shown = categories.category_by_slug(slug)
    except NotFound:
        abort(404)
    found, problems = search.read_product_filter(_screened_args())
    # The page's own category is the filter; a category in the query string is not asked here.
    problems.pop("category", None)
    found = search.ProductFilter(**{**vars(found), "category": shown.slug})
    return _list_page(found, problems, category=shown)


def _screened_args() -> dict[str, str]:
    """The query string, its search term read by the pages' one rule for text (input_rules)."""
    return {**request.args.to_dict(), "q": query_text("q", _("search"))}


def _list_page(found: search.ProductFilter, problems: dict[str, list[str]], category) -> str:
    products = search.find_products(
        found, page=requested_page(), per_page=current_app.config["PRODUCTS_PER_PAGE"]
    )
    link_args = found.query_args()
    if category is not None:
        link_args.pop("category", None)
    return render_template(
        "shop/index.html",
        products=products,
        filter=found,
        problems=problems,
        category=category,
        crumbs=categories.breadcrumbs(category) if category is not None else [],
        link_args=link_args,
        sorts=search.SORTS,
        all_categories=categories.flattened(categories.category_tree()) if category is None else [],
        query=found.q,
        csrf_token_slot=CSRF_TOKEN_SLOT,
    )


@bp.get("/products/<slug>")
def product(slug: str):
    try:
        found = browsing.product_by_slug(slug)
    except NotFound:
        abort(404)
    form = AddToCartForm(product_id=found.id)
    crumbs = categories.breadcrumbs(found.category) if found.category is not None else []
    return render_template("shop/product.html", product=found, form=form, crumbs=crumbs)


@bp.get("/pages/<page_slug>")
def page(page_slug: str):
    try:
        shown = pages.page_by_slug(page_slug)
    except NotFound:
        abort(404)
    return render_template("shop/page.html", page=shown, paragraphs=pages.paragraphs(shown.body))


@bp.get("/favicon.ico")
def favicon():
    # Browsers ask for /favicon.ico whatever the page links; the icon is an SVG.
    return redirect(url_for("static", filename="favicon.svg"), code=301)
