"""Injection: HTML and template payloads come back escaped, SQL metacharacters are data, headers stay one line.

The stateless tools and their fields come from the app's registry and OpenAPI document, so a new tool is
covered without a change here. Notes, links, pastes and webhook bins run as the owner on both databases.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import pytest

from core.registry import enabled_tools

XSS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "javascript:alert(1)",
    "</textarea><script>alert(1)</script>",
    "</title></pre></code><script>alert(1)</script>",
    "{{7*7}}{% raw %}",
    "<a href='javascript:alert(1)'>x</a>",
)
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data"}


class TagScanner(HTMLParser):
    """What a browser would run from the page: real tags with event handlers, javascript: URLs, scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):  # the app's own pages have no inline handlers (its CSP forbids them)
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in URL_ATTRIBUTES and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value!r}>")
        self.in_script = tag == "script"

    def handle_endtag(self, tag):
        self.in_script = False

    def handle_data(self, data):
        if self.in_script and "alert(" in data:
            self.found.append(f"<script>{data[:60]}")


SQL = ("'; DROP TABLE notes; --", "100% _done_ \\path\\", 'O\'Brien "quoted" %_\\', "; SELECT 1; --")
BEARER = "Authorization"


def auth(token: str) -> dict:
    return {BEARER: f"Bearer {token}"}


def assert_no_injection(html: str, where: str) -> None:
    assert "<script>alert(1)" not in html, f"{where}: an unescaped <script>alert(1)"
    scanner = TagScanner()
    scanner.feed(html)
    scanner.close()
    assert not scanner.found, f"{where}: {scanner.found}"


def test_the_check_sees_what_a_browser_would_run():
    for unsafe in ('<p><img src=x onerror="alert(1)"></p>', "<a href=' javascript:alert(1)'>x</a>", XSS[0]):
        with pytest.raises(AssertionError):
            assert_no_injection(unsafe, "self-test")
    escaped = '<input value="&#34;&gt;&lt;img src=x onerror=alert(1)&gt;"><p>&lt;script&gt;alert(1)</p>'
    assert_no_injection(escaped, "self-test")


async def text_of(response) -> str:
    return await response.get_data(as_text=True)


# --- stateless tools: every string field of every tool page, full page and htmx partial -------------------


def string_fields(spec: dict, slug: str) -> dict[str, dict]:
    """The tool's API fields that take free text (not enums), from the OpenAPI document."""
    operation = spec["paths"].get(f"/api/{slug}", {}).get("post", {})
    schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    fields = {}
    for name, field in schema.get("properties", {}).items():
        branches = field.get("anyOf", [field])
        if any(b.get("type") == "string" and "enum" not in b for b in branches):
            fields[name] = field
    return fields


async def stateless_pages(client) -> list[tuple[str, str, list[str]]]:
    spec = await (await client.get("/api/openapi.json")).get_json()
    pages = []
    for tool in enabled_tools(client.app):
        if not tool.login_required:
            pages.append((tool.slug, tool.page_url, list(string_fields(spec, tool.slug))))
    return pages


async def test_every_stateless_tool_page_is_covered(tool_client):
    pages = await stateless_pages(tool_client)
    slugs = {slug for slug, _, fields in pages if fields}
    assert {"hash", "json", "markdown", "case", "regex", "diff", "url", "qr", "jwt", "encode"} <= slugs
    assert len(pages) >= 20


@pytest.mark.slow  # every payload into every field of every tool
async def test_xss_payloads_in_stateless_tools_come_back_escaped(tool_client):
    sent = 0
    for slug, page_url, fields in await stateless_pages(tool_client):
        for payload in XSS:
            for name in fields:
                for headers in ({}, {"HX-Request": "true"}):
                    response = await tool_client.post(page_url, form={name: payload}, headers=headers)
                    assert response.status_code < 500, (slug, name, payload)
                    assert_no_injection(await text_of(response), f"POST {page_url} {name}={payload!r} {headers}")
                share = await tool_client.get(f"{page_url}?{name}={quote(payload)}")  # the share link
                assert_no_injection(await text_of(share), f"GET {page_url}?{name}={payload!r}")
                sent += 3
            everything = {name: payload for name in fields}
            response = await tool_client.post(page_url, form=everything)
            assert_no_injection(await text_of(response), f"POST {page_url} all fields={payload!r}")
    assert sent > 500


async def test_template_syntax_is_shown_not_evaluated(tool_client):
    page = await text_of(await tool_client.post("/tools/case/", form={"input": "{{7*7}} {{config}}"}))
    assert "{{7*7}} {{config}}" in page  # the form gives the text back as typed
    assert "SECRET_KEY" not in page and "49" not in page.replace("{{7*7}}", "")


async def test_markdown_sanitizer_removes_scripts_and_handlers(tool_client):
    source = "\n\n".join(XSS) + "\n\n[x](javascript:alert(1)) <iframe src=//evil.example></iframe>"
    for response in (
        await tool_client.post("/api/markdown", json={"input": source}),
        await tool_client.post("/tools/markdown/", form={"input": source}, headers={"HX-Request": "true"}),
    ):
        html = (
            (await response.get_json())["html"] if response.mimetype == "application/json" else await text_of(response)
        )
        assert_no_injection(html, "markdown")
        assert "<iframe" not in html and "<svg" not in html


async def test_whoami_shows_request_headers_escaped(tool_client):
    headers = {"User-Agent": XSS[0], "Accept-Language": XSS[1], "X-Forwarded-For": XSS[1], "Referer": XSS[4]}
    for extra in ({}, {"HX-Request": "true"}):
        response = await tool_client.get("/tools/whoami/", headers={**headers, **extra})
        assert_no_injection(await text_of(response), f"whoami {extra}")


# --- notes (owner, both databases) ------------------------------------------------------------------------


async def test_note_titles_and_bodies_are_escaped_everywhere(logged_in, owner):
    client = logged_in
    ids = []
    for payload in XSS:
        created = await client.post("/api/notes", json={"title": payload, "body": payload}, headers=auth(owner))
        assert created.status_code == 201
        note = await created.get_json()
        assert note["title"] == payload and note["body"] == payload  # stored as typed
        assert_no_injection(note["html"], f"note html {payload!r}")
        ids.append(note["id"])
    pages = ["/tools/notes/", "/tools/notes/?q=script", "/"]
    pages += [f"/tools/notes/{note_id}" for note_id in ids] + [f"/tools/notes/{note_id}/edit" for note_id in ids]
    for url in pages:
        for headers in ({}, {"HX-Request": "true"}):
            response = await client.get(url, headers=headers)
            assert response.status_code == 200, url
            assert_no_injection(await text_of(response), f"GET {url} {headers}")
    # The form path too: a refused form (title too long) gives the text back in the form.
    response = await client.post("/tools/notes/new", form={"title": XSS[4] * 50, "body": XSS[4]})
    assert response.status_code == 422
    assert_no_injection(await text_of(response), "refused note form")


async def test_sql_metacharacters_are_stored_and_found_verbatim(client, owner):
    for text in SQL:
        created = await client.post("/api/notes", json={"title": text, "body": f"body {text}"}, headers=auth(owner))
        assert created.status_code == 201
        note = await created.get_json()
        stored = await (await client.get(f"/api/notes/{note['id']}", headers=auth(owner))).get_json()
        assert (stored["title"], stored["body"]) == (text, f"body {text}")
    listing = await (await client.get("/api/notes", headers=auth(owner))).get_json()
    assert sorted(n["title"] for n in listing["notes"]) == sorted(SQL)  # the table is still there, all rows
    for word, expected in [
        ("DROP", {SQL[0]}),
        ("'", {SQL[0], SQL[2]}),
        ("%", {SQL[1], SQL[2]}),
        ("_done_", {SQL[1]}),
        ("\\path\\", {SQL[1]}),
        ("\\", {SQL[1], SQL[2]}),
        ('"quoted"', {SQL[2]}),
        ("--", {SQL[0], SQL[3]}),
        ("%%", set()),
        ("_x_", set()),
    ]:
        response = await client.get(f"/api/notes?q={quote(word)}", headers=auth(owner))
        assert {n["title"] for n in (await response.get_json())["notes"]} == expected, word


async def test_sql_metacharacters_in_the_notes_page_search(logged_in):
    await logged_in.post("/tools/notes/new", form={"title": SQL[0], "body": "x"})
    page = await text_of(await logged_in.get(f"/tools/notes/?q={quote(SQL[0])}", headers={"HX-Request": "true"}))
    assert "DROP TABLE notes; --" in page


# --- links, paste, hooks (owner, both databases) -------------------------------------------------------------


async def test_link_targets_and_aliases_are_escaped(logged_in, owner):
    client = logged_in
    target = 'https://example.com/?q="><script>alert(1)</script>&x=<img/src=x/onerror=alert(1)>'
    created = await client.post("/api/links", json={"target": target}, headers=auth(owner))
    assert created.status_code == 201, await text_of(created)
    code = (await created.get_json())["code"]
    for alias in (XSS[0], XSS[1], "a'--"):
        refused = await client.post(
            "/api/links", json={"target": "https://example.com/", "alias": alias}, headers=auth(owner)
        )
        assert refused.status_code == 422  # aliases are letters, digits, - and _ only
        form = await client.post("/tools/links/", form={"target": "https://example.com/", "alias": alias})
        assert_no_injection(await text_of(form), f"links form alias={alias!r}")
    javascript = await client.post("/api/links", json={"target": "javascript:alert(1)"}, headers=auth(owner))
    assert javascript.status_code == 422  # http(s) only
    for url in ("/tools/links/", f"/tools/links/{code}", f"/tools/links/?q={quote(XSS[0])}"):
        for headers in ({}, {"HX-Request": "true"}):
            assert_no_injection(await text_of(await client.get(url, headers=headers)), f"GET {url}")
    redirect = await client.get(f"/{code}")
    if redirect.status_code in (301, 302):
        assert "\n" not in redirect.headers["Location"] and "<" not in redirect.headers["Location"]


async def test_paste_content_and_titles_are_escaped(logged_in, owner):
    client = logged_in
    ids = []
    for language in ("auto", "text", "markdown", "html", "python"):
        body = {"content": "\n".join(XSS), "title": XSS[1], "language": language}
        created = await client.post("/api/paste", json=body, headers=auth(owner))
        assert created.status_code == 201, await text_of(created)
        ids.append((await created.get_json())["id"])
    for url in ["/tools/paste/", *(f"/p/{paste_id}" for paste_id in ids)]:
        for headers in ({}, {"HX-Request": "true"}):
            response = await client.get(url, headers=headers)
            assert response.status_code == 200, url
            assert_no_injection(await text_of(response), f"GET {url}")
    raw = await client.get(f"/p/{ids[0]}/raw")
    assert raw.mimetype == "text/plain" and raw.headers["X-Content-Type-Options"] == "nosniff"


async def test_captured_webhook_headers_and_bodies_are_escaped(logged_in, owner):
    client = logged_in
    created = await client.post("/api/hooks", json={"name": XSS[1]}, headers=auth(owner))
    assert created.status_code == 201
    hook = await created.get_json()
    capture = urlsplit(hook["capture_url"]).path
    headers = {"X-Evil": XSS[1], "User-Agent": XSS[0], "Content-Type": "text/html"}
    await client.post(f"{capture}/{quote(XSS[0])}?q={quote(XSS[1])}", headers=headers, data="\n".join(XSS).encode())
    await client.post(
        capture, headers={"Content-Type": "application/json"}, data=b'{"a": "</pre><script>alert(1)</script>"}'
    )
    form = "a=" + quote(XSS[0]) + "&" + quote(XSS[1]) + "=b"
    await client.post(capture, headers={"Content-Type": "application/x-www-form-urlencoded"}, data=form.encode())
    requests = (await (await client.get(f"/api/hooks/{hook['id']}", headers=auth(owner))).get_json())["requests"]
    assert len(requests) == 3
    pages = ["/tools/hooks/", f"/tools/hooks/{hook['id']}/", f"/tools/hooks/{hook['id']}/?after=0"]
    pages += [f"/tools/hooks/{hook['id']}/requests/{r['id']}" for r in requests]
    for url in pages:
        for extra in ({}, {"HX-Request": "true"}):
            response = await client.get(url, headers=extra)
            assert response.status_code in (200, 204), url
            assert_no_injection(await text_of(response), f"GET {url} {extra}")


async def test_hook_answer_headers_refuse_line_breaks(client, owner):
    for content_type in ("text/plain\r\nSet-Cookie: a=b", "text/html\nX: y", "\rtext/plain"):
        response = await client.post("/api/hooks", json={"response_content_type": content_type}, headers=auth(owner))
        assert response.status_code == 422
        assert (await response.get_json())["error"]["field"] == "response_content_type"


# --- response headers: CR/LF and open redirects --------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "/\r\nSet-Cookie: evil=1",
        "/tools/\nX-Injected: 1",
        "/%0d%0aSet-Cookie:%20evil=1",
        "/\t/evil.example",  # browsers drop tabs and newlines from URLs: this is //evil.example
        "/\\evil.example",
        "//evil.example",
        "https://evil.example/",
        "/\u2028x",  # not ASCII: Quart would send its UTF-8 bytes raw in the header
        "/a\x00b",
    ],
)
async def test_login_next_never_breaks_or_leaves_the_site(client, owner, target):
    response = await client.post(
        f"/login?next={quote(target, safe='')}", form={"name": "owner", "password": "correct horse battery"}
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith("//")
    assert all(32 < ord(char) < 127 for char in location), repr(location)  # one line of printable ASCII
    assert "evil" not in response.headers.get("Set-Cookie", "")
    assert "X-Injected" not in response.headers


async def test_download_file_names_are_fixed(tool_client):
    for image_format in ("svg", "png"):
        form = {"input": "a\r\nX-Injected: 1\r\n\r\n<script>", "kind": "text"}
        response = await tool_client.post(f"/tools/qr/download.{image_format}", form=form)
        assert response.status_code == 200
        assert response.headers["Content-Disposition"] == f'attachment; filename="qr-code.{image_format}"'
        assert "X-Injected" not in response.headers
    form = {"input": '{"a": "\\r\\nX-Injected: 1"}', "download": "1"}
    response = await tool_client.post("/tools/json/", form=form)
    assert response.headers["Content-Disposition"] == 'attachment; filename="formatted.json"'
    assert "X-Injected" not in response.headers
