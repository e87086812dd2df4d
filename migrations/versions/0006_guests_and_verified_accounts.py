"""Visitors, guests and accounts (SPEC section 10): visitor carts, guest orders and their
access keys, guests' idempotency keys, verified emails and names, emails not about an order

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 15:40:00

"""

import sqlalchemy as sa
from alembic import op

import app.models.types

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


# Columns on users are added in place (no batch copy, which would lose the expression
# index on lower(email)); the others change nullability, which SQLite does by batch copy.


def upgrade():
    op.add_column("users", sa.Column("name", sa.String(length=120), server_default=sa.text("''"), nullable=False))
    op.add_column("users", sa.Column("email_verified_at", app.models.types.UTCDateTime(timezone=True)))

    with op.batch_alter_table("carts", schema=None) as batch_op:
        batch_op.alter_column("user_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("visitor_token_hash", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_carts_visitor_token_hash"), ["visitor_token_hash"])
        batch_op.create_index(batch_op.f("ix_carts_updated_at"), ["updated_at"], unique=False)
        batch_op.create_check_constraint(
            "one_owner", sa.text("(user_id IS NULL) <> (visitor_token_hash IS NULL)")
        )

    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.alter_column("user_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("email", sa.String(length=254), nullable=True))
        batch_op.create_index(batch_op.f("ix_orders_email"), ["email"], unique=False)

    op.create_table(
        "order_access_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_order_access_keys_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_access_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_order_access_keys_key_hash")),
    )
    op.create_index(op.f("ix_order_access_keys_order_id"), "order_access_keys", ["order_id"], unique=False)

    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.alter_column("user_id", existing_type=sa.Integer(), nullable=True)
    op.create_index(
        "uq_idempotency_keys_guest_key",
        "idempotency_keys",
        ["key"],
        unique=True,
        sqlite_where=sa.text("user_id IS NULL"),
        postgresql_where=sa.text("user_id IS NULL"),
    )

    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.alter_column("order_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("user_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("recipient", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("payload", sa.JSON(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_messages_user_id_users"), "users", ["user_id"], ["id"], ondelete="CASCADE"
        )
        batch_op.create_index(batch_op.f("ix_outbox_messages_user_id"), ["user_id"], unique=False)


def downgrade():
    # Rows that only the new shape can hold go first: emails not about an order, guests'
    # orders and keys, visitors' carts.
    op.execute("DELETE FROM outbox_messages WHERE order_id IS NULL")
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_messages_user_id"))
        batch_op.drop_constraint(batch_op.f("fk_outbox_messages_user_id_users"), type_="foreignkey")
        batch_op.drop_column("payload")
        batch_op.drop_column("recipient")
        batch_op.drop_column("user_id")
        batch_op.alter_column("order_id", existing_type=sa.Integer(), nullable=False)

    op.drop_index("uq_idempotency_keys_guest_key", table_name="idempotency_keys")
    op.execute("DELETE FROM idempotency_keys WHERE user_id IS NULL")
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.alter_column("user_id", existing_type=sa.Integer(), nullable=False)

    op.drop_index(op.f("ix_order_access_keys_order_id"), table_name="order_access_keys")
    op.drop_table("order_access_keys")

    op.execute("DELETE FROM orders WHERE user_id IS NULL")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_orders_email"))
        batch_op.drop_column("email")
        batch_op.alter_column("user_id", existing_type=sa.Integer(), nullable=False)

    op.execute("DELETE FROM carts WHERE user_id IS NULL")
    with op.batch_alter_table("carts", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_carts_one_owner"), type_="check")
        batch_op.drop_index(batch_op.f("ix_carts_updated_at"))
        batch_op.drop_constraint(batch_op.f("uq_carts_visitor_token_hash"), type_="unique")
        batch_op.drop_column("visitor_token_hash")
        batch_op.alter_column("user_id", existing_type=sa.Integer(), nullable=False)

    op.drop_column("users", "email_verified_at")
    op.drop_column("users", "name")
