"""A picture for each demo product, drawn with Pillow when the demo data is seeded (no download)."""

import hashlib
import io

from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import select

from app.extensions import db
from app.models import Product, ProductImage
from app.services.catalog.images import add_image

SIZE = (720, 540)


def add_demo_pictures(skus: list[str]) -> int:
    """Give each of these products that has no picture a drawn one; returns how many were added."""
    pictured = select(ProductImage.product_id)
    products = db.session.scalars(
        select(Product).where(Product.sku.in_(skus), Product.id.not_in(pictured)).order_by(Product.id)
    ).all()
    for product in products:
        add_image(product.id, drawn_picture(product.name), f"Illustration of {product.name}")
    return len(products)


def drawn_picture(name: str) -> bytes:
    """A JPEG: a soft colour from the name, a few shapes, and the name's initials."""
    digest = hashlib.sha256(name.encode()).digest()
    hue = digest[0] / 255
    background = _colour(hue, 0.35, 0.92)
    accent = _colour((hue + 0.5) % 1, 0.55, 0.65)
    picture = Image.new("RGB", SIZE, background)
    draw = ImageDraw.Draw(picture)
    width, height = SIZE
    for index in range(4):
        x = digest[1 + index] / 255 * width
        y = digest[5 + index] / 255 * height
        radius = 60 + digest[9 + index] % 120
        draw.ellipse(
            (x - radius, y - radius, x + radius, y + radius), fill=_colour(hue, 0.25, 0.8 - index * 0.05)
        )
    draw.rounded_rectangle((width * 0.3, height * 0.3, width * 0.7, height * 0.7), radius=40, fill=accent)
    initials = "".join(word[0] for word in name.split()[:2] if word[0].isalnum()).upper() or "?"
    font = ImageFont.load_default(size=140)
    draw.text((width / 2, height / 2), initials, fill="white", font=font, anchor="mm")
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=88)
    return out.getvalue()


def _colour(hue: float, saturation: float, value: float) -> tuple[int, int, int]:
    import colorsys

    red, green, blue = colorsys.hsv_to_rgb(hue, saturation, value)
    return round(red * 255), round(green * 255), round(blue * 255)
