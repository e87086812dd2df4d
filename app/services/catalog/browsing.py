"""Reading the catalog: search, pages of products, one product."""

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, or_, select

from app.extensions import db
from app.models import Product
from app.services.errors import NotFound


def search_products(
    query: str = "", *, page: int = 1, per_page: int = 12, active_only: bool = True
) -> Pagination:
    """A page of products matching `query` in name, SKU or description, by name.

    The search term is a bound parameter, never SQL: `%` and `_` match literally.
    """
    statement = select(Product).order_by(Product.name, Product.id)
    if active_only:
        statement = statement.where(Product.is_active)
    term = (query or "").strip().lower()
    if term:
        pattern = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        statement = statement.where(
            or_(
                func.lower(Product.name).like(pattern, escape="\\"),
                func.lower(Product.sku).like(pattern, escape="\\"),
                func.lower(Product.description).like(pattern, escape="\\"),
            )
        )
    return db.paginate(statement, page=page, per_page=per_page, error_out=False, count=True)


def product_by_slug(slug: str) -> Product:
    """An active product by its slug; NotFound otherwise."""
    product = db.session.scalar(select(Product).where(Product.slug == slug, Product.is_active))
    if product is None:
        raise NotFound("No such product.")
    return product


def get_product(product_id: int, *, active_only: bool = True) -> Product:
    """A product by id; inactive ones are NotFound unless `active_only` is False."""
    product = db.session.get(Product, product_id)
    if product is None or (active_only and not product.is_active):
        raise NotFound("No such product.")
    return product
