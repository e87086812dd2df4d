"""The footer pages (shipping, returns, privacy, contact): read by shoppers, edited by the admin
(docs/behaviour.md#footer-pages)."""

from sqlalchemy import select

from app.extensions import db
from app.models.pages import MAX_PAGE_BODY, MAX_PAGE_TITLE, Page
from app.services.errors import NotFound, ValidationFailed

# The pages the footer links to, in its order; the migration 0010_pages makes one row of each.
FOOTER_SLUGS = ("shipping", "returns", "privacy", "contact")


def page_by_slug(slug: str) -> Page:
    """The page with this slug; NotFound otherwise."""
    page = db.session.scalar(select(Page).where(Page.slug == slug))
    if page is None:
        raise NotFound("No such page.")
    return page


def list_pages() -> list[Page]:
    """Every page, by slug."""
    return list(db.session.scalars(select(Page).order_by(Page.slug)))


def paragraphs(body: str) -> list[str]:
    """The body's paragraphs: text between blank lines, without the blank lines."""
    blocks = body.replace("\r\n", "\n").split("\n\n")
    return [block.strip("\n") for block in blocks if block.strip()]


def update_page(slug: str, title: str, body: str) -> Page:
    """Give the page a new title and body. Raises ValidationFailed naming each bad field, having
    changed nothing; commits."""
    page = page_by_slug(slug)
    title, body = title.strip(), body.strip()
    problems = {}
    if not title:
        problems["title"] = ["Please give the page a title."]
    elif len(title) > MAX_PAGE_TITLE:
        problems["title"] = [f"Please shorten the title to at most {MAX_PAGE_TITLE} characters."]
    if len(body) > MAX_PAGE_BODY:
        problems["body"] = [f"Please shorten the text to at most {MAX_PAGE_BODY:,} characters."]
    if problems:
        raise ValidationFailed(problems)
    page.title, page.body = title, body
    db.session.commit()
    return page
