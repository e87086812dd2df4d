"""Requests too long for the server, through gunicorn as production runs it (gunicorn.conf.py).

The API refuses them itself, with its JSON error, below gunicorn's own limits;
only a request over gunicorn's limits (twice the app's) gets gunicorn's page.
"""

import requests


def error_code(response) -> str:
    assert response.headers["Content-Type"] == "application/json", response.text[:200]
    return response.json()["error"]["code"]


def test_an_api_url_over_the_apps_limit_gets_the_json_414_not_gunicorns(launcher, env):
    web = launcher.web(env, workers=1)

    response = requests.get(f"{web.url}/api/v1/products/?q={'a' * 7000}", timeout=10)

    assert response.status_code == 414
    assert error_code(response) == "uri_too_long"


def test_an_api_header_over_the_apps_limit_gets_the_json_431_not_gunicorns(launcher, env):
    web = launcher.web(env, workers=1)

    response = requests.get(f"{web.url}/api/v1/products/", headers={"X-Padding": "p" * 7000}, timeout=10)

    assert response.status_code == 431
    assert error_code(response) == "request_header_fields_too_large"


def test_gunicorns_own_limit_on_the_request_line_is_the_one_configured(launcher, env):
    web = launcher.web(env, workers=1)

    response = requests.get(f"{web.url}/api/v1/products/?q={'a' * 8200}", timeout=10)

    assert response.status_code == 414
    assert "application/json" not in response.headers.get("Content-Type", "")
