"""Footer pages the admin edits: shipping, returns, privacy, contact, with a first text each

Revision ID: 0010_pages
Revises: 0009_shipments
Create Date: 2026-12-03 18:30:00

"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import app.models.types

revision = "0010_pages"
down_revision = "0009_shipments"
branch_labels = None
depends_on = None

DEFAULT_PAGES = [
    (
        "shipping",
        "Shipping",
        "We ship every order within two working days of payment.\n\n"
        "Shipping costs a flat rate per order and is free above the amount shown at checkout. "
        "You receive an email with the tracking number as soon as your parcel leaves us.",
    ),
    (
        "returns",
        "Returns",
        "Not happy with something? Send it back unused within 30 days of delivery and we refund "
        "the price of the item.\n\n"
        "Please write to us with your order number first, and we tell you where to send it.",
    ),
    (
        "privacy",
        "Privacy",
        "We keep only what we need to deliver your order: your name, email and addresses, and "
        "what you ordered.\n\n"
        "We never sell your data. Payments are handled by our payment provider; we never see "
        "your card number. Ask us at any time to see or delete what we hold about you.",
    ),
    (
        "contact",
        "Contact",
        "Questions about an order, a product or a return? Write to us and we answer within one "
        "working day.\n\n"
        "Please give your order number if your question is about an order.",
    ),
]


def upgrade():
    pages = op.create_table(
        "pages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pages")),
        sa.UniqueConstraint("slug", name=op.f("uq_pages_slug")),
    )
    now = datetime.now(UTC)
    op.bulk_insert(
        pages,
        [
            {"slug": slug, "title": title, "body": body, "updated_at": now}
            for slug, title, body in DEFAULT_PAGES
        ],
    )


def downgrade():
    op.drop_table("pages")
