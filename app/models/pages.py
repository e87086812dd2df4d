"""The shop's footer pages (shipping, returns, privacy, contact): text the admin edits."""

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime, utcnow

MAX_PAGE_SLUG = 40
MAX_PAGE_TITLE = 120
MAX_PAGE_BODY = 10_000  # the longest text any page form takes (app/blueprints/input_rules.py)


class Page(db.Model):
    __tablename__ = "pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(MAX_PAGE_SLUG), unique=True)
    title: Mapped[str] = mapped_column(String(MAX_PAGE_TITLE))
    # Plain text: shown escaped, a blank line between paragraphs.
    body: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<Page {self.slug}>"
