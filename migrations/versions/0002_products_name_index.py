"""Index products by (name, id), the order the catalog is listed in

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 17:45:00

"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_products_name_id", "products", ["name", "id"], unique=False)


def downgrade():
    op.drop_index("ix_products_name_id", table_name="products")
