"""Where uploaded images and their renditions are kept: one interface, two stores
(docs/behaviour.md#pictures).

`MEDIA_STORAGE=local` (the default) keeps files under instance/media, served by the app at
/media/<key>; `s3` keeps them in an S3-compatible bucket that every web process shares,
served from S3_PUBLIC_URL. Keys carry a hash of the content, so a stored object never
changes and may be cached for a year.
"""

import os
from pathlib import Path
from typing import Protocol

from flask import current_app


class MediaStorage(Protocol):
    def save(self, key: str, data: bytes, content_type: str) -> None: ...
    def read(self, key: str) -> bytes: ...
    def delete(self, key: str) -> None: ...
    def url(self, key: str) -> str:
        """The public URL of the object (absolute for S3, a path for local files)."""
        ...


class LocalStorage:
    """Files under a folder of this machine (one web process, or several sharing a disk)."""

    def __init__(self, root: Path, url_prefix: str = "/media/"):
        self.root = Path(root)
        self.url_prefix = url_prefix

    def path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise ValueError(f"key {key!r} leaves the media folder")
        return path

    def save(self, key: str, data: bytes, content_type: str) -> None:
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.write_bytes(data)
        temporary.replace(path)  # readers never see half a file

    def read(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def url(self, key: str) -> str:
        return self.url_prefix + key


class S3Storage:
    """An S3-compatible bucket through boto3 (credentials from the usual AWS variables)."""

    def __init__(self, bucket: str, *, endpoint_url: str | None, public_url: str | None, region: str | None):
        import boto3  # only S3 deployments pay for importing it

        self.bucket = bucket
        self.client = boto3.client("s3", endpoint_url=endpoint_url, region_name=region or "us-east-1")
        base = public_url or f"{(endpoint_url or 'https://s3.amazonaws.com').rstrip('/')}/{bucket}"
        self.public_url = base.rstrip("/") + "/"

    def save(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(
            Bucket=self.bucket,
            Key=key,
            Body=data,
            ContentType=content_type,
            CacheControl="public, max-age=31536000, immutable",
        )

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=key)

    def url(self, key: str) -> str:
        return self.public_url + key


def media_storage() -> MediaStorage:
    """The app's store, made once per app from MEDIA_STORAGE and the S3_* settings."""
    storage = current_app.extensions.get("media_storage")
    if storage is None:
        config = current_app.config
        if config.get("MEDIA_STORAGE", "local") == "s3":
            storage = S3Storage(
                config["S3_BUCKET"],
                endpoint_url=config.get("S3_ENDPOINT_URL") or None,
                public_url=config.get("S3_PUBLIC_URL") or None,
                region=config.get("S3_REGION") or None,
            )
        else:
            root = config.get("MEDIA_ROOT") or os.path.join(current_app.instance_path, "media")
            storage = LocalStorage(Path(root))
        storage = current_app.extensions.setdefault("media_storage", storage)
    return storage
