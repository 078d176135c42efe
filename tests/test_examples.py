"""Every tool's example links: each one fills the form and shows a result, without a field error."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from core.registry import Tool, import_tool_modules, tool_of

TOOLS = [tool_of(module) for module in import_tool_modules()]
EXAMPLES = [(tool, label, params) for tool in TOOLS for label, params in tool.examples]
NO_EXAMPLES = {"whoami", "notes", "recipes"}  # whoami has no form; notes needs the owner's login; recipes' are
# share links of whole recipes (?r=…), listed in the builder (tests/test_recipes_pages.py)
MAX_URL = 500

EXAMPLES_NAV = re.compile(r'<nav aria-label="Examples">(.*?)</nav>', re.S)
LINK = re.compile(r'<a href="([^"]*)">([^<]*)</a>')
RESULT_START = re.compile(r'<section id="result"[^>]*>')
SECTION_TAG = re.compile(r"<(/?)section\b")
FIELD_NAME = re.compile(r'<(?:input|textarea|select)\b[^>]*\bname="([^"]+)"')


def example_links(page: str) -> dict[str, str]:
    """label -> URL of the links in the Examples nav (HTML entities decoded)."""
    nav = EXAMPLES_NAV.search(page)
    if nav is None:
        return {}
    return {html.unescape(label): html.unescape(href) for href, label in LINK.findall(nav.group(1))}


def result_section(page: str) -> str:
    """The inside of <section id="result">, up to its own closing tag (results may hold sections)."""
    start = RESULT_START.search(page)
    assert start, 'the page has no <section id="result">'
    depth = 1
    for tag in SECTION_TAG.finditer(page, start.end()):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return page[start.end() : tag.start()]
    raise AssertionError("the result section is not closed")


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


def as_lists(params: dict[str, str | list[str]]) -> dict[str, list[str]]:
    return {name: [value] if isinstance(value, str) else list(value) for name, value in params.items()}


def test_every_tool_with_a_form_has_two_to_four_examples():
    for tool in TOOLS:
        if tool.slug in NO_EXAMPLES:
            continue
        if tool.slug in {"links", "paste", "hooks"} and not tool.examples:
            continue  # being written by others; they add theirs
        assert 2 <= len(tool.examples) <= 4, f"{tool.slug} has {len(tool.examples)} examples"
        labels = [label for label, _ in tool.examples]
        assert len(labels) == len(set(labels)), f"{tool.slug}: example labels must differ"


def test_examples_do_not_stop_a_tool_from_being_hashed():
    tool = Tool("x", "X", "Y", examples=(("One", {"input": "1", "flags": ["A", "B"]}),))
    assert hash(tool) == hash(Tool("x", "X", "Y"))


async def test_a_tool_without_examples_shows_no_examples_nav(tool_client):
    page = await (await tool_client.get("/tools/whoami/")).get_data(as_text=True)
    assert 'aria-label="Examples"' not in page


@pytest.mark.parametrize("tool, label, params", EXAMPLES, ids=[f"{tool.slug}: {label}" for tool, label, _ in EXAMPLES])
async def test_example_link_fills_the_form_and_shows_a_result(tool_client, tool, label, params):
    blank = await (await tool_client.get(tool.page_url)).get_data(as_text=True)
    links = example_links(blank)
    assert len(links) == len(tool.examples)
    url = links[label]
    assert url.startswith(tool.page_url + "?") and len(url) <= MAX_URL
    assert query_of(url) == as_lists(params)  # list values become repeated parameters

    response = await tool_client.get(url)
    page = await response.get_data(as_text=True)
    if tool.operations and tool.operations[0].network:  # a visitor may not: the filled form says to log in
        assert response.status_code == 401 and "Log in to use the network tools" in page
        assert set(params) <= set(FIELD_NAME.findall(page))
        return
    assert response.status_code == 200, page
    # Every parameter is a field of the (filled) form: a misspelt name would be silently ignored.
    assert set(params) <= set(FIELD_NAME.findall(page)), "a parameter is not a field of the form"
    assert 'class="field-error"' not in page and 'aria-invalid="true"' not in page
    result = result_section(page)
    assert result.strip(), "the result section is empty"
    assert result != result_section(blank), "the example shows the same as the empty form"
