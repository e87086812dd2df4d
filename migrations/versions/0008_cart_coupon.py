"""The coupon applied at checkout, remembered on the cart until removed.

Chained after 0007_address_region on this branch (both follow 0006).

Revision ID: 0008_cart_coupon
Revises: 0007_address_region
Create Date: 2026-12-03 18:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0008_cart_coupon"
down_revision = "0007_address_region"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("carts", sa.Column("coupon_code", sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table("carts", schema=None) as batch_op:
        batch_op.drop_column("coupon_code")
