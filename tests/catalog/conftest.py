"""Fixtures of the catalog tests."""

import pytest

from tests.admin.conftest import log_in


@pytest.fixture
def admin_client(app, client, auth, admin):
    """The test client, logged in as the admin."""
    log_in(app, client, auth, admin)
    return client
