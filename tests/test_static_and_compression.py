"""gzip, content-hashed static URLs with a year of cache, and the page weight budget."""

from __future__ import annotations

import gzip
import hashlib
import re
import shutil

from benchmarks.page_weight import BUDGET, page_weight
from core.config import PROJECT_ROOT
from core.static import IMMUTABLE, static_version
from tests.conftest import make_app

GZIP = {"Accept-Encoding": "gzip, deflate, br"}
STATIC = PROJECT_ROOT / "static"


def version_of(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:10]


# --- compression ---------------------------------------------------------------------------------


async def test_pages_are_gzipped_when_the_browser_accepts_it(tool_client):
    plain = await tool_client.get("/")
    html = await plain.get_data()
    assert "Content-Encoding" not in plain.headers and b"<!doctype html>" in html

    packed = await tool_client.get("/", headers=GZIP)
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    body = await packed.get_data()
    assert gzip.decompress(body) == html
    assert int(packed.headers["Content-Length"]) == len(body) < len(html) / 3


async def test_tool_results_and_api_answers_are_gzipped_too(tool_client):
    response = await tool_client.post("/api/lorem", json={"count": 5}, headers=GZIP)
    if response.status_code == 200 and len(gzip.decompress(await response.get_data())) >= 500:
        assert response.headers["Content-Encoding"] == "gzip"
    page = await tool_client.get("/tools/hash/?input=abc", headers=GZIP)
    assert page.headers["Content-Encoding"] == "gzip"
    assert b"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" in gzip.decompress(
        await page.get_data()
    )  # SHA-256("abc"), FIPS 180-2 appendix B.1


async def test_small_responses_are_sent_as_they_are(tool_client):
    response = await tool_client.get("/healthz", headers=GZIP)
    assert response.status_code == 200 and "Content-Encoding" not in response.headers


async def test_requests_started_by_another_site_are_not_compressed(tool_client):
    # A page another site makes the browser load may reflect that site's input next to a secret:
    # its compressed size would leak the secret (BREACH), so it goes out uncompressed.
    for site in ("cross-site", "same-site"):
        response = await tool_client.get("/", headers={**GZIP, "Sec-Fetch-Site": site})
        assert "Content-Encoding" not in response.headers, site
    for site in ("same-origin", "none"):
        response = await tool_client.get("/", headers={**GZIP, "Sec-Fetch-Site": site})
        assert response.headers["Content-Encoding"] == "gzip", site


# --- static files --------------------------------------------------------------------------------


async def test_every_static_link_carries_the_hash_of_its_file(tool_client):
    for path in ("/", "/tools/hash/", "/tools/json/", "/login"):
        page = await (await tool_client.get(path)).get_data(as_text=True)
        links = re.findall(r'(?:href|src)="/static/([^"?]+)(\?v=[0-9a-f]{10})?"', page)
        assert links, path
        for filename, version in links:
            assert version == "?v=" + version_of(STATIC / filename), (path, filename)


async def test_versioned_static_files_are_cached_for_a_year(tool_client):
    url = f"/static/css/app.css?v={version_of(STATIC / 'css/app.css')}"
    response = await tool_client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == IMMUTABLE
    etag = response.headers["ETag"]  # Quart's send_file
    assert etag
    again = await tool_client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.headers["Cache-Control"] == IMMUTABLE
    # Without a version (or with a stale one) the browser must ask again.
    bare = await tool_client.get("/static/css/app.css")
    assert "immutable" not in bare.headers["Cache-Control"] and "max-age=3600" in bare.headers["Cache-Control"]
    stale = await tool_client.get("/static/css/app.css?v=0123456789")
    assert stale.headers["Cache-Control"] == "no-cache"


async def test_gzipped_static_files_get_a_weak_etag_that_still_revalidates(tool_client):
    url = f"/static/vendor/htmx-2.0.11.min.js?v={version_of(STATIC / 'vendor/htmx-2.0.11.min.js')}"
    response = await tool_client.get(url, headers=GZIP)
    assert response.headers["Content-Encoding"] == "gzip"
    etag = response.headers["ETag"]
    assert etag.startswith('W/"')
    again = await tool_client.get(url, headers={**GZIP, "If-None-Match": etag})
    assert again.status_code == 304


async def test_the_hashed_url_changes_when_the_file_changes(tmp_path, sqlite_template):
    shutil.copy(sqlite_template, tmp_path / "db.sqlite3")
    folder = tmp_path / "static"
    (folder / "css").mkdir(parents=True)
    sheet = folder / "css" / "app.css"

    async def url_in_new_process() -> str:
        app = make_app(f"sqlite:///{tmp_path / 'db.sqlite3'}")
        app.static_folder = str(folder)
        async with app.test_request_context("/"):
            from quart import url_for

            first = url_for("static", filename="css/app.css")
            sheet.write_text(sheet.read_text() + "/* edited while running */")
            # Hashed once per file per process: the running app keeps its URL until restarted.
            assert url_for("static", filename="css/app.css") == first
            assert static_version(app, "css/app.css") == first.rsplit("=", 1)[1]
            return first

    sheet.write_text("body { color: black; }")
    before = await url_in_new_process()
    assert before == "/static/css/app.css?v=" + hashlib.sha256(b"body { color: black; }").hexdigest()[:10]
    after = await url_in_new_process()
    assert after != before and after.startswith("/static/css/app.css?v=")


async def test_a_missing_static_file_gets_no_version(tool_client):
    app = make_app("sqlite:////nonexistent/never-opened.sqlite3")
    async with app.test_request_context("/"):
        from quart import url_for

        assert url_for("static", filename="nope.css") == "/static/nope.css"


# --- page weight ---------------------------------------------------------------------------------


async def test_home_and_a_tool_page_weigh_under_60_kb_compressed(tool_client):
    for path in ("/", "/tools/hash/"):
        transfers = await page_weight(tool_client, path)
        urls = [t.url for t in transfers]
        assert any("pico" in u for u in urls) and any("htmx" in u for u in urls) and any("app.js" in u for u in urls)
        assert all(t.encoding == "gzip" for t in transfers if t.raw >= 1000), transfers
        total = sum(t.sent for t in transfers)
        assert total < BUDGET, (path, total, transfers)
