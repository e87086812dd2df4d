"""Fixtures shared by the service tests."""

import pytest

from tests import factories


@pytest.fixture
def address(shopper):
    return factories.AddressFactory(user=shopper)
