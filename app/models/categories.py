"""The category tree: each category has a name, a unique slug and an optional parent."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, utcnow

MAX_CATEGORY_NAME = 100
MAX_CATEGORY_SLUG = 120


class Category(db.Model):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(MAX_CATEGORY_NAME))
    slug: Mapped[str] = mapped_column(String(MAX_CATEGORY_SLUG), unique=True)
    # RESTRICT: the database, like the admin page, refuses to delete a category with children.
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("categories.id", ondelete="RESTRICT"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped["Category | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Category"]] = relationship(
        back_populates="parent", order_by="Category.name", passive_deletes="all"
    )

    def __repr__(self) -> str:
        return f"<Category {self.slug}>"
