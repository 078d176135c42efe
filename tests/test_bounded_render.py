"""Rendering user content is bounded: pastes, notes, hook bodies and tool outputs stop at their limits."""

from __future__ import annotations

import asyncio
import json
import time

import pytest

import core.bounded_render
import core.executor
from core.executor import Limits
from core.markdown import reaches_own_paths, render_markdown
from tests.conftest import make_app

MB = 2**20
SLOW_C = "int x;" + "\n" * 12_000  # Pygments' C lexer: about 3 s here, quadratic in the newlines
WIDE_TABLE = "|" + "|".join(f"h{i}" for i in range(500)) + "|\n|" + "-|" * 500 + "\n" + "|x|\n" * 20_000


def auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def short_limits(monkeypatch):
    """A 0.5 s time limit, so that slow inputs hit it quickly; the render cache starts empty."""
    monkeypatch.setattr(core.executor, "_DEFAULT_LIMITS", Limits(0.5, 96 * MB, 16 * MB))
    monkeypatch.setattr(core.bounded_render, "CACHE", core.bounded_render._Cache(16 * MB))


async def create_paste(client, token, content, language) -> str:
    response = await client.post("/api/paste", json={"content": content, "language": language}, headers=auth(token))
    assert response.status_code == 201, await response.get_data(as_text=True)
    return (await response.get_json())["id"]


@pytest.mark.parametrize(("content", "language"), [(SLOW_C, "c"), (WIDE_TABLE, "markdown")])
async def test_a_slow_paste_is_shown_as_plain_text_within_the_limit(client, owner, short_limits, content, language):
    started = time.monotonic()
    paste_id = await create_paste(client, owner, content, language)
    response = await client.get(f"/p/{paste_id}")
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Shown as plain text: this input takes too long to process: the limit is 0.5 s." in page
    assert '<pre class="plain-fallback">int x;\n' in page or '<pre class="plain-fallback">|h0|h1|' in page
    assert time.monotonic() - started < 0.5 * 2 + 1.5  # created (rendered once) and shown, each bounded


async def test_a_paste_is_rendered_once_not_on_every_view(client, owner, short_limits, monkeypatch):
    calls = []
    real = core.bounded_render.run_bounded

    async def counting(function, *args, **kwargs):
        calls.append(function.__name__)
        return await real(function, *args, **kwargs)

    monkeypatch.setattr(core.bounded_render, "run_bounded", counting)
    paste_id = await create_paste(client, owner, "def f():\n    return 1\n", "python")
    for _ in range(3):
        page = await (await client.get(f"/p/{paste_id}")).get_data(as_text=True)
        assert '<span class="k">def</span>' in page
    assert calls == ["render_paste"]  # at creation; the three views found it rendered


async def test_the_event_loop_answers_while_pastes_render(client, owner, short_limits):
    paste_id = await create_paste(client, owner, SLOW_C, "c")
    core.bounded_render.CACHE = core.bounded_render._Cache(16 * MB)  # every view renders again
    views = [asyncio.create_task(client.get(f"/p/{paste_id}")) for _ in range(8)]
    await asyncio.sleep(0.05)
    started = time.monotonic()
    health = await client.get("/healthz")
    hashed = await client.post("/api/hash", json={"input": "abc", "algorithms": ["sha256"]})
    assert time.monotonic() - started < 1.0
    assert (health.status_code, hashed.status_code) == (200, 200)
    assert {(await view).status_code for view in views} == {200}


async def test_a_slow_note_is_shown_as_plain_text(client, owner, short_limits):
    body = "[" * 199_000  # markdown-it: about 2 s here
    created = await client.post("/api/notes", json={"title": "slow", "body": body}, headers=auth(owner))
    assert created.status_code == 201
    note = await created.get_json()
    assert note["html"].startswith('<pre class="plain-fallback">[[[')


# --- this site's own /hooks/ and /s/ paths ----------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/hooks/abc/a.png",
        "/s/abc",
        "../hooks/abc/a.png",
        "../../s/x",
        "/%68ooks/abc",
        "/hooks%2Fabc",
        "\\hooks\\abc",
        "/./hooks/abc",
        "/x/../s/abc",
        "//localhost/hooks/abc",
        "http://localhost/s/abc",
        "HTTPS://LOCALHOST./hooks/abc",
        "/ho\toks/abc",
        "/hooks",
    ],
)
def test_urls_that_reach_this_sites_recording_paths(url):
    assert reaches_own_paths(url, frozenset({"localhost"}))


@pytest.mark.parametrize(
    "url",
    ["https://example.com/hooks/abc", "/tools/hash/", "#fn1", "mailto:a@example.com", "/static/x.png", "hooks.html"],
)
def test_other_urls_are_kept(url):
    assert not reaches_own_paths(url, frozenset({"localhost"}))


def test_rendered_markdown_drops_those_urls():
    html = render_markdown(
        '![a](/hooks/b/a.png) [b](/s/code) <img src="../hooks/b/x"> ![ok](https://example.com/i.png)',
        own_hosts=frozenset({"tools.example"}),
    )
    assert html == (
        '<p><img alt="a"> <a rel="noopener noreferrer nofollow">b</a> <img> '
        '<img src="https://example.com/i.png" alt="ok"></p>\n'
    )


async def test_notes_pastes_and_the_markdown_tool_never_request_own_paths(client, owner):
    source = "![x](/hooks/bin123/a.png) [short](/s/abc) ![y](http://localhost/hooks/bin123/b.png)"
    note = await (await client.post("/api/notes", json={"title": "t", "body": source}, headers=auth(owner))).get_json()
    paste_id = await create_paste(client, owner, source, "markdown")
    paste_page = await (await client.get(f"/p/{paste_id}")).get_data(as_text=True)
    tool = await (await client.post("/api/markdown", json={"input": source})).get_json()
    for html in (note["html"], paste_page, tool["html"]):
        assert "/hooks/" not in html.replace("/hooks/bin123/a.png)", "")  # only the source text may name it
        assert 'href="/s/' not in html and 'src="http://localhost/hooks' not in html


# --- output amplification ---------------------------------------------------------------------------


@pytest.fixture
async def capped_client(tmp_path, sqlite_template):
    """A stateless-tool client with a 1 MB output cap."""
    import shutil

    path = tmp_path / "mytools.sqlite3"
    shutil.copy(sqlite_template, path)
    application = make_app(f"sqlite:///{path}", MAX_OUTPUT_BYTES=str(MB))
    async with application.test_app():
        yield application.test_client()


def wide_csv(columns: int, rows: int) -> str:
    return ",".join(f"c{i}" for i in range(columns)) + "\n" + ("," * (columns - 1) + "\n") * rows


@pytest.mark.parametrize(
    "body",
    [
        {"input": wide_csv(1000, 100), "source_format": "csv", "target_format": "json"},  # 105 KB in, 1.5 MB out
        {"input": wide_csv(1000, 100), "source_format": "csv", "target_format": "yaml"},
        {
            "input": "a: &a " + "x" * 50_000 + "\nb: [" + ", ".join(["*a"] * 100) + "]\n",
            "source_format": "yaml",
            "target_format": "json",
        },  # 55 KB in, 5 MB out: few values, many bytes
    ],
)
async def test_convert_output_is_refused_past_the_cap(capped_client, body):
    response = await capped_client.post("/api/convert", json=body)
    assert response.status_code == 422
    error = (await response.get_json())["error"]
    assert error["message"] == "the result would be larger than the output limit of 1 MB"


async def test_json_pretty_printing_is_refused_past_the_cap(capped_client):
    deep = "[" * 800 + "]" * 800  # 1.6 KB; indented, 1.3 MB (each level indents one more)
    response = await capped_client.post("/api/json", json={"input": deep, "indent": "2"})
    assert response.status_code == 422
    assert (await response.get_json())["error"]["message"] == "the result would be larger than the output limit of 1 MB"
    small = await capped_client.post("/api/json", json={"input": "[[1]]", "indent": "2"})
    assert (await small.get_json())["result"] == "[\n  [\n    1\n  ]\n]"


async def test_hook_body_too_deep_to_pretty_print_is_shown_raw(client, owner, logged_in):
    created = await client.post("/api/hooks", json={}, headers=auth(owner))
    bin_id = (await created.get_json())["id"]
    body = "[" + ",".join(["[" * 900 + "]" * 900] * 5) + "]"  # 9 KB; indented, 8 MB: over the 4 MB render cap
    await client.post(f"/hooks/{bin_id}/x", data=body, headers={"Content-Type": "application/json"})
    listed = await (await client.get(f"/api/hooks/{bin_id}", headers=auth(owner))).get_json()
    request_id = listed["requests"][0]["id"]
    page = await (await client.get(f"/tools/hooks/{bin_id}/requests/{request_id}")).get_data(as_text=True)
    assert "Not pretty-printed: the result would be larger than the output limit of 4 MB." in page
    assert len(page) < 200_000
    small = await client.post(f"/hooks/{bin_id}/y", data=json.dumps({"a": [1]}))
    assert small.status_code < 400
