"""Product pictures in S3-compatible storage (docs/behaviour.md#pictures), shared by every web process.

The store is moto in server mode: a real S3 HTTP server on a free loopback port, started and
stopped here by its process id, which boto3 talks to over HTTP like any S3 endpoint. This test
process stores a picture through the admin page; a separate gunicorn process then serves the
product with URLs of the bucket, from which the picture is fetched.
"""

import io
import json
import signal
import subprocess
import sys

import boto3
import pytest
import requests
from PIL import Image

from tests.admin.conftest import log_in
from tests.catalog import images
from tests.factories import ProductFactory
from tests.integration.services import ROOT, free_port, service_env, wait_until

BUCKET = "storefront-media"
S3_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


PUBLIC_READ = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{BUCKET}/*",
        }
    ],
}


@pytest.fixture
def s3_server(tmp_path, monkeypatch):
    """moto's S3 server on a free loopback port, with the shop's bucket; stopped by its pid."""
    port = free_port()
    log = open(tmp_path / "moto.log", "wb")  # noqa: SIM115  (closed below, after the process)
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:

        def answers():
            if process.poll() is not None:
                raise AssertionError(f"moto exited: {(tmp_path / 'moto.log').read_text()[-2000:]}")
            try:
                return requests.get(f"{url}/moto-api/", timeout=1).status_code == 200
            except requests.RequestException:
                return False

        wait_until(answers, 30, f"moto's S3 server at {url}")
        for name, value in S3_CREDENTIALS.items():
            monkeypatch.setenv(name, value)
        s3 = boto3.client("s3", endpoint_url=url, region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        # As in production (docs/production.md): anyone may read the pictures, no one else may write.
        s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(PUBLIC_READ))
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def s3_settings(s3_url: str) -> dict[str, str]:
    return {
        "MEDIA_STORAGE": "s3",
        "S3_BUCKET": BUCKET,
        "S3_ENDPOINT_URL": s3_url,
        "S3_PUBLIC_URL": f"{s3_url}/{BUCKET}",
    }


@pytest.fixture
def app_config(app_config, s3_server):
    return {**app_config, **s3_settings(s3_server), "CELERY_BROKER_URL": None}


@pytest.fixture
def admin_client(app, client, auth, admin):
    log_in(app, client, auth, admin)
    return client


def test_pictures_stored_in_s3_by_one_process_are_served_to_another(
    admin_client,
    s3_server,
    launcher,
    database_url,  # noqa: F811
):
    product = ProductFactory(name="Teapot", slug="teapot")
    uploaded = admin_client.post(
        f"/admin/products/{product.id}/images",
        data={
            "image": (io.BytesIO(images.jpeg(1000, 750)), "teapot.jpg", "image/jpeg"),
            "alt_text": "A teapot",
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Picture added." in uploaded.get_data(as_text=True)
    stored = boto3.client("s3", endpoint_url=s3_server).list_objects_v2(Bucket=BUCKET)
    assert len(stored["Contents"]) == 1 + 4 * 2  # the original; 240, 480, 960 and 1000 px in two formats

    # Another web process, sharing only the database and the bucket.
    web = launcher.web(
        {**service_env(database_url, ""), **s3_settings(s3_server), **S3_CREDENTIALS}, workers=1
    )
    body = requests.get(f"{web.url}/api/v1/products/{product.id}", timeout=10).json()
    image = body["images"][0]
    assert image["url"].startswith(f"{s3_server}/{BUCKET}/products/{product.id}/")
    for rendition in [image] + image["renditions"]:
        response = requests.get(rendition["url"], timeout=10)
        assert response.status_code == 200, rendition["url"]
        assert Image.open(io.BytesIO(response.content)).size == (rendition["width"], rendition["height"])

    page = requests.get(f"{web.url}/products/teapot", timeout=10)
    assert f'srcset="{s3_server}/{BUCKET}/products/' in page.text
    assert f"img-src 'self' data: {s3_server}" in page.headers["Content-Security-Policy"]
    assert (
        requests.get(
            f"{web.url}/media/{image['renditions'][0]['url'].split(BUCKET + '/')[1]}", timeout=5
        ).status_code
        == 404
    )
