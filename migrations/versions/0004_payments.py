"""Payments through a provider, and the provider's webhook events acted on (SPEC section 9)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 15:20:00

"""

import sqlalchemy as sa
from alembic import op

from app.models.types import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=20), nullable=False),
        sa.Column("intent_id", sa.String(length=255), nullable=True),
        sa.Column("client_secret", sa.String(length=255), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("failure_message", sa.Text(), nullable=False),
        sa.Column("refund_status", sa.String(length=10), nullable=True),
        sa.Column("refund_id", sa.String(length=255), nullable=True),
        sa.Column("refunded_amount", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("refund_error", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('requires_payment', 'processing', 'succeeded', 'failed', 'refunded', 'canceled')",
            name=op.f("ck_payments_status_known"),
        ),
        sa.CheckConstraint(
            "refund_status IS NULL OR refund_status IN ('owed', 'requested', 'refunded', 'failed')",
            name=op.f("ck_payments_refund_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_payments_order_id_orders"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
        sa.UniqueConstraint("intent_id", name=op.f("uq_payments_intent_id")),
        sa.UniqueConstraint("order_id", name=op.f("uq_payments_order_id")),
    )
    op.create_table(
        "payment_webhook_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=20), nullable=False),
        sa.Column("event_id", sa.String(length=255), nullable=False),
        sa.Column("event_type", sa.String(length=80), nullable=False),
        sa.Column("received_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_webhook_events")),
        sa.UniqueConstraint("event_id", name=op.f("uq_payment_webhook_events_event_id")),
    )


def downgrade():
    op.drop_table("payment_webhook_events")
    op.drop_table("payments")
