"""A product's images: the stored original and, once the background task made them, its renditions."""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime, utcnow

RENDITIONS_PENDING, RENDITIONS_READY, RENDITIONS_FAILED = "pending", "ready", "failed"
MAX_ALT_TEXT = 300


class ProductImage(db.Model):
    """One uploaded picture of a product.

    The row is its own outbox entry: written (status pending) in the transaction that stores
    the upload, relayed to the rendition task after the commit and again by the periodic
    relay while it is still pending, so a broker outage leaves no image without renditions.
    """

    __tablename__ = "product_images"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'ready', 'failed')", name="status_known"),
        CheckConstraint("width > 0 AND height > 0", name="size_positive"),
        Index("ix_product_images_product_id_position", "product_id", "position", "id"),
        Index("ix_product_images_status_created_at", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    alt_text: Mapped[str] = mapped_column(String(MAX_ALT_TEXT))
    # Storage key of the cleaned original (orientation applied, metadata stripped); its name
    # carries a hash of its content, so a URL never serves two different pictures.
    original_key: Mapped[str] = mapped_column(String(300))
    width: Mapped[int]
    height: Mapped[int]
    status: Mapped[str] = mapped_column(String(10), default=RENDITIONS_PENDING)
    # [{"width", "height", "format", "key"}], filled in by the rendition task.
    renditions: Mapped[list] = mapped_column(JSON, default=list)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<ProductImage {self.id} of product {self.product_id}>"
