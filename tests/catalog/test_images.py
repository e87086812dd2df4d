"""Product pictures (docs/behaviour.md#pictures): upload checks, cleaning, renditions, order."""

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from app.extensions import db
from app.models import ProductImage
from app.models.types import utcnow
from app.services.catalog import images as image_service
from tests.catalog import images
from tests.factories import ProductFactory


@pytest.fixture
def product(app):
    return ProductFactory(name="Teapot", slug="teapot")


def upload(
    client, product, data: bytes, alt_text="A red teapot", filename="photo.jpg", content_type="image/jpeg"
):
    return client.post(
        f"/admin/products/{product.id}/images",
        data={"image": (io.BytesIO(data), filename, content_type), "alt_text": alt_text},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def stored_images(product) -> list[ProductImage]:
    db.session.expire_all()
    return list(db.session.scalars(select(ProductImage).where(ProductImage.product_id == product.id)))


def served(client, url: str):
    response = client.get(url.removeprefix("http://localhost"))
    assert response.status_code == 200, url
    return response


def test_an_uploaded_picture_is_stored_with_its_renditions(admin_client, product, media_files):
    page = upload(admin_client, product, images.jpeg(1200, 900)).get_data(as_text=True)

    assert "Picture added." in page
    (image,) = stored_images(product)
    assert (image.alt_text, image.width, image.height, image.status) == ("A red teapot", 1200, 900, "ready")
    widths = sorted({(r["width"], r["format"]) for r in image.renditions})
    assert widths == [
        (240, "jpeg"),
        (240, "webp"),
        (480, "jpeg"),
        (480, "webp"),
        (960, "jpeg"),
        (960, "webp"),
        (1200, "jpeg"),
        (1200, "webp"),
    ]
    assert len(media_files()) == 1 + len(image.renditions)


@pytest.mark.parametrize(
    ("data", "alt_text", "message"),
    [
        (b"just some text, not a picture\n" * 10, "A teapot", "This file is not a picture we can read"),
        (images.jpeg(400, 300)[:-400], "A teapot", "This picture is damaged or incomplete"),
        (images.decompression_bomb_png(), "A teapot", "The picture is too large"),
        (images.decompression_bomb_png(8000, 6000), "A teapot", "The picture is too large (8,000 x 6,000)"),
        (images.jpeg() + b"\0" * (10 * 1024 * 1024), "A teapot", "The file is over 10 MB."),
        (images.jpeg(), "   ", "Describe the picture in the alt text"),
    ],
    ids=["text-renamed-jpg", "truncated-jpeg", "bomb", "over-40-megapixels", "over-10-mb", "no-alt-text"],
)
def test_a_refused_upload_says_why_and_stores_nothing(
    admin_client, product, media_files, data, alt_text, message
):
    page = upload(admin_client, product, data, alt_text=alt_text).get_data(as_text=True)

    assert "The picture was not added: " + message in page
    assert stored_images(product) == []
    assert media_files() == []


def test_a_body_far_over_the_limit_is_refused_before_it_is_read(admin_client, product, media_files):
    response = upload(admin_client, product, b"\0" * (11 * 1024 * 1024))

    assert response.status_code == 413
    assert stored_images(product) == [] and media_files() == []


def test_gps_and_every_other_metadata_are_stripped(admin_client, client, product):
    assert images.opened(images.jpeg(exif=images.gps_exif())).getexif().get_ifd(0x8825)  # the photo has GPS

    upload(admin_client, product, images.jpeg(600, 400, exif=images.gps_exif()))

    body = client.get(f"/api/v1/products/{product.id}").get_json()
    urls = [body["images"][0]["url"]] + [r["url"] for r in body["images"][0]["renditions"]]
    for url in urls:
        picture = images.opened(served(client, url).data)
        assert dict(picture.getexif()) == {}, url
        assert (
            "exif" not in picture.info and "icc_profile" not in picture.info and "comment" not in picture.info
        )


def test_a_rotated_photo_is_served_upright(admin_client, client, product):
    # Stored sideways (wide) with "rotate 90 degrees" in its EXIF: upright it is tall.
    upload(admin_client, product, images.jpeg(640, 480, exif=images.rotated_exif()))

    body = client.get(f"/api/v1/products/{product.id}").get_json()
    image = body["images"][0]
    assert (image["width"], image["height"]) == (480, 640)
    assert images.opened(served(client, image["url"]).data).size == (480, 640)
    largest = max(image["renditions"], key=lambda r: r["width"])
    assert images.opened(served(client, largest["url"]).data).size == (largest["width"], largest["height"])
    assert largest["height"] > largest["width"]


def test_a_transparent_png_keeps_its_transparency(admin_client, client, product):
    upload(admin_client, product, images.png(), filename="logo.png", content_type="image/png")

    image = client.get(f"/api/v1/products/{product.id}").get_json()["images"][0]
    assert images.opened(served(client, image["url"]).data).mode == "RGBA"


def test_media_files_are_served_with_long_cache_headers(admin_client, client, product):
    upload(admin_client, product, images.jpeg(300, 300))
    image = client.get(f"/api/v1/products/{product.id}").get_json()["images"][0]

    response = served(client, image["renditions"][0]["url"])

    assert "max-age=31536000" in response.headers["Cache-Control"]
    assert "immutable" in response.headers["Cache-Control"]
    assert client.get("/media/../instance/storefront.db").status_code == 404


def test_the_product_json_lists_images_in_order_with_alt_text(admin_client, client, product):
    upload(admin_client, product, images.jpeg(color="red"), alt_text="Front")
    upload(admin_client, product, images.jpeg(color="blue"), alt_text="Back")

    body = client.get(f"/api/v1/products/{product.id}").get_json()

    assert [image["alt"] for image in body["images"]] == ["Front", "Back"]
    assert body["images"][0]["url"].startswith("http://localhost/media/products/")
    assert {"url", "width", "height", "format"} == set(body["images"][0]["renditions"][0])


def test_pictures_are_reordered_and_deleted(admin_client, client, product, media_files):
    for alt in ("One", "Two", "Three"):
        upload(
            admin_client,
            product,
            images.jpeg(color=alt == "Two" and "blue" or "red", width=50 + len(alt)),
            alt_text=alt,
        )
    one, two, three = sorted(stored_images(product), key=lambda image: image.position)

    admin_client.post(f"/admin/products/{product.id}/images/{three.id}/move", data={"direction": "up"})
    assert [image["alt"] for image in client.get(f"/api/v1/products/{product.id}").get_json()["images"]] == [
        "One",
        "Three",
        "Two",
    ]

    files_before = len(media_files())
    admin_client.post(f"/admin/products/{product.id}/images/{one.id}/delete")
    assert [image["alt"] for image in client.get(f"/api/v1/products/{product.id}").get_json()["images"]] == [
        "Three",
        "Two",
    ]
    assert len(media_files()) == files_before - 1 - len(one.renditions)


def test_the_shop_shows_the_gallery_with_srcset_and_lazy_loading_below_the_fold(
    admin_client, client, product
):
    upload(admin_client, product, images.jpeg(1000, 800), alt_text="Front view")
    upload(admin_client, product, images.jpeg(1000, 800, color="blue"), alt_text="Side view")
    admin_client.post("/auth/logout")

    page = client.get("/products/teapot").get_data(as_text=True)
    front, side = page.split('alt="Front view"')[1], page.split('alt="Side view"')[1]
    assert 'type="image/webp" srcset="/media/products/' in page
    assert " 480w, " in page and " 960w" in page
    assert 'loading="lazy"' not in front.split(">")[0]
    assert 'loading="lazy"' in side.split(">")[0]

    listing = client.get("/").get_data(as_text=True)
    assert 'alt="Front view"' in listing and "-240w.jpg" in listing


def test_a_placeholder_shows_until_the_renditions_exist(client, product):
    db.session.add(
        ProductImage(
            product_id=product.id, alt_text="Soon", original_key="x.jpg", width=10, height=10, renditions=[]
        )
    )
    db.session.commit()

    page = client.get("/products/teapot").get_data(as_text=True)

    assert 'class="placeholder" src="/static/img/placeholder.svg" alt="Soon"' in page


def test_renditions_are_made_once_however_often_the_task_runs(admin_client, product):
    upload(admin_client, product, images.jpeg())
    (image,) = stored_images(product)

    assert image_service.make_renditions(image.id) is False
    assert db.session.scalar(select(func.count()).select_from(ProductImage)) == 1


def test_a_picture_left_without_renditions_is_relayed_to_the_task(app, product, monkeypatch):
    # The broker was down when it was uploaded: no task ran, the row stayed pending.
    monkeypatch.setattr(
        "app.tasks.make_image_renditions.delay", lambda image_id: (_ for _ in ()).throw(OSError)
    )
    image = image_service.add_image(product.id, images.jpeg(500, 400), "Waiting")
    assert stored_images(product)[0].status == "pending"
    monkeypatch.undo()
    db.session.execute(
        update(ProductImage).values(created_at=utcnow() - image_service.RELAY_GRACE - timedelta(seconds=1))
    )
    db.session.commit()

    assert image_service.relay_pending_renditions() == 1

    (relayed,) = stored_images(product)
    assert relayed.id == image.id and relayed.status == "ready" and relayed.renditions
    assert image_service.relay_pending_renditions() == 0
