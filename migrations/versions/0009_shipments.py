"""Shipments: the carrier and tracking number an order was shipped with

Revision ID: 0009_shipments
Revises: 0008_cart_coupon
Create Date: 2026-12-03 18:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0009_shipments"
down_revision = "0008_cart_coupon"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("orders", sa.Column("carrier", sa.String(length=40), nullable=True))
    op.add_column("orders", sa.Column("tracking_number", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_column("tracking_number")
        batch_op.drop_column("carrier")
