"""Addresses by country: a region (state, province, prefecture) on addresses and on
each order's copy of its shipping address; "" for the rows written before it.

Revision ID: 0007_address_region
Revises: 0006
Create Date: 2026-12-03 18:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0007_address_region"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    region = sa.Column("region", sa.String(length=100), server_default=sa.text("''"), nullable=False)
    op.add_column("addresses", region)
    op.add_column(
        "orders", sa.Column("ship_region", sa.String(100), server_default=sa.text("''"), nullable=False)
    )


def downgrade():
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_column("ship_region")
    with op.batch_alter_table("addresses", schema=None) as batch_op:
        batch_op.drop_column("region")
