"""Products and the record of admin stock adjustments."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import DDL, CheckConstraint, ForeignKey, Index, String, Text, event
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.categories import Category
from app.models.images import ProductImage
from app.models.types import Money, UTCDateTime, utcnow

# Full-text search on PostgreSQL (docs/behaviour.md#search): a stored tsvector, name weighted above
# description, kept up to date by a trigger (the same DDL as migration 0005). On SQLite the
# column exists but stays empty: search there is a plain word match.
SEARCH_VECTOR_FUNCTION = """
CREATE OR REPLACE FUNCTION products_search_vector_update() RETURNS trigger AS $$
BEGIN
  NEW.search_vector :=
    setweight(to_tsvector('english', coalesce(NEW.name, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(NEW.description, '')), 'B');
  RETURN NEW;
END
$$ LANGUAGE plpgsql
"""
SEARCH_VECTOR_TRIGGER = """
CREATE TRIGGER products_search_vector_update
BEFORE INSERT OR UPDATE OF name, description ON products
FOR EACH ROW EXECUTE FUNCTION products_search_vector_update()
"""


class Product(db.Model):
    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("stock >= 0", name="stock_non_negative"),
        CheckConstraint("price >= 0", name="price_non_negative"),
        # The catalog is listed by name: a page of it reads 12 index entries, not a sort.
        Index("ix_products_name_id", "name", "id"),
        # One index per sort of the catalog (docs/behaviour.md#search), and the category filter's.
        Index("ix_products_price_id", "price", "id"),
        Index("ix_products_created_at_id", "created_at", "id"),
        Index("ix_products_category_id", "category_id"),
        Index("ix_products_search_vector", "search_vector", postgresql_using="gin"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(220), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    price: Mapped[Decimal] = mapped_column(Money)
    stock: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # RESTRICT: a category that still has products cannot be deleted.
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id", ondelete="RESTRICT"))
    search_vector: Mapped[str | None] = mapped_column(
        TSVECTOR().with_variant(Text(), "sqlite"), deferred=True
    )

    category: Mapped[Category | None] = relationship()
    images: Mapped[list[ProductImage]] = relationship(
        order_by=(ProductImage.position, ProductImage.id), passive_deletes=True
    )

    @property
    def in_stock(self) -> bool:
        return self.is_active and self.stock > 0

    def __repr__(self) -> str:
        return f"<Product {self.sku}>"


for statement in (SEARCH_VECTOR_FUNCTION, SEARCH_VECTOR_TRIGGER):
    event.listen(Product.__table__, "after_create", DDL(statement).execute_if(dialect="postgresql"))


class StockAdjustment(db.Model):
    """A relative stock change made by an admin, with the reason given."""

    __tablename__ = "stock_adjustments"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    delta: Mapped[int]
    reason: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    product: Mapped[Product] = relationship()
