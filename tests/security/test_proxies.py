"""Behind a load balancer: whose address the login rate limit counts (TRUSTED_PROXIES)."""

import pytest

from app import create_app
from config import ConfigError
from tests.conftest import _test_config

WRONG = {"email": "shopper@example.com", "password": "not-the-password"}


def guess(client, visitor: str) -> int:
    """One wrong password from `visitor`, as the proxy in front reports them: the status."""
    return client.post("/auth/login", data=WRONG, headers={"X-Forwarded-For": visitor}).status_code


def guess_until_limited(client, visitor: str) -> int:
    """Two wrong guesses from `visitor` (the limit), then a third: its status."""
    for _ in range(2):
        assert guess(client, visitor) == 400
    return guess(client, visitor)


def limited_config(database_url, proxies) -> dict:
    return {
        **_test_config(database_url),
        "RATELIMIT_ENABLED": True,
        "LOGIN_RATE_LIMIT": "2/minute",
        "TRUSTED_PROXIES": proxies,
    }


class TestBehindOneProxy:
    @pytest.fixture
    def app_config(self, database_url):
        return limited_config(database_url, "1")

    def test_each_visitor_has_their_own_login_limit(self, client, shopper):
        assert guess_until_limited(client, "203.0.113.7") == 429

        assert guess(client, "198.51.100.9") == 400  # another visitor behind the same proxy may still try


class TestFacingVisitorsDirectly:
    @pytest.fixture
    def app_config(self, database_url):
        return limited_config(database_url, "0")

    def test_a_forged_forwarded_for_header_does_not_escape_the_limit(self, client, shopper):
        assert guess_until_limited(client, "203.0.113.7") == 429

        assert guess(client, "198.51.100.9") == 429


@pytest.mark.parametrize("bad", ["abc", "-1", "1.5", "99", ""])
def test_a_bad_proxy_count_refuses_to_start(database_url, bad):
    with pytest.raises(ConfigError, match="TRUSTED_PROXIES="):
        create_app({**_test_config(database_url), "TRUSTED_PROXIES": bad})
