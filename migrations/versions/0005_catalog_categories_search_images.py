"""Catalog: categories, ranked full-text search (PostgreSQL), product images, sort indexes

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 15:40:00

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from app.models.catalog import SEARCH_VECTOR_FUNCTION, SEARCH_VECTOR_TRIGGER
from app.models.types import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "categories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["categories.id"],
            name=op.f("fk_categories_parent_id_categories"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_categories")),
        sa.UniqueConstraint("slug", name=op.f("uq_categories_slug")),
    )
    op.create_index(op.f("ix_categories_parent_id"), "categories", ["parent_id"], unique=False)

    # Batch mode: SQLite cannot add a foreign key to an existing table in place (products
    # has no expression index that a copy of the table would lose).
    with op.batch_alter_table("products") as batch:
        batch.add_column(sa.Column("category_id", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("search_vector", postgresql.TSVECTOR().with_variant(sa.Text(), "sqlite"), nullable=True)
        )
        batch.create_foreign_key(
            op.f("fk_products_category_id_categories"),
            "categories",
            ["category_id"],
            ["id"],
            ondelete="RESTRICT",
        )
    op.create_index("ix_products_category_id", "products", ["category_id"], unique=False)
    op.create_index("ix_products_price_id", "products", ["price", "id"], unique=False)
    op.create_index("ix_products_created_at_id", "products", ["created_at", "id"], unique=False)
    op.create_index(
        "ix_products_search_vector", "products", ["search_vector"], unique=False, postgresql_using="gin"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(SEARCH_VECTOR_FUNCTION)
        op.execute(SEARCH_VECTOR_TRIGGER)
        op.execute(
            "UPDATE products SET search_vector ="
            " setweight(to_tsvector('english', coalesce(name, '')), 'A') ||"
            " setweight(to_tsvector('english', coalesce(description, '')), 'B')"
        )

    op.create_table(
        "product_images",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("alt_text", sa.String(length=300), nullable=False),
        sa.Column("original_key", sa.String(length=300), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("renditions", sa.JSON(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("claimed_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'ready', 'failed')", name=op.f("ck_product_images_status_known")
        ),
        sa.CheckConstraint("width > 0 AND height > 0", name=op.f("ck_product_images_size_positive")),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_product_images_product_id_products"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product_images")),
    )
    op.create_index(
        "ix_product_images_product_id_position", "product_images", ["product_id", "position", "id"]
    )
    op.create_index("ix_product_images_status_created_at", "product_images", ["status", "created_at"])


def downgrade():
    op.drop_index("ix_product_images_status_created_at", table_name="product_images")
    op.drop_index("ix_product_images_product_id_position", table_name="product_images")
    op.drop_table("product_images")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS products_search_vector_update ON products")
        op.execute("DROP FUNCTION IF EXISTS products_search_vector_update()")
    op.drop_index("ix_products_search_vector", table_name="products")
    op.drop_index("ix_products_created_at_id", table_name="products")
    op.drop_index("ix_products_price_id", table_name="products")
    op.drop_index("ix_products_category_id", table_name="products")
    with op.batch_alter_table("products") as batch:
        batch.drop_constraint(op.f("fk_products_category_id_categories"), type_="foreignkey")
        batch.drop_column("search_vector")
        batch.drop_column("category_id")
    op.drop_index(op.f("ix_categories_parent_id"), table_name="categories")
    op.drop_table("categories")
