"""Users' session version: logging out makes copies of old session cookies useless

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 23:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


# Plain ALTER TABLE, not batch mode: SQLite adds and (since 3.35) drops a column in
# place, whereas a batch copy of the table would lose the expression index on lower(email).


def upgrade():
    op.add_column("users", sa.Column("session_version", sa.Integer(), server_default="1", nullable=False))


def downgrade():
    op.drop_column("users", "session_version")
