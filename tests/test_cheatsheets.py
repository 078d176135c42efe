"""Cheat sheets: the data file's shape and sources, search by words, sheets, page and API."""

from __future__ import annotations

import json
import re

import pytest

from tools.cheatsheets import DATA, CheatsheetQuery, look_up

SHEETS = {"git", "regex", "http-headers"}


def syntaxes(words: str, sheet: str = "all") -> list[str]:
    return [e.syntax for e in look_up(CheatsheetQuery(input=words, sheet=sheet)).entries]


def test_every_entry_is_complete_and_cites_its_source():
    data = json.loads(DATA.read_text())
    assert set(data["sheets"]) == SHEETS and all(data["sheets"][s]["sources"] for s in SHEETS)
    counts = {s: sum(e["sheet"] == s for e in data["entries"]) for s in SHEETS}
    assert all(25 <= n <= 50 for n in counts.values()), counts  # a few dozen each: compact
    prefixes = {
        "git": "https://git-scm.com/docs/git-",
        "regex": "https://docs.python.org/3/library/re.html#",
        "http-headers": "https://",
    }
    for entry in data["entries"]:
        assert set(entry) == {"sheet", "syntax", "text", "reference", "source"}
        assert entry["source"].startswith(prefixes[entry["sheet"]]), entry
        assert entry["text"].endswith(".") and entry["syntax"].strip() == entry["syntax"]


def test_http_headers_cite_rfc_9110_sections_that_match_their_links():
    for entry in json.loads(DATA.read_text())["entries"]:
        found = re.fullmatch(r"RFC (\d+), ([\d.]+)", entry["reference"])
        if found:
            number, section = found.groups()
            assert entry["source"] == f"https://www.rfc-editor.org/rfc/rfc{number}#section-{section}", entry


def test_search_needs_every_word_in_any_case():
    assert syntaxes("STASH") == ['git stash push -m "message"', "git stash pop"]
    assert syntaxes("stash pop") == ["git stash pop"]
    assert syntaxes("lookbehind", "regex") == ["(?<=...)  (?<!...)"]
    # RFC 9110, 13.1.2 and 13.1.3: the two conditional headers whose failure is 304 Not Modified.
    assert syntaxes("304", "http-headers") == ['If-None-Match: "33a64df5"', "If-Modified-Since: <HTTP-date>"]
    assert syntaxes("no such words anywhere") == []


def test_a_sheet_limits_the_search_and_an_empty_search_lists_it():
    assert syntaxes("cookie", "git") == [] and syntaxes("cookie") != []
    whole = look_up(CheatsheetQuery(sheet="regex"))
    assert whole.count == 31 and [s.name for s in whole.sheets] == ["regex"]
    assert [s.name for s in look_up(CheatsheetQuery()).sheets] == ["git", "regex", "http-headers"]


def test_the_text_result_is_one_line_per_entry():
    answer = look_up(CheatsheetQuery(input="reflog"))
    assert answer.result == "git reflog — Where HEAD has been: finds commits lost by a reset or a rebase."
    assert look_up(CheatsheetQuery(input="zzz")).result == "Nothing matches."


@pytest.mark.parametrize("query", ["\\d", "(?P<", "*"])
def test_regex_syntax_is_found_literally(query):
    assert any(query in s for s in syntaxes(query, "regex"))


async def test_page_links_the_sources(tool_client):
    page = await (await tool_client.get("/tools/cheatsheets/", query_string={"input": "vary"})).get_data(as_text=True)
    assert "<code>Vary: Accept-Encoding</code>" in page
    assert 'href="https://www.rfc-editor.org/rfc/rfc9110#section-12.5.5"' in page
    response = await tool_client.post("/api/cheatsheets", json={"input": "force", "sheet": "git"})
    assert [e["syntax"] for e in (await response.get_json())["entries"]] == ["git push --force-with-lease"]
