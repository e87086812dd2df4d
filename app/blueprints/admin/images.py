"""Admin product images: upload (with alt text), delete and reorder, on the product's admin page."""

from flask import flash, redirect, render_template, request, url_for

from app.blueprints.admin import bp
from app.blueprints.input_rules import text_problem
from app.blueprints.url_values import ID
from app.models.images import MAX_ALT_TEXT
from app.services.catalog import browsing, images
from app.services.errors import NotFound, ValidationFailed

# The upload's own limit (the service refuses a file over MAX_IMAGE_BYTES with a message);
# room is left for the form's other fields. Every other request keeps MAX_CONTENT_LENGTH.
UPLOAD_BODY_LIMIT = images.MAX_IMAGE_BYTES + 256 * 1024


@bp.url_value_preprocessor
def allow_large_uploads(endpoint, _values) -> None:
    # Runs before the CSRF check reads the form, which is when the body limit applies.
    if endpoint == "admin.upload_image":
        request.max_content_length = UPLOAD_BODY_LIMIT


@bp.post(f"/admin/products/<{ID}:product_id>/images")
def upload_image(product_id: int):
    upload = request.files.get("image")
    alt_text = request.form.get("alt_text", "")
    problem = text_problem(alt_text, MAX_ALT_TEXT)
    if problem:  # the pages' one rule for text (input_rules), before the service reads it
        flash(f"The picture was not added: alt text: {problem}", "error")
        return _back(product_id)
    try:
        images.add_image(product_id, upload.stream if upload else b"", alt_text)
    except ValidationFailed as refused:
        flash(f"The picture was not added: {refused.message}", "error")
    else:
        flash("Picture added. Its smaller sizes are being made; a placeholder shows until then.", "success")
    return _back(product_id)


@bp.get(f"/admin/products/<{ID}:product_id>/images/<{ID}:image_id>/confirm-delete")
def confirm_delete_image(product_id: int, image_id: int):
    """The step before a delete: the picture, and a button posting to the same address."""
    product = browsing.get_product(product_id, active_only=False)
    image = next((image for image in product.images if image.id == image_id), None)
    if image is None:
        raise NotFound("No such image.")
    return render_template(
        "admin/confirm_delete_image.html",
        active="products",
        product=product,
        image=image,
        heading=f"Delete this picture of {product.name}?",
        action=url_for("admin.delete_image", product_id=product.id, image_id=image.id),
        fields=[],
        button="Delete the picture",
        back=url_for("admin.edit_product", product_id=product.id),
        back_label="Keep it",
    )


@bp.post(f"/admin/products/<{ID}:product_id>/images/<{ID}:image_id>/delete")
def delete_image(product_id: int, image_id: int):
    images.delete_image(product_id, image_id)
    flash("Picture deleted.", "success")
    return _back(product_id)


@bp.post(f"/admin/products/<{ID}:product_id>/images/<{ID}:image_id>/move")
def move_image(product_id: int, image_id: int):
    offset = -1 if request.form.get("direction") == "up" else 1
    images.move_image(product_id, image_id, offset)
    flash("Pictures reordered.", "success")
    return _back(product_id)


def _back(product_id: int):
    return redirect(url_for("admin.edit_product", product_id=product_id, _anchor="images-heading"), code=303)
