"""Tool discovery, the home page list and search, disabled tools."""

from __future__ import annotations

import re

import pytest

from core.config import PROJECT_ROOT
from core.registry import Tool, enabled_tools, import_tool_modules, tool_of, tools_by_category
from tests.conftest import make_app


def test_every_tool_module_declares_a_tool_and_blueprint():
    tools = [tool_of(module) for module in import_tool_modules()]
    slugs = [t.slug for t in tools]
    assert {"hash", "notes"} <= set(slugs)
    assert len(slugs) == len(set(slugs))
    for tool in tools:
        assert tool.summary, f"{tool.slug} needs a module docstring"
        assert tool.page_url == f"/tools/{tool.slug}/" and tool.api_url == f"/api/{tool.slug}"


def test_summary_comes_from_the_module_docstring():
    import tools.hash

    assert tool_of(tools.hash).summary == (
        "Hash text or a file with MD5, SHA-1, SHA-2, SHA-3 and BLAKE2 (or HMAC), and verify a digest."
    )


@pytest.mark.parametrize(
    "query, expected",
    [("sha256", True), ("HMAC", True), ("crypto", True), ("hash md5", True), ("md5 pastebin", False), ("", True)],
)
def test_tool_matches_every_word(query, expected):
    tool = Tool(slug="hash", title="Hash", category="Crypto", summary="Hash text.", keywords=("sha256", "md5", "hmac"))
    assert tool.matches(query) is expected


def test_tools_grouped_by_category_then_title():
    tools = [Tool("b", "Beta", "X"), Tool("a", "Alpha", "X"), Tool("c", "Gamma", "A")]
    grouped = tools_by_category(tools)
    assert list(grouped) == ["A", "X"]
    assert [t.title for t in grouped["X"]] == ["Alpha", "Beta"]


async def test_home_lists_tools_by_category(tool_client):
    page = await (await tool_client.get("/")).get_data(as_text=True)
    assert '<a href="/tools/hash/">Hash</a>' in page
    assert '<a href="/tools/notes/">Notes</a>' in page
    assert "<h2>Crypto</h2>" in page
    assert 'name="q"' in page and 'method="get"' in page  # search works as a plain GET form


async def test_home_search_without_javascript(tool_client):
    page = await (await tool_client.get("/?q=sha256")).get_data(as_text=True)
    assert '<a href="/tools/hash/">Hash</a>' in page
    assert '<a href="/tools/notes/">Notes</a>' not in page
    empty = await (await tool_client.get("/?q=nothing-matches-this")).get_data(as_text=True)
    assert "No tool matches" in empty


async def test_disabled_tools_are_hidden_and_unreachable(tmp_path, sqlite_template):
    import shutil

    shutil.copy(sqlite_template, tmp_path / "db.sqlite3")
    app = make_app(f"sqlite:///{tmp_path / 'db.sqlite3'}", MYTOOLS_DISABLED_TOOLS="hash")
    async with app.test_app():
        client = app.test_client()
        page = await (await client.get("/")).get_data(as_text=True)
        assert "/tools/hash/" not in page and "/tools/notes/" in page
        assert (await client.get("/tools/hash/")).status_code == 404
        assert (await client.post("/api/hash", json={"input": "x"})).status_code == 404
        spec = await (await client.get("/api/openapi.json")).get_json()
        assert "/api/hash" not in spec["paths"]


def test_the_readme_table_lists_exactly_the_registry_tools():
    # The tests take their slugs from the registry; this keeps a tool from going missing unnoticed.
    readme = (PROJECT_ROOT / "README.md").read_text()
    table = readme.split("## What is inside", 1)[1].split("\n\n", 2)[1]
    listed = set(re.findall(r"(?:\| |· )`([a-z0-9-]+)`", table))
    assert listed == {tool_of(module).slug for module in import_tool_modules()}


async def test_every_tool_is_on_the_home_page_and_in_the_api(tool_client):
    page = await (await tool_client.get("/")).get_data(as_text=True)
    spec = await (await tool_client.get("/api/openapi.json")).get_json()
    for slug in [tool.slug for tool in enabled_tools(tool_client.app)]:
        assert f'href="/tools/{slug}/"' in page, slug
        assert any(path == f"/api/{slug}" or path.startswith(f"/api/{slug}/") for path in spec["paths"]), slug
        response = await tool_client.get(f"/tools/{slug}/")
        assert response.status_code in (200, 302), slug  # 302: notes sends visitors to the login page


def test_example_links_are_the_page_with_the_examples_query_string():
    tool = Tool("x", "X", "Y", examples=(("One", {"input": "a b&c/é", "flags": ["A", "B"]}), ("Two", {"n": "1"})))
    assert tool.example_links == (
        ("One", "/tools/x/?input=a+b%26c%2F%C3%A9&flags=A&flags=B"),
        ("Two", "/tools/x/?n=1"),
    )
    assert tool.example_links is tool.example_links  # built once
