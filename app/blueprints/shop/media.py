"""Showing the catalog's pictures and categories on every page, and serving local media files.

Template helpers: `image_url`, `image_srcset` (filters on a ProductImage), `placeholder_image_url`
and `top_categories()` (the navigation's top-level categories) for every page.
"""

import logging

from flask import Blueprint, abort, current_app, has_request_context, request, send_file, url_for
from sqlalchemy.exc import SQLAlchemyError

from app.services.catalog.categories import top_level_categories
from app.services.catalog.images import first_images
from app.services.media.storage import LocalStorage, media_storage

log = logging.getLogger(__name__)

# Rendition keys change with their content, so a URL always names the same bytes.
ONE_YEAR = 365 * 24 * 3600


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/media/<path:key>", "media", serve_media)
    bp.add_app_template_filter(image_url, "image_url")
    bp.add_app_template_filter(image_srcset, "image_srcset")
    bp.app_context_processor(lambda: {"top_categories": navigation_categories})
    bp.add_app_template_global(placeholder_image_url, "placeholder_image_url")
    bp.add_app_template_global(first_images, "first_images")
    bp.add_app_template_global(absolute_media_available, "absolute_media_available")


def navigation_categories() -> list[tuple[str, str]]:
    """The top-level categories for the navigation; none when the database fails, so that an
    error page (rendered because the database failed) still renders."""
    try:
        return top_level_categories()
    except SQLAlchemyError:
        log.warning("navigation categories unavailable", exc_info=True)
        return []


def serve_media(key: str):
    storage = media_storage()
    if not isinstance(storage, LocalStorage):
        abort(404)  # S3 objects are served by the bucket, at S3_PUBLIC_URL
    try:
        path = storage.path(key)
    except ValueError:
        abort(404)
    if not path.is_file() or path.name.startswith("."):
        abort(404)
    response = send_file(path, max_age=ONE_YEAR, conditional=True)
    response.cache_control.public = True
    response.cache_control.immutable = True
    return response


def image_url(image, width: int = 480, image_format: str = "jpeg", absolute: bool = False) -> str:
    """The URL of the rendition closest to `width` (at least it, if there is one) in that format."""
    renditions = [r for r in image.renditions or [] if r["format"] == image_format]
    if not renditions:
        return placeholder_image_url(absolute)
    wide_enough = [r for r in renditions if r["width"] >= width]
    chosen = (
        min(wide_enough, key=lambda r: r["width"])
        if wide_enough
        else max(renditions, key=lambda r: r["width"])
    )
    return _absolute(media_storage().url(chosen["key"]), absolute)


def image_srcset(image, image_format: str = "jpeg", absolute: bool = False) -> str:
    """`url 240w, url 480w, ...` of the image's renditions in that format."""
    renditions = sorted(
        (r for r in image.renditions or [] if r["format"] == image_format), key=lambda r: r["width"]
    )
    return ", ".join(
        f"{_absolute(media_storage().url(r['key']), absolute)} {r['width']}w" for r in renditions
    )


def placeholder_image_url(absolute: bool = False) -> str:
    return _absolute(url_for("static", filename="img/placeholder.svg"), absolute)


def absolute_media_available() -> bool:
    """Whether absolute picture URLs can be made here (an email is rendered outside any request)."""
    return bool(
        has_request_context()
        or current_app.config.get("PUBLIC_BASE_URL")
        or not isinstance(media_storage(), LocalStorage)
    )


def absolute_media_url(key: str) -> str:
    """The absolute URL of a stored object (for the API and emails)."""
    return _absolute(media_storage().url(key), True)


def _absolute(url: str, absolute: bool) -> str:
    """An absolute URL for emails: S3 URLs already are; a path gets the shop's base URL."""
    if not absolute or "://" in url:
        return url
    base = current_app.config.get("PUBLIC_BASE_URL") or (
        request.host_url if has_request_context() else "http://localhost/"
    )
    return base.rstrip("/") + url
