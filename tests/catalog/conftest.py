"""Fixtures of the catalog tests."""

import pytest

from tests.admin.conftest import log_in


@pytest.fixture
def admin_client(app, client, auth, admin):
    """The test client, logged in as the admin."""
    log_in(app, client, auth, admin)
    return client


@pytest.fixture
def media_files(app_config):
    """The files in the media folder, relative to it."""
    from pathlib import Path

    root = Path(app_config["MEDIA_ROOT"])

    def listed() -> list[str]:
        return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())

    return listed
