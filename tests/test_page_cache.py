"""Anonymous tool pages from the per-process cache: rendered once, strong ETag, 304, never for a visitor's own page."""

from __future__ import annotations

import gzip
from contextlib import contextmanager

import pytest
from quart.signals import template_rendered

from core.page_cache import Page, matches
from tests.conftest import make_app

PAGE = "/tools/json/"
GZIP = {"Accept-Encoding": "gzip"}


@contextmanager
def counting_renders(app):
    """The names of the templates rendered while inside."""
    rendered: list[str] = []

    async def count(sender, template, context, **extra) -> None:
        rendered.append(template.name)

    with template_rendered.connected_to(count, app):
        yield rendered


@pytest.fixture
async def stateless_app(tmp_path, sqlite_template):
    app = make_app(f"sqlite:///{tmp_path}/pages.sqlite3", MYTOOLS_AUTO_MIGRATE="true")
    async with app.test_app():
        yield app


async def test_a_second_anonymous_get_is_served_from_the_cache_with_the_same_etag(stateless_app):
    client = stateless_app.test_client()
    with counting_renders(stateless_app) as rendered:
        first = await client.get(PAGE)
        second = await client.get(PAGE)
    assert rendered == ["json/index.html"]  # the second answer did not render
    assert first.status_code == second.status_code == 200
    assert await first.get_data() == await second.get_data()
    etag = first.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/") and second.headers["ETag"] == etag
    assert second.headers["Cache-Control"] == "no-cache"  # browsers revalidate: a deploy shows at once
    assert second.headers["Content-Security-Policy"].startswith("default-src 'self'")
    vary = {part.strip() for part in second.headers["Vary"].split(",")}
    assert {"Accept-Encoding", "HX-Request", "Cookie"} <= vary


async def test_if_none_match_gives_304_without_a_body(stateless_app):
    client = stateless_app.test_client()
    etag = (await client.get(PAGE)).headers["ETag"]
    with counting_renders(stateless_app) as rendered:
        for tag in (etag, f"W/{etag}", f'"other", {etag}', "*"):
            response = await client.get(PAGE, headers={"If-None-Match": tag})
            assert response.status_code == 304 and await response.get_data() == b""
            assert response.headers["ETag"] == etag and "Cookie" in response.headers["Vary"]
        changed = await client.get(PAGE, headers={"If-None-Match": '"an-old-deploy"'})
    assert changed.status_code == 200 and changed.headers["ETag"] == etag
    assert rendered == []


async def test_gzip_and_identity_are_each_cached_and_correct(stateless_app):
    client = stateless_app.test_client()
    plain = await client.get(PAGE)
    with counting_renders(stateless_app) as rendered:
        zipped = [await client.get(PAGE, headers=GZIP) for _ in range(2)]
        zipped.append(await client.get(PAGE, headers={"Accept-Encoding": "gzip, deflate, br, zstd"}))
        plain_again = await client.get(PAGE, headers={"Accept-Encoding": "br"})
    assert rendered == ["json/index.html"]  # once for gzip (whatever else is accepted); identity was kept
    assert "Content-Encoding" not in plain.headers
    body = await plain.get_data()
    assert b"<html" in body and await plain_again.get_data() == body
    for response in zipped:
        assert response.headers["Content-Encoding"] == "gzip"
        raw = await response.get_data()
        assert int(response.headers["Content-Length"]) == len(raw)
        assert gzip.decompress(raw) == body
        assert raw[4:8] == b"\0\0\0\0"  # no compression time: equal pages, equal bytes, one ETag per worker
    assert zipped[0].headers["ETag"] == zipped[2].headers["ETag"] != plain.headers["ETag"]  # two representations


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        (PAGE + "?input=%7B%7D", {}),  # a share link: its result is in the page
        (PAGE, {"HX-Request": "true"}),  # the partial
        (PAGE, {"Authorization": "Bearer not-a-token"}),
        (PAGE, {"Cookie": "session=anything"}),
        ("/tools/whoami/", {}),  # no-store: it shows the visitor's own request
        ("/tools/password/", {}),  # no-store
        ("/tools/uuid/", {}),  # a generator's first load: new values on every view (private, no-cache)
        ("/tools/lorem/", {}),
        ("/tools/time/", {}),  # now
        ("/", {}),  # not a tool page
    ],
)
async def test_what_may_differ_per_visitor_is_rendered_every_time(stateless_app, path, headers):
    client = stateless_app.test_client()
    with counting_renders(stateless_app) as rendered:
        for _ in range(2):
            response = await client.get(path, headers=headers)
            assert response.status_code == 200
    assert len(rendered) == 2


async def test_a_logged_in_get_is_never_cached_nor_given_the_anonymous_page(app, client, owner):
    anonymous = await app.test_client().get(PAGE)
    assert "ETag" in anonymous.headers and b"Log out" not in await anonymous.get_data()
    response = await client.post("/login", form={"name": "owner", "password": "correct horse battery"})
    assert response.status_code == 302
    with counting_renders(app) as rendered:
        pages = [await client.get(PAGE) for _ in range(2)]
    assert rendered == ["json/index.html"] * 2
    for page in pages:
        assert page.status_code == 200 and "ETag" not in page.headers
        assert page.headers["Cache-Control"] == "no-store"
        assert b"Log out" in await page.get_data()  # the owner's own page, not the anonymous one


async def test_the_cache_can_be_turned_off(tmp_path):
    app = make_app(f"sqlite:///{tmp_path}/off.sqlite3", MYTOOLS_AUTO_MIGRATE="true", PAGE_CACHE_ENTRIES="0")
    async with app.test_app():
        client = app.test_client()
        with counting_renders(app) as rendered:
            for _ in range(2):
                assert "ETag" not in (await client.get(PAGE)).headers
        assert len(rendered) == 2


def test_entity_tags_compare_weakly_and_gzip_time_is_cleared():
    assert matches(b'W/"a", "b"', b'"a"') and matches(b"*", b'"a"') and not matches(b'"ab"', b'"a"')
    assert not matches(None, b'"a"')
    one = gzip.compress(b"x" * 600, mtime=1)
    other = gzip.compress(b"x" * 600, mtime=2)
    headers = [(b"content-encoding", b"gzip"), (b"content-length", b"1")]
    assert Page.of(headers, one).etag == Page.of(headers, other).etag
    assert (b"content-length", str(len(one)).encode()) in Page.of(headers, one).headers
