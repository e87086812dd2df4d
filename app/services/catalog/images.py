"""Product images: checking and storing an upload, its renditions, order and deletion
(docs/behaviour.md#pictures).

An upload is trusted only once Pillow has decoded every pixel of it: its name and declared
type are never looked at. Its header is read first, so a decompression bomb (a small file
declaring a huge picture) is refused before any pixel is decoded. The stored original has
its EXIF orientation applied and carries no metadata at all (no GPS position, camera or
comment). Renditions are made afterwards by a background task (make_renditions).
"""

import hashlib
import io
import logging
from datetime import timedelta

from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import func, or_, select, update

from app.extensions import db
from app.models import Product, ProductImage
from app.models.images import MAX_ALT_TEXT, RENDITIONS_FAILED, RENDITIONS_PENDING, RENDITIONS_READY
from app.models.types import utcnow
from app.services.catalog.events import image_uploaded
from app.services.errors import NotFound, ValidationFailed
from app.services.media.storage import media_storage

log = logging.getLogger(__name__)

MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
ACCEPTED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
RENDITION_WIDTHS = (240, 480, 960, 1600)
RENDITION_FORMATS = {
    "webp": ("WEBP", "image/webp", {"quality": 80, "method": 2}),
    "jpeg": ("JPEG", "image/jpeg", {"quality": 85, "progressive": True, "optimize": True}),
}
# A rendition task that neither finished nor failed in this time lost its worker.
CLAIM_LEASE = timedelta(minutes=5)
# The periodic relay leaves fresh uploads to the after-commit dispatch.
RELAY_GRACE = timedelta(seconds=30)
MAX_ATTEMPTS = 5

# Pillow's own bomb guard stays on, above our limit: ours answers with a clear message first.
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS * 2


def add_image(product_id: int, upload: io.BufferedIOBase | bytes, alt_text: str) -> ProductImage:
    """Check, clean and store an uploaded picture as the product's last image; commits, then
    has its renditions made. Raises ValidationFailed (nothing stored) or NotFound."""
    alt_text = (alt_text or "").strip()
    if not alt_text:
        _refuse("alt_text", "Describe the picture in the alt text (for shoppers who cannot see it).")
    if len(alt_text) > MAX_ALT_TEXT:
        _refuse("alt_text", f"Keep the alt text under {MAX_ALT_TEXT} characters.")
    if db.session.get(Product, product_id) is None:
        raise NotFound("No such product.")
    data = _read_at_most(upload, MAX_IMAGE_BYTES)
    picture = _decoded(data)
    stored, extension, content_type = _encoded_original(picture)
    key = f"products/{product_id}/{hashlib.sha256(stored).hexdigest()[:20]}.{extension}"

    storage = media_storage()
    storage.save(key, stored, content_type)
    try:
        last = db.session.scalar(
            select(func.max(ProductImage.position)).where(ProductImage.product_id == product_id)
        )
        image = ProductImage(
            product_id=product_id,
            position=0 if last is None else last + 1,
            alt_text=alt_text,
            original_key=key,
            width=picture.width,
            height=picture.height,
            renditions=[],
        )
        db.session.add(image)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        _forget([key])
        raise
    image_uploaded.send(current_app._get_current_object(), image_ids=[image.id])
    return image


def delete_image(product_id: int, image_id: int) -> None:
    """Remove one of the product's images and its files; commits."""
    image = _image_of(product_id, image_id)
    keys = [image.original_key] + [rendition["key"] for rendition in image.renditions or []]
    db.session.delete(image)
    db.session.commit()
    _forget(keys)


def move_image(product_id: int, image_id: int, offset: int) -> None:
    """Move an image `offset` places earlier (negative) or later among the product's; commits."""
    image = _image_of(product_id, image_id)
    ordered = list(
        db.session.scalars(
            select(ProductImage)
            .where(ProductImage.product_id == product_id)
            .order_by(ProductImage.position, ProductImage.id)
            .with_for_update()
        )
    )
    index = ordered.index(image)
    target = max(0, min(len(ordered) - 1, index + offset))
    ordered.insert(target, ordered.pop(index))
    for position, each in enumerate(ordered):
        each.position = position
    db.session.commit()


def first_images(product_ids) -> dict[int, ProductImage]:
    """The first image of each of these products that has one, by product id (for cart and order lines)."""
    ids = {product_id for product_id in product_ids if product_id is not None}
    if not ids:
        return {}
    found: dict[int, ProductImage] = {}
    rows = db.session.scalars(
        select(ProductImage)
        .where(ProductImage.product_id.in_(ids))
        .order_by(ProductImage.product_id, ProductImage.position, ProductImage.id)
    )
    for image in rows:
        found.setdefault(image.product_id, image)
    return found


def make_renditions(image_id: int) -> bool:
    """Make the image's fixed renditions (widths x WebP and JPEG) and mark it ready. Safe to run
    twice: a claim lets one run do it. Returns whether this run made them."""
    if not _claim(image_id):
        return False
    image = db.session.get(ProductImage, image_id)
    try:
        renditions = _render_all(image)
    except Exception as exc:
        db.session.rollback()
        log.warning("renditions of image %s failed: %s", image_id, exc)
        db.session.execute(
            update(ProductImage).where(ProductImage.id == image_id).values(status=RENDITIONS_FAILED)
        )
        db.session.commit()
        raise
    image.renditions = renditions
    image.status = RENDITIONS_READY
    db.session.commit()
    return True


def relay_pending_renditions(limit: int = 200) -> int:
    """Queue every image still without renditions (a broker outage, a worker that died); for beat."""
    now = utcnow()
    owed = db.session.scalars(
        select(ProductImage.id)
        .where(
            ProductImage.attempts < MAX_ATTEMPTS,
            or_(
                (ProductImage.status == RENDITIONS_PENDING)
                & (ProductImage.created_at < now - RELAY_GRACE)
                & (or_(ProductImage.claimed_at.is_(None), ProductImage.claimed_at < now - CLAIM_LEASE)),
                (ProductImage.status == RENDITIONS_FAILED) & (ProductImage.claimed_at < now - CLAIM_LEASE),
            ),
        )
        .order_by(ProductImage.id)
        .limit(limit)
    ).all()
    db.session.rollback()
    if owed:
        image_uploaded.send(current_app._get_current_object(), image_ids=list(owed))
    return len(owed)


def _claim(image_id: int) -> bool:
    now = utcnow()
    claimed = db.session.execute(
        update(ProductImage)
        .where(
            ProductImage.id == image_id,
            ProductImage.status != RENDITIONS_READY,
            or_(ProductImage.claimed_at.is_(None), ProductImage.claimed_at < now - CLAIM_LEASE),
        )
        .values(claimed_at=now, attempts=ProductImage.attempts + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return bool(claimed)


def _render_all(image: ProductImage) -> list[dict]:
    storage = media_storage()
    with Image.open(io.BytesIO(storage.read(image.original_key))) as original:
        original.load()
        widths = [width for width in RENDITION_WIDTHS if width < original.width] or [original.width]
        if original.width not in widths and original.width < RENDITION_WIDTHS[-1]:
            widths.append(original.width)  # the full size, for wide screens
        stem = image.original_key.rsplit(".", 1)[0]
        renditions = []
        for width in widths:
            height = max(1, round(original.height * width / original.width))
            resized = original.resize((width, height), Image.Resampling.LANCZOS)
            for extension, (pillow_format, content_type, options) in RENDITION_FORMATS.items():
                picture = _flattened(resized) if pillow_format == "JPEG" else resized
                out = io.BytesIO()
                picture.save(out, pillow_format, **options)
                key = f"{stem}-{width}w.{'jpg' if extension == 'jpeg' else extension}"
                storage.save(key, out.getvalue(), content_type)
                renditions.append({"width": width, "height": height, "format": extension, "key": key})
    return renditions


def _read_at_most(upload, limit: int) -> bytes:
    data = upload if isinstance(upload, bytes) else upload.read(limit + 1)
    if len(data) > limit:
        _refuse("image", f"The file is over {limit // (1024 * 1024)} MB.")
    if not data:
        _refuse("image", "Choose a picture to upload.")
    return data


def _decoded(data: bytes) -> Image.Image:
    """The picture, every pixel decoded, upright; refused unless it is a whole JPEG, PNG or WebP."""
    try:
        picture = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError:
        _too_many_pixels()
    except (UnidentifiedImageError, OSError, ValueError):
        _refuse("image", "This file is not a picture we can read: upload a JPEG, PNG or WebP image.")
    if picture.format not in ACCEPTED_FORMATS:
        _refuse("image", f"{picture.format} pictures are not accepted: upload a JPEG, PNG or WebP image.")
    width, height = picture.size
    if width * height > MAX_IMAGE_PIXELS:
        _too_many_pixels(width, height)
    try:
        picture.load()  # every pixel: a truncated or corrupt file fails here
        upright = ImageOps.exif_transpose(picture)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        _refuse("image", "This picture is damaged or incomplete; it could not be read to the end.")
    return upright


def _encoded_original(picture: Image.Image) -> tuple[bytes, str, str]:
    """The picture re-encoded from its pixels alone (no EXIF, ICC, XMP or comment survives):
    PNG if it has transparency, else JPEG."""
    transparent_palette = picture.mode == "P" and "transparency" in picture.info
    has_alpha = picture.mode in ("RGBA", "LA", "PA") or transparent_palette
    mode = "RGBA" if has_alpha else "RGB"
    pixels = picture.convert(mode)
    clean = Image.new(mode, pixels.size)
    clean.paste(pixels)
    out = io.BytesIO()
    if has_alpha:
        clean.save(out, "PNG", optimize=True)
        return out.getvalue(), "png", "image/png"
    clean.save(out, "JPEG", quality=92)
    return out.getvalue(), "jpg", "image/jpeg"


def _flattened(picture: Image.Image) -> Image.Image:
    if picture.mode == "RGB":
        return picture
    background = Image.new("RGB", picture.size, "white")
    background.paste(picture, mask=picture.getchannel("A") if "A" in picture.mode else None)
    return background


def _image_of(product_id: int, image_id: int) -> ProductImage:
    image = db.session.get(ProductImage, image_id)
    if image is None or image.product_id != product_id:
        raise NotFound("No such image.")
    return image


def _forget(keys: list[str]) -> None:
    storage = media_storage()
    for key in keys:
        try:
            storage.delete(key)
        except Exception:  # a file left behind costs disk space, never a wrong picture
            log.warning("could not delete media %s", key, exc_info=True)


def _too_many_pixels(width: int | None = None, height: int | None = None):
    size = f" ({width:,} x {height:,})" if width else ""
    _refuse("image", f"The picture is too large{size}: at most {MAX_IMAGE_PIXELS // 1_000_000} megapixels.")


def _refuse(field: str, message: str):
    raise ValidationFailed({field: [message]}, message)
