"""Who am I: user-agent parsing with published UA strings, header redaction, the client address, page and API."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import make_app
from tools.whoami import REDACTED, describe_user_agent, visible_headers

HTMX = {"HX-Request": "true"}

# MDN Web Docs, "User-Agent" header reference, "Chrome UA string" example.
CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/51.0.2704.103 Safari/537.36"
# MDN Web Docs, "User-Agent" header reference, "Firefox UA string" example.
FIREFOX = "Mozilla/5.0 (Windows NT 6.1; Win64; x64; rv:47.0) Gecko/20100101 Firefox/47.0"
# Google Search Central, "Googlebot" / "Google's common crawlers": Googlebot Desktop's user agent.
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
# Google Search Central, same page: Googlebot Smartphone (Chrome version W.X.Y.Z filled in).
GOOGLEBOT_SMARTPHONE = (
    "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.6099.144 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
)

SECRET_COOKIE = "session=s3cr3t-cookie-value"
SECRET_AUTHORIZATION = "Basic c2VjcmV0LXVzZXI6c2VjcmV0LXBhc3N3b3Jk"  # secret-user:secret-password


# --- user agent -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("string", "browser", "os", "device", "is_bot"),
    [
        # ua-parser (uap-core) reports "Windows NT 6.1" as Windows 7.
        (CHROME, ("Chrome", "51.0.2704.103"), ("Linux", None), ("Other", None, None), False),
        (FIREFOX, ("Firefox", "47.0"), ("Windows", "7"), ("Other", None, None), False),
        (GOOGLEBOT, ("Googlebot", "2.1"), ("Other", None), ("Spider", "Spider", "Desktop"), True),
        (GOOGLEBOT_SMARTPHONE, ("Googlebot", "2.1"), ("Android", "6.0.1"), ("Spider", "Spider", "Smartphone"), True),
        ("", ("Other", None), ("Other", None), ("Other", None, None), False),
    ],
)
def test_user_agent(string, browser, os, device, is_bot):
    agent = describe_user_agent(string)
    assert (agent.browser.family, agent.browser.version) == browser
    assert (agent.os.family, agent.os.version) == os
    assert (agent.device.family, agent.device.brand, agent.device.model) == device
    assert agent.is_bot is is_bot


def test_no_user_agent_header():
    agent = describe_user_agent(None)
    assert (agent.string, agent.browser.family, agent.is_bot) == (None, "Other", False)


def test_a_huge_user_agent_is_parsed_in_part_but_shown_whole():
    string = FIREFOX + " x" * 5000
    agent = describe_user_agent(string)
    assert agent.string == string
    assert agent.browser.family == "Firefox"


def test_headers_are_sorted_and_credentials_redacted():
    rows = visible_headers(
        [
            ("x-b", "2"),
            ("cookie", SECRET_COOKIE),
            ("Authorization", SECRET_AUTHORIZATION),
            ("accept", "*/*"),
            ("x-b", "1"),
            ("proxy-authorization", "Basic eA=="),
        ]
    )
    assert [(h.name, h.value) for h in rows] == [
        ("accept", "*/*"),
        ("Authorization", REDACTED),
        ("cookie", REDACTED),
        ("proxy-authorization", REDACTED),
        ("x-b", "2"),  # a repeated header keeps the order it arrived in
        ("x-b", "1"),
    ]


# --- JSON API ---------------------------------------------------------------------------------------


async def test_api_get(tool_client):
    headers = {
        "User-Agent": CHROME,
        "Cookie": SECRET_COOKIE,
        "Authorization": SECRET_AUTHORIZATION,
        "X-Forwarded-For": "198.51.100.7",
    }
    response = await tool_client.get("/api/whoami?x=1", headers=headers, scope_base={"client": ("192.0.2.10", 4321)})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert await response.get_json() == {
        # remote_addr: the ASGI client address. With MYTOOLS_PROXY_HOPS=0 (no proxy), X-Forwarded-For is not used.
        "client_address": "192.0.2.10",
        "forwarded_for": "198.51.100.7",
        "method": "GET",
        "scheme": "http",
        "http_version": "1.1",
        "host": "localhost",
        "path": "/api/whoami",
        "query_string": "x=1",
        "body_bytes": 0,
        "headers": [
            {"name": "authorization", "value": REDACTED},
            {"name": "cookie", "value": REDACTED},
            {"name": "host", "value": "localhost"},
            {"name": "user-agent", "value": CHROME},
            {"name": "x-forwarded-for", "value": "198.51.100.7"},
        ],
        "user_agent": {
            "string": CHROME,
            "browser": {"family": "Chrome", "version": "51.0.2704.103"},
            "os": {"family": "Linux", "version": None},
            "device": {"family": "Other", "brand": None, "model": None},
            "is_bot": False,
        },
    }


async def test_api_post(tool_client):
    response = await tool_client.post(
        "/api/whoami", data=b"hello", headers={"User-Agent": GOOGLEBOT, "Content-Type": "text/plain"}
    )
    body = await response.get_json()
    assert response.status_code == 200
    assert (body["method"], body["body_bytes"]) == ("POST", 5)
    assert body["user_agent"]["browser"] == {"family": "Googlebot", "version": "2.1"}
    assert body["user_agent"]["is_bot"] is True
    assert {"name": "content-type", "value": "text/plain"} in body["headers"]


async def test_api_never_echoes_credentials(tool_client):
    headers = {"Cookie": SECRET_COOKIE, "Authorization": SECRET_AUTHORIZATION, "Proxy-Authorization": "Basic eHl6"}
    for method in ("get", "post"):
        response = await getattr(tool_client, method)("/api/whoami", headers=headers)
        text = await response.get_data(as_text=True)
        assert response.status_code == 200
        for secret in ("s3cr3t-cookie-value", "c2VjcmV0LXVzZXI6c2VjcmV0LXBhc3N3b3Jk", "eHl6"):
            assert secret not in text


async def test_address_behind_one_trusted_proxy(tmp_path, sqlite_template):
    # MYTOOLS_PROXY_HOPS=1 (Heroku): Hypercorn's ProxyFixMiddleware takes the rightmost X-Forwarded-For value,
    # the one the router appended; the leftmost comes from the client and can be anything.
    path = tmp_path / "mytools.sqlite3"
    shutil.copy(sqlite_template, path)
    app = make_app(f"sqlite:///{path}", MYTOOLS_PROXY_HOPS="1")
    async with app.test_app() as test_app:
        client = test_app.test_client()
        response = await client.get(
            "/api/whoami",
            headers={"X-Forwarded-For": "203.0.113.66, 198.51.100.7", "X-Forwarded-Proto": "https"},
            scope_base={"client": ("10.1.2.3", 5000)},
        )
        body = await response.get_json()
    assert body["client_address"] == "198.51.100.7"
    assert body["forwarded_for"] == "203.0.113.66, 198.51.100.7"
    assert body["scheme"] == "https"


async def test_address_without_proxy_ignores_x_forwarded_for(tool_client):
    response = await tool_client.get(
        "/api/whoami", headers={"X-Forwarded-For": "203.0.113.66"}, scope_base={"client": ("10.1.2.3", 5000)}
    )
    assert (await response.get_json())["client_address"] == "10.1.2.3"


async def test_openapi_documents_get_and_post(tool_client):
    spec = await (await tool_client.get("/api/openapi.json")).get_json()
    operations = spec["paths"]["/api/whoami"]
    assert (operations["get"]["operationId"], operations["post"]["operationId"]) == ("get_whoami", "post_whoami")
    assert operations["get"]["summary"].startswith("What the server sees of this request")


# --- page -------------------------------------------------------------------------------------------


async def test_page(tool_client):
    headers = {"User-Agent": FIREFOX, "Cookie": SECRET_COOKIE, "Authorization": SECRET_AUTHORIZATION}
    response = await tool_client.get("/tools/whoami/", headers=headers, scope_base={"client": ("192.0.2.10", 4321)})
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" in page
    assert response.headers["Cache-Control"] == "no-store"
    assert '<code id="whoami-address">192.0.2.10</code>' in page
    assert '<code id="whoami-browser">Firefox 47.0</code>' in page
    assert '<code id="whoami-os">Windows 7</code>' in page
    assert '<code id="whoami-bot">no</code>' in page
    assert 'data-copy-target="whoami-address"' in page
    assert '<th scope="row"><code>cookie</code></th><td><small class="whoami-aside">(redacted)</small></td>' in page
    assert "s3cr3t-cookie-value" not in page and "c2VjcmV0LXVzZXI6c2VjcmV0LXBhc3N3b3Jk" not in page
    assert 'method="get" action="/tools/whoami/"' in page
    assert "style=" not in page


async def test_page_htmx_partial(tool_client):
    response = await tool_client.get("/tools/whoami/", headers={**HTMX, "User-Agent": GOOGLEBOT})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in fragment
    assert "HX-Request" in response.headers["Vary"]
    assert '<code id="whoami-browser">Googlebot 2.1</code>' in fragment
    assert '<code id="whoami-bot">yes</code>' in fragment
    assert '<th scope="row"><code>hx-request</code></th><td><code id=' in fragment


async def test_page_is_get_only(tool_client):
    response = await tool_client.post("/tools/whoami/", data=b"", headers={"Content-Type": "text/plain"})
    assert response.status_code == 405
