"""CSRF by Origin / Sec-Fetch-Site, security headers, cookie flags, body limit."""

from __future__ import annotations

import pytest

from core.security import CSP

SAME_ORIGIN = "http://localhost"


async def test_security_headers_on_every_response(tool_client):
    for path in ("/", "/tools/hash/", "/api/openapi.json", "/does-not-exist"):
        response = await tool_client.get(path)
        headers = response.headers
        assert headers["Content-Security-Policy"] == CSP, path
        assert "default-src 'self'" in CSP and "frame-ancestors 'none'" in CSP
        assert "unsafe-inline" not in CSP and "unsafe-eval" not in CSP
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in headers  # plain http


async def test_hsts_only_over_https(tool_client):
    response = await tool_client.get("/", scheme="https")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
    ],
)
async def test_cross_site_posts_are_refused(tool_client, headers):
    page = await tool_client.post("/tools/hash/", form={"input": "abc"}, headers=headers)
    assert page.status_code == 403
    assert "Cross-site request refused" in await page.get_data(as_text=True)
    api = await tool_client.post("/api/hash", json={"input": "abc"}, headers=headers)
    assert api.status_code == 403
    assert "Cross-site request refused" in (await api.get_json())["error"]["message"]


@pytest.mark.parametrize(
    "headers", [{"Sec-Fetch-Site": "same-origin"}, {"Origin": SAME_ORIGIN}, {"Sec-Fetch-Site": "none"}, {}]
)
async def test_same_origin_and_non_browser_posts_pass(tool_client, headers):
    response = await tool_client.post("/tools/hash/", form={"input": "abc"}, headers=headers)
    assert response.status_code == 200


async def test_cross_site_login_is_refused(client, owner):
    response = await client.post(
        "/login",
        form={"name": "owner", "password": "correct horse battery"},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 403
    assert "Set-Cookie" not in response.headers


async def test_cross_site_request_with_valid_bearer_token_passes(client, owner):
    # A token is not an ambient credential: a page on another site cannot have it.
    response = await client.post(
        "/api/notes",
        json={"title": "x"},
        headers={"Authorization": f"Bearer {owner}", "Origin": "https://other.example"},
    )
    assert response.status_code == 201


async def test_cross_site_get_is_allowed(tool_client):
    response = await tool_client.get("/tools/hash/?input=abc", headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 200


async def test_login_cookie_flags(client, owner):
    response = await client.post("/login", form={"name": "owner", "password": "correct horse battery"})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # development over http


async def test_production_cookies_are_secure(database_url):
    from tests.conftest import make_app

    app = make_app(database_url, MYTOOLS_ENV="production")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["QUART_AUTH_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


async def test_body_over_the_limit_gets_413_naming_the_limit(database_url):
    from tests.conftest import make_app

    app = make_app(database_url, MAX_CONTENT_LENGTH="2048")
    async with app.test_app():
        client = app.test_client()
        api = await client.post("/api/hash", json={"input": "x" * 5000})
        assert api.status_code == 413
        assert (await api.get_json())["error"]["message"] == "The request body is too large: the limit is 2 KB."
        page = await client.post("/tools/hash/", form={"input": "x" * 5000})
        assert page.status_code == 413
        assert "the limit is 2 KB" in await page.get_data(as_text=True)


async def test_bearer_header_is_only_checked_where_an_owner_is_needed(client, owner):
    # A stateless tool ignores the header (a webhook sender or proxy may add its own token)...
    stateless = await client.post("/api/hash", json={"input": "abc"}, headers={"Authorization": "Bearer nope"})
    assert stateless.status_code == 200
    # ...while an owner endpoint refuses a wrong token, even from another site's page.
    owner_only = await client.post(
        "/api/notes", json={"title": "x"}, headers={"Authorization": "Bearer nope", "Origin": "https://evil.example"}
    )
    assert owner_only.status_code == 401
    assert (await owner_only.get_json())["error"]["message"] == "Invalid API token."
