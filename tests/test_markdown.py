"""The Markdown preview: CommonMark and GFM spec examples, footnotes, sanitizing (XSS), limits, page and API."""

from __future__ import annotations

import html
import re
import time
from urllib.parse import urlencode

import httpx
import pytest
from serverutil import free_port, python_module, running, server_env, wait_for_status

import core.executor
from core.executor import Limits, WorkLimitExceeded, run_bounded
from core.markdown import render_markdown, to_html

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
HTMX = {"HX-Request": "true"}
REL = ' rel="noopener noreferrer nofollow"'

# CommonMark Spec 0.31.2 (spec.commonmark.org/0.31.2), by example number: (markdown, expected HTML), verbatim
# from the spec with its tab arrows written as \t. These check markdown-it-py's output before sanitizing.
COMMONMARK = {
    1: ("\tfoo\tbaz\t\tbim\n", "<pre><code>foo\tbaz\t\tbim\n</code></pre>\n"),
    12: (
        "\\!\\\"\\#\\$\\%\\&\\'\\(\\)\\*\\+\\,\\-\\.\\/\\:\\;\\<\\=\\>\\?\\@\\[\\\\\\]\\^\\_\\`\\{\\|\\}\\~\n",
        "<p>!&quot;#$%&amp;'()*+,-./:;&lt;=&gt;?@[\\]^_`{|}~</p>\n",
    ),
    20: (
        "<https://example.com?find=\\*>\n",
        '<p><a href="https://example.com?find=%5C*">https://example.com?find=\\*</a></p>\n',
    ),
    21: ('<a href="/bar\\/)">\n', '<a href="/bar\\/)">\n'),
    25: (
        "&nbsp; &amp; &copy; &AElig; &Dcaron;\n&frac34; &HilbertSpace; &DifferentialD;\n"
        "&ClockwiseContourIntegral; &ngE;\n",
        "<p>\u00a0 &amp; \u00a9 \u00c6 \u010e\n\u00be \u210b \u2146\n\u2232 \u2267\u0338</p>\n",
    ),
    43: ("***\n---\n___\n", "<hr />\n<hr />\n<hr />\n"),
    62: (
        "# foo\n## foo\n### foo\n#### foo\n##### foo\n###### foo\n",
        "<h1>foo</h1>\n<h2>foo</h2>\n<h3>foo</h3>\n<h4>foo</h4>\n<h5>foo</h5>\n<h6>foo</h6>\n",
    ),
    119: ("```\n<\n >\n```\n", "<pre><code>&lt;\n &gt;\n</code></pre>\n"),
    328: ("`foo`\n", "<p><code>foo</code></p>\n"),
    350: ("*foo bar*\n", "<p><em>foo bar</em></p>\n"),
    505: (
        "[link](/url \"title\")\n[link](/url 'title')\n[link](/url (title))\n",
        '<p><a href="/url" title="title">link</a>\n<a href="/url" title="title">link</a>\n'
        '<a href="/url" title="title">link</a></p>\n',
    ),
    516: (
        "[link *foo **bar** `#`*](/uri)\n",
        '<p><a href="/uri">link <em>foo <strong>bar</strong> <code>#</code></em></a></p>\n',
    ),
    517: ("[![moon](moon.jpg)](/uri)\n", '<p><a href="/uri"><img src="moon.jpg" alt="moon" /></a></p>\n'),
    527: ('[foo][bar]\n\n[bar]: /url "title"\n', '<p><a href="/url" title="title">foo</a></p>\n'),
}

# GitHub Flavored Markdown Spec 0.29-gfm (github.github.com/gfm), by example number, verbatim.
GFM_TABLES = {
    198: (
        "| foo | bar |\n| --- | --- |\n| baz | bim |\n",
        "<table>\n<thead>\n<tr>\n<th>foo</th>\n<th>bar</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>baz</td>\n"
        "<td>bim</td>\n</tr>\n</tbody>\n</table>\n",
    ),
    199: (
        "| abc | defghi |\n:-: | -----------:\nbar | baz\n",
        '<table>\n<thead>\n<tr>\n<th align="center">abc</th>\n<th align="right">defghi</th>\n</tr>\n</thead>\n'
        '<tbody>\n<tr>\n<td align="center">bar</td>\n<td align="right">baz</td>\n</tr>\n</tbody>\n</table>\n',
    ),
    201: (
        "| abc | def |\n| --- | --- |\n| bar | baz |\n> bar\n",
        "<table>\n<thead>\n<tr>\n<th>abc</th>\n<th>def</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>bar</td>\n"
        "<td>baz</td>\n</tr>\n</tbody>\n</table>\n<blockquote>\n<p>bar</p>\n</blockquote>\n",
    ),
    203: ("| abc | def |\n| --- |\n| bar |\n", "<p>| abc | def |\n| --- |\n| bar |</p>\n"),
    205: (
        "| abc | def |\n| --- | --- |\n",
        "<table>\n<thead>\n<tr>\n<th>abc</th>\n<th>def</th>\n</tr>\n</thead>\n</table>\n",
    ),
}
GFM_TASK_LISTS = {
    279: (
        "- [ ] foo\n- [x] bar\n",
        '<ul>\n<li><input disabled="" type="checkbox"> foo</li>\n'
        '<li><input checked="" disabled="" type="checkbox"> bar</li>\n</ul>\n',
    ),
    280: (
        "- [x] foo\n  - [ ] bar\n  - [x] baz\n- [ ] bim\n",
        '<ul>\n<li><input checked="" disabled="" type="checkbox"> foo\n<ul>\n'
        '<li><input disabled="" type="checkbox"> bar</li>\n'
        '<li><input checked="" disabled="" type="checkbox"> baz</li>\n'
        '</ul>\n</li>\n<li><input disabled="" type="checkbox"> bim</li>\n</ul>\n',
    ),
}

# mdit-py-plugins documentation, footnote_plugin (its docstring): the pandoc-style example.
FOOTNOTES = """Here is a footnote reference,[^1] and another.[^longnote]

[^1]: Here is the footnote.

[^longnote]: Here's one with multiple blocks.

    Subsequent paragraphs are indented to show that they
belong to the previous footnote.
"""
# The markdown-it-footnote README shows this markup for the same input; here nh3 adds rel to the links, and
# mdit-py-plugins writes the back-reference as U+21A9 U+FE0E.
FOOTNOTES_HTML = (
    f'<p>Here is a footnote reference,<sup class="footnote-ref"><a href="#fn1" id="fnref1"{REL}>[1]</a></sup> and '
    f'another.<sup class="footnote-ref"><a href="#fn2" id="fnref2"{REL}>[2]</a></sup></p>\n'
    '<hr class="footnotes-sep">\n<section class="footnotes">\n<ol class="footnotes-list">\n'
    f'<li id="fn1" class="footnote-item"><p>Here is the footnote. <a href="#fnref1" class="footnote-backref"{REL}>'
    "\u21a9\ufe0e</a></p>\n</li>\n"
    '<li id="fn2" class="footnote-item"><p>Here\'s one with multiple blocks.</p>\n'
    "<p>Subsequent paragraphs are indented to show that they\nbelong to the previous footnote. "
    f'<a href="#fnref2" class="footnote-backref"{REL}>\u21a9\ufe0e</a></p>\n</li>\n</ol>\n</section>\n'
)


def gfm_checkboxes(rendered: str) -> str:
    """The task list markup in the GFM spec's form: without the plugin's classes, checkbox attributes in order.

    mdit-py-plugins adds classes (contains-task-list, task-list-item...) and nh3 writes the attributes in its
    own order and keeps checked="checked"; each item is wrapped in a <label> that names its checkbox. What the
    spec checks, the checkboxes and their state, is unchanged.
    """
    without_classes = re.sub(r' class="[^"]*"|</?label>', "", rendered)
    return re.sub(
        r"<input[^>]*>",
        lambda m: '<input checked="" disabled="" type="checkbox">' if "checked" in m.group() else m.group(),
        re.sub(r"<input(?![^>]*checked)[^>]*>", '<input disabled="" type="checkbox">', without_classes),
    )


def share_link(page: str) -> str | None:
    found = re.search(r'<p class="share"><a href="([^"]*)">', page)
    return html.unescape(found.group(1)) if found else None


# --- spec examples ----------------------------------------------------------------------------------


@pytest.mark.parametrize("number", sorted(COMMONMARK))
def test_commonmark_spec_example(number):
    markdown, expected = COMMONMARK[number]
    assert to_html(markdown) == expected


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        # The same examples after nh3: HTML5 void elements lose their "/", links gain rel, entities stay.
        (43, "<hr>\n<hr>\n<hr>\n"),
        (517, f'<p><a href="/uri"{REL}><img src="moon.jpg" alt="moon"></a></p>\n'),
        (527, f'<p><a href="/url" title="title"{REL}>foo</a></p>\n'),
        (350, "<p><em>foo bar</em></p>\n"),
    ],
)
def test_commonmark_examples_survive_sanitizing(number, expected):
    assert render_markdown(COMMONMARK[number][0]) == expected


@pytest.mark.parametrize("number", sorted(GFM_TABLES))
def test_gfm_table_example(number):
    markdown, expected = GFM_TABLES[number]
    # Alignment comes out as align="..." (the spec's form), not markdown-it's style attribute.
    assert to_html(markdown) == expected
    assert render_markdown(markdown) == expected


@pytest.mark.parametrize("number", sorted(GFM_TASK_LISTS))
def test_gfm_task_list_example(number):
    markdown, expected = GFM_TASK_LISTS[number]
    rendered = render_markdown(markdown)
    assert gfm_checkboxes(rendered) == expected
    assert rendered.count('disabled=""') == markdown.count("[")  # every checkbox is read-only


def test_task_list_keeps_checked_disabled_checkbox():
    assert render_markdown("- [x] done\n") == (
        '<ul class="contains-task-list">\n<li class="task-list-item"><label><input class="task-list-item-checkbox" '
        'checked="checked" type="checkbox" disabled=""> done</label></li>\n</ul>\n'
    )  # the <label> names the checkbox for screen readers
    assert render_markdown("- [x] done\n") == render_markdown("- [x] done\n")  # the same every time


def test_gfm_strikethrough_examples():
    # GFM spec example 492, verbatim.
    assert render_markdown("This ~~has a\n\nnew paragraph~~.\n") == "<p>This ~~has a</p>\n<p>new paragraph~~.</p>\n"
    # GFM spec example 491 expects <del>there</del> for single tildes too; markdown-it supports only the
    # double form, so "~there~" stays text (a known difference of markdown-it-py's strikethrough rule).
    assert render_markdown("~~Hi~~ Hello, ~there~ world!\n") == "<p><del>Hi</del> Hello, ~there~ world!</p>\n"


def test_footnotes_example_from_the_mdit_py_plugins_docs():
    assert render_markdown(FOOTNOTES) == FOOTNOTES_HTML


def test_fenced_code_keeps_its_language_class_only():
    assert render_markdown("```python\nx = 1\n```\n") == '<pre><code class="language-python">x = 1\n</code></pre>\n'
    assert render_markdown('<code class="language-js container">x</code>') == (
        '<p><code class="language-js">x</code></p>\n'
    )


# --- sanitizing -------------------------------------------------------------------------------------

XSS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<svg><script>alert(1)</script></svg>",
    "<svg onload=alert(1)>",
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)">',
    '<p onclick="alert(1)" style="color:red">hi</p>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](<javascript:alert(1)>)",
    '<a href="javascript:alert(1)">x</a>',
    "<a href='  jav&#x09;ascript:alert(1)'>x</a>",
    '<a href="vbscript:msgbox(1)">x</a>',
    "![x](data:image/png;base64,iVBORw0KGgo=)",
    '<img src="data:image/svg+xml;base64,PHN2Zz4=">',
    '<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">x</a>',
    "[x]: javascript:alert(1)\n\n[link][x]",
    '<iframe src="https://evil.example"></iframe>',
    '<object data="x.swf"></object><embed src="x.swf">',
    "<style>body { display: none }</style>",
    '<form action="/api/notes" method="post"><button>go</button></form>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<base href="https://evil.example/">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<input type="text" name="password" onfocus="alert(1)" autofocus>',
    '<div id="result" class="container">clobber</div>',
]
FORBIDDEN = re.compile(
    r"<script|<svg|<iframe|<object|<embed|<style|<form|<meta|<base|<link|<math|"
    r"\son\w+\s*=|style=|(?:href|src)\s*=\s*[\"']?\s*(?:javascript|vbscript|data):|autofocus|"
    r'name=|id="result"|class="container"',
    re.IGNORECASE,
)


@pytest.mark.parametrize("source", XSS)
def test_dangerous_markup_never_reaches_the_output(source):
    output = render_markdown(source)
    assert not FORBIDDEN.search(output), output


def test_allowed_markup_is_kept():
    # The HTML parser closes the paragraph before <details>, as a browser would.
    assert render_markdown("<kbd>Ctrl</kbd> <details open><summary>s</summary>d</details>") == (
        '<p><kbd>Ctrl</kbd> </p><details open=""><summary>s</summary>d</details><p></p>\n'
    )
    assert render_markdown("[mail](mailto:a@example.com)") == (f'<p><a href="mailto:a@example.com"{REL}>mail</a></p>\n')


def test_inputs_in_raw_html_are_read_only():
    assert render_markdown('<input type="text" name="q" value="x">') == '<input disabled="">'
    assert render_markdown('<input type="checkbox" checked>') == '<input type="checkbox" checked="" disabled="">'


# --- limits -----------------------------------------------------------------------------------------


async def test_slow_input_is_stopped_at_the_time_limit():
    started = time.monotonic()
    with pytest.raises(WorkLimitExceeded) as stopped:
        await run_bounded(render_markdown, "[" * 300_000, limits=Limits(0.5, 2**30, 2**20))  # about 3 s of work
    assert stopped.value.kind == "time"
    assert time.monotonic() - started < 2.0


async def test_render_in_a_child_process():
    assert await run_bounded(render_markdown, "# Hi", limits=Limits(10, 2**30, 2**20)) == "<h1>Hi</h1>\n"


@pytest.mark.slow
def test_renders_under_hypercorn_workers(tmp_path):
    # Hypercorn's workers are daemonic processes, which multiprocessing refuses to let start children:
    # the bounded executor's forked children must start all the same (a real server, two workers).
    port = free_port()
    env = server_env(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    args = [*python_module("hypercorn"), "app:app", "--workers", "2", "--bind", f"127.0.0.1:{port}"]
    with running(args, env) as server:
        wait_for_status(server, f"http://127.0.0.1:{port}/healthz")
        for _ in range(4):  # requests reach both workers
            response = httpx.post(f"http://127.0.0.1:{port}/api/markdown", json={"input": "*hi*"}, timeout=10)
            assert (response.status_code, response.json()) == (200, {"html": "<p><em>hi</em></p>\n"})
        assert "Traceback" not in server.output()


# --- JSON API ---------------------------------------------------------------------------------------


async def test_api_render(tool_client):
    response = await tool_client.post("/api/markdown", json={"input": "# Hi\n\n- [x] done"})
    assert response.status_code == 200
    assert await response.get_json() == {
        "html": '<h1>Hi</h1>\n<ul class="contains-task-list">\n<li class="task-list-item"><label><input '
        'class="task-list-item-checkbox" checked="checked" type="checkbox" disabled=""> done</label></li>\n</ul>\n'
    }


async def test_api_sanitizes(tool_client):
    response = await tool_client.post("/api/markdown", json={"input": "<img src=x onerror=alert(1)><script>x</script>"})
    assert await response.get_json() == {"html": '<p><img src="x"></p>\n'}


@pytest.mark.parametrize(
    ("body", "phrase"),
    [({}, "Field required"), ({"input": 3}, "valid string"), ({"input": "x" * 400_001}, "at most 400000")],
)
async def test_api_errors_name_the_field(tool_client, body, phrase):
    response = await tool_client.post("/api/markdown", json=body)
    assert response.status_code == 422
    error = (await response.get_json())["error"]
    assert error["field"] == "input"
    assert phrase in error["message"]


async def test_api_timeout_is_422_with_a_message(tool_client, monkeypatch):
    monkeypatch.setattr(core.executor, "_DEFAULT_LIMITS", Limits(0.5, 96 * 2**20, 16 * 2**20))
    response = await tool_client.post("/api/markdown", json={"input": "[" * 300_000})
    assert response.status_code == 422
    error = (await response.get_json())["error"]
    assert error["field"] == "input"
    assert error["message"] == "this input takes too long to process: the limit is 0.5 s"


# --- page -------------------------------------------------------------------------------------------


async def test_empty_page(tool_client):
    response = await tool_client.get("/tools/markdown/")
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'method="post" action="/tools/markdown/"' in page
    assert 'hx-trigger="input delay:300ms, submit"' in page  # a live preview
    assert '<label for="input">' in page
    result = page.split('<section id="result"')[1]
    assert "Example — Emphasis, code and a link." in result
    assert (
        "<em>emphasis</em>" in result
        and '<a href="https://example.com" rel="noopener noreferrer nofollow">link</a>' in result
    )
    assert "style=" not in page
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", page))


async def test_page_shows_the_preview_and_the_escaped_source(tool_client):
    form = urlencode({"input": "**bold** <script>alert(1)</script>"})
    response = await tool_client.post("/tools/markdown/", data=form, headers=FORM)
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" in page
    preview = '<article class="markdown-preview markdown-content" id="markdown-preview">'
    assert preview + "<p><strong>bold</strong> </p>\n</article>" in page
    assert '<code id="markdown-html">&lt;p&gt;&lt;strong&gt;bold&lt;/strong&gt; &lt;/p&gt;\n</code>' in page
    assert 'data-copy-target="markdown-html"' in page
    assert "<script>alert" not in page and "alert(1)" not in page.split("</textarea>")[1]


async def test_page_with_htmx_returns_the_preview_only(tool_client):
    form = urlencode({"input": "| a |\n|:-:|\n| b |"})
    response = await tool_client.post("/tools/markdown/", data=form, headers={**FORM, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in fragment
    assert "HX-Request" in response.headers.get("Vary", "")
    assert '<th align="center">a</th>' in fragment


async def test_page_oversize_input_error_is_next_to_the_field(tool_client):
    form = urlencode({"input": "x" * 400_001})
    response = await tool_client.post("/tools/markdown/", data=form, headers={**FORM, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 422
    oob = re.search(r'<div id="input-feedback" hx-swap-oob="true">(.*?)</div>', fragment, re.S)
    assert oob and "at most 400000 characters" in oob.group(1)
    assert "markdown-preview" not in fragment


async def test_get_with_query_reproduces_the_result(tool_client):
    response = await tool_client.get("/tools/markdown/?" + urlencode({"input": "*hi*"}))
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    preview = '<article class="markdown-preview markdown-content" id="markdown-preview">'
    assert preview + "<p><em>hi</em></p>\n</article>" in page
    assert share_link(page) == "/tools/markdown/?input=%2Ahi%2A"


async def test_tool_is_listed_on_the_home_page(tool_client):
    page = await (await tool_client.get("/")).get_data(as_text=True)
    assert "/tools/markdown/" in page
