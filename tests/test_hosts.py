"""Absolute URLs come from configuration: X-Forwarded-Host is never trusted, a Host the site does not answer to
gets 400, and MYTOOLS_BASE_URL / Heroku's own app domain are what redirects, short URLs and paste URLs use."""

from __future__ import annotations

import re
from contextlib import asynccontextmanager

import pytest

from core.config import load_settings
from core.deploycheck import FAIL, OK, check_hosts
from tests.conftest import make_app

EVIL = "evil.example"
TARGET = "https://example.com/page"


@asynccontextmanager
async def running(database_url: str, **env: str):
    application = make_app(database_url, PASTE_ANONYMOUS="true", **env)
    async with application.test_app():
        yield application.test_client()


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


async def absolute_urls(client, token: str, headers: dict) -> dict[str, str]:
    """The absolute URLs the site builds: a trailing-slash redirect, a paste's URLs, a short URL, and the
    paste page's curl example; every response checked for `EVIL`."""
    redirect = await client.get("/tools/hash", headers=headers)
    paste = await client.post("/api/paste", json={"content": "x"}, headers=headers)
    link = await client.post("/api/links", json={"target": TARGET}, headers={**headers, **bearer(token)})
    page = await client.get("/tools/paste/", headers=headers)
    for response in (redirect, paste, link, page):
        assert response.status_code < 400, await response.get_data(as_text=True)
        assert EVIL not in await response.get_data(as_text=True)
        assert EVIL not in str(response.headers)
    assert redirect.status_code == 308
    body = await paste.get_json()
    page_text = await page.get_data(as_text=True)
    return {
        "redirect": redirect.headers["Location"],
        "paste": body["url"],
        "raw": body["raw_url"],
        "short": (await link.get_json())["short_url"],
        "curl": re.search(r"\$TOKEN(?:\"|&#34;|&quot;) (\S+)", page_text).group(1),
    }


def origins(urls: dict[str, str]) -> set[str]:
    return {"/".join(url.split("/")[:3]) for url in urls.values()}


# --- X-Forwarded-Host -----------------------------------------------------------------------


async def test_x_forwarded_host_steers_no_absolute_url_behind_the_router(database_url, owner):
    # As on Heroku: one trusted hop. The router passes the client's X-Forwarded-Host on unchanged.
    async with running(database_url, MYTOOLS_PROXY_HOPS="1") as client:
        headers = {"X-Forwarded-Host": EVIL, "X-Forwarded-Proto": "https", "X-Forwarded-For": "192.0.2.7"}
        urls = await absolute_urls(client, owner, headers)
    assert origins(urls) == {"https://localhost"}  # the scheme from the trusted hop, the host from Host
    assert urls["redirect"] == "https://localhost/tools/hash/"
    assert urls["short"].startswith("https://localhost/s/")
    assert urls["curl"] == "https://localhost/paste"


# --- the Host header ------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["localhost", "localhost:5000", "LOCALHOST.", "127.0.0.1:8000", "[::1]:8000"])
async def test_development_answers_to_loopback_names(database_url, host):
    async with running(database_url) as client:
        response = await client.get("/tools/hash", headers={"Host": host})
    assert response.status_code == 308
    assert response.headers["Location"] == f"http://{host.lower()}/tools/hash/"


@pytest.mark.parametrize("path", ["/tools/hash", "/tools/hash/", "/healthz", "/static/css/base.css", "/nowhere"])
async def test_another_host_gets_400_with_a_clear_message(database_url, path):
    async with running(database_url) as client:
        response = await client.get(path, headers={"Host": f"{EVIL}:8000"})
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    assert await response.get_data(as_text=True) == (
        "Bad Request: this site does not answer to the host name 'evil.example'. Its operator can add the name "
        "to MYTOOLS_ALLOWED_HOSTS or set MYTOOLS_BASE_URL.\n"
    )


@pytest.mark.parametrize(
    "host", ["localhost@evil.example", "localhost/evil", "localhost:80:80", "", "lo calhost", "évil.example"]
)
async def test_a_malformed_host_gets_400(database_url, host):
    async with running(database_url) as client:
        response = await client.get("/tools/hash", headers={"Host": host})
    assert response.status_code == 400
    assert await response.get_data(as_text=True) == "Bad Request: the request has no valid Host header.\n"


async def test_production_answers_only_to_the_allowed_hosts(database_url, owner):
    env = {"MYTOOLS_ENV": "production", "MYTOOLS_ALLOWED_HOSTS": "tools.example.com, Www.Tools.Example.com."}
    async with running(database_url, **env) as client:
        assert (await client.get("/healthz")).status_code == 400  # Host: localhost, the test client's
        assert (await client.get("/healthz", headers={"Host": EVIL})).status_code == 400
        urls = await absolute_urls(client, owner, {"Host": "www.tools.example.com"})
    assert origins(urls) == {"http://www.tools.example.com"}


# --- MYTOOLS_BASE_URL -----------------------------------------------------------------------


async def test_the_base_url_makes_every_absolute_url(database_url, owner):
    async with running(database_url, MYTOOLS_BASE_URL="https://Tools.Example.com/") as client:
        via_localhost = await absolute_urls(client, owner, {})
        via_base = await absolute_urls(client, owner, {"Host": "tools.example.com"})
        assert (await client.get("/healthz", headers={"Host": EVIL})).status_code == 400
    assert origins(via_localhost) == origins(via_base) == {"https://tools.example.com"}
    assert via_localhost["redirect"] == "https://tools.example.com/tools/hash/"
    assert via_localhost["short"].startswith("https://tools.example.com/s/")
    assert via_localhost["paste"].startswith("https://tools.example.com/p/")
    assert via_localhost["raw"] == via_localhost["paste"] + "/raw"


# --- Heroku ---------------------------------------------------------------------------------

HEROKU = {"DYNO": "web.1", "SECRET_KEY": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}


@pytest.mark.parametrize(
    "metadata, domain",
    [
        ({"HEROKU_APP_NAME": "mytools-demo"}, "mytools-demo.herokuapp.com"),
        (
            {"HEROKU_APP_DEFAULT_DOMAIN_NAME": "mytools-demo-1a2b3c4d5e6f.herokuapp.com"},
            "mytools-demo-1a2b3c4d5e6f.herokuapp.com",
        ),
    ],
)
async def test_the_heroku_app_domain_works_with_only_the_dyno_metadata(database_url, owner, metadata, domain):
    async with running(database_url, **HEROKU, **metadata) as client:
        # The router says https; DYNO makes MYTOOLS_PROXY_HOPS default to 1.
        urls = await absolute_urls(client, owner, {"Host": domain, "X-Forwarded-Proto": "https"})
        assert (await client.get("/healthz")).status_code == 400  # localhost is not a name of the app
    assert origins(urls) == {f"https://{domain}"}


async def test_a_dyno_without_host_names_answers_to_its_herokuapp_domain(database_url):
    # Heroku's router delivers a request to this app only for this app's own domains: on a dyno, a
    # *.herokuapp.com Host is ours, with no setting and no dyno metadata.
    async with running(database_url, **HEROKU) as client:
        ours = await client.get("/healthz", headers={"Host": "mytools-demo-1a2b3c4d5e6f.herokuapp.com"})
        other = await client.get("/healthz", headers={"Host": "evil.example"})
        lookalike = await client.get("/healthz", headers={"Host": "herokuapp.com.evil.example"})
    assert ours.status_code == 200
    assert (other.status_code, lookalike.status_code) == (400, 400)
    check = check_hosts(load_settings(HEROKU), HEROKU)
    assert check.status == OK and "*.herokuapp.com" in check.message


async def test_production_without_host_names_refuses_every_request(database_url):
    production = {k: v for k, v in HEROKU.items() if k != "DYNO"} | {"MYTOOLS_ENV": "production"}
    async with running(database_url, **production) as client:
        response = await client.get("/healthz", headers={"Host": "mytools-demo.herokuapp.com"})
    assert response.status_code == 400
    assert "does not answer to the host name 'mytools-demo.herokuapp.com'" in await response.get_data(as_text=True)
    check = check_hosts(load_settings(production), production)
    assert check.status == FAIL and "MYTOOLS_BASE_URL" in check.message


def test_deploy_check_names_the_hosts_and_the_base_url():
    env = {**HEROKU, "HEROKU_APP_NAME": "mytools-demo", "MYTOOLS_BASE_URL": "https://tools.example.com"}
    check = check_hosts(load_settings(env), env)
    assert (check.status, check.message) == (
        OK,
        "mytools-demo.herokuapp.com, tools.example.com; absolute URLs from https://tools.example.com",
    )


# --- "not our own /s/" with the configured names ----------------------------------------------


@pytest.mark.parametrize(
    "target",
    ["https://TOOLS.example.com./s/abc2345", "http://0x7f000001/s/abc2345", "http://[::ffff:127.0.0.1]:8000/s/x"],
)
async def test_short_links_to_our_own_names_are_refused(database_url, owner, target):
    async with running(database_url, MYTOOLS_BASE_URL="https://tools.example.com") as client:
        response = await client.post("/api/links", json={"target": target}, headers=bearer(owner))
        elsewhere = await client.post("/api/links", json={"target": "https://example.com/s/abc"}, headers=bearer(owner))
    assert response.status_code == 422
    message = "a short link cannot point to another short link of this site"
    assert (await response.get_json())["error"] == {"message": message, "field": "target"}
    assert elsewhere.status_code == 201


# --- the trusted hop ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "proto, scheme",
    [("https", "https"), ("http", "http"), ("http, https", "https"), ("https, http", "http"), ("javascript", "http")],
)
async def test_the_scheme_is_the_trusted_hops_and_only_http_or_https(database_url, proto, scheme):
    async with running(database_url, MYTOOLS_PROXY_HOPS="1") as client:
        response = await client.get("/tools/hash", headers={"X-Forwarded-Proto": proto})
    assert response.headers["Location"] == f"{scheme}://localhost/tools/hash/"
