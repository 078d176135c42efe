"""Finding a tool: the fuzzy rule (core.search), the home page search without JS, the palette's data."""

from __future__ import annotations

import hashlib
import json
import re

import pytest

from core.registry import Tool, import_tool_modules, tool_of
from core.search import ToolIndex, index_entry, is_scattered_in, match_score, search, token_score, words

TOOLS = [tool_of(module) for module in import_tool_modules()]
INDEX = ToolIndex(TOOLS)


def ranked(query: str) -> list[str]:
    return [tool.slug for tool in search(TOOLS, query, INDEX.entries)]


# --- known answers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, first",
    [
        ("sha", "hash"),  # alias, and the prefix of the keyword sha256
        ("SHA256", "hash"),
        ("b64", "encode"),  # alias only: no tool says "b64"
        ("base64", "encode"),
        ("Base64", "encode"),
        ("jwt", "jwt"),
        ("uid", "uuid"),  # inside the slug "uuid"
        ("guid", "uuid"),
        ("cidr", "subnet"),
        ("epoch", "time"),
        ("crontab", "cron"),
        ("regx", "regex"),  # letters in order: r-e-g-x in "regex"
        ("hash md5", "hash"),  # every word must match
        ("json web token", "jwt"),
    ],
)
def test_known_queries_rank_the_expected_tool_first(query, first):
    assert ranked(query)[0] == first, ranked(query)


def test_b64_finds_only_the_encode_tool():
    assert ranked("b64") == ["encode"]


@pytest.mark.parametrize("query", ["zzqxj", "qwertyuiop", "xylophone", "hash pastebinxyz", "!!!x7q"])
def test_nonsense_finds_nothing(query):
    assert ranked(query) == []


def test_an_empty_query_lists_every_tool():
    assert sorted(ranked("")) == sorted(t.slug for t in TOOLS)
    assert ranked("   ") and match_score("", INDEX.entries["hash"]) == 0


def test_every_tool_is_first_for_its_own_slug_and_title():
    for tool in TOOLS:
        assert ranked(tool.slug)[0] == tool.slug, tool.slug
        assert ranked(tool.title)[0] == tool.slug, tool.title


def test_points_follow_where_the_word_matched():
    tool = Tool(
        slug="demo", title="Hash", category="Crypto", summary="Digest text.", keywords=("sha256", "hmac key", "sha")
    )
    entry = index_entry(tool)
    assert token_score("hash", entry) == 100  # a word of the name
    assert token_score("sha", entry) == 90  # a whole keyword
    assert token_score("ha", entry) == 80  # the start of a word of the name
    assert token_score("sha2", entry) == 60  # the start of a keyword
    assert token_score("as", entry) == 50  # inside the name
    assert token_score("ac", entry) == 40  # inside a keyword
    assert token_score("cry", entry) == 30  # the start of the category or a summary word
    assert token_score("ges", entry) == 20  # inside a summary word
    assert token_score("hmk", entry) == 10  # h, m, k in order in "hmackey" ("hmac key" as one word)
    assert token_score("hmackey", entry) == 90
    assert token_score("smac", entry) == 0


def test_scattered_letters_must_start_the_word_and_keep_their_order():
    assert is_scattered_in("rgx", "regex") and is_scattered_in("b64", "base64")
    assert not is_scattered_in("xgr", "regex") and not is_scattered_in("egx", "regex")
    assert not is_scattered_in("b46", "base64")


def test_words_are_lower_case_letter_and_digit_runs():
    assert words("Encode / decode") == ["encode", "decode"]
    assert words("SHA-256, x_y") == ["sha", "256", "x", "y"]


def test_tool_matches_uses_the_same_rule():
    tool = Tool(slug="hash", title="Hash", category="Crypto", summary="Hash text.", keywords=("sha256", "md5"))
    assert tool.matches("sha") and tool.matches("crypto") and tool.matches("hsh")
    assert not tool.matches("md5 pastebin")


# --- the home page without JavaScript -----------------------------------------------------------


def result_slugs(page: str) -> list[str]:
    results = page.split('id="results-title"', 1)[1]
    return re.findall(r'<article class="tool-card" data-slug="([^"]+)"', results)


@pytest.mark.parametrize("query, first", [("sha", "hash"), ("b64", "encode"), ("jwt", "jwt"), ("uid", "uuid")])
async def test_home_search_ranks_like_the_palette(tool_client, query, first):
    page = await (await tool_client.get(f"/?q={query}")).get_data(as_text=True)
    assert result_slugs(page) == ranked(query)
    assert result_slugs(page)[0] == first


async def test_home_search_for_nonsense_says_so(tool_client):
    page = await (await tool_client.get("/?q=zzqxj")).get_data(as_text=True)
    assert "No tool matches “zzqxj”" in page and result_slugs(page) == []


# --- the palette's data and markup --------------------------------------------------------------


async def test_every_page_has_the_palette_with_a_versioned_index(tool_client):
    for path in ("/", "/tools/hash/", "/login", "/api/"):
        page = await (await tool_client.get(path)).get_data(as_text=True)
        dialog = re.search(r'<dialog id="palette"[^>]*data-index="([^"]+)"', page)
        assert dialog, path
        assert re.fullmatch(r"/tools\.json\?v=[0-9a-f]{10}", dialog.group(1))
        assert '<label id="palette-label" for="palette-input">' in page
        assert 'role="combobox"' in page and 'aria-controls="palette-list"' in page
        assert '<ul id="palette-list" role="listbox"' in page
        assert "data-palette-open" in page  # a visible button for those who do not know the shortcut
        assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", page)), path  # nothing inline (CSP)


async def test_tools_json_holds_every_tool_with_its_match_words(tool_client):
    page = await (await tool_client.get("/")).get_data(as_text=True)
    url = re.search(r'data-index="([^"]+)"', page).group(1).replace("&amp;", "&")
    response = await tool_client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/json"
    data = await response.get_json()
    entries = {e["slug"]: e for e in data["tools"]}
    assert set(entries) == {t.slug for t in TOOLS}
    encode = entries["encode"]
    assert encode["url"] == "/tools/encode/" and "b64" in encode["keys"] and "base64" in encode["keys"]
    assert {"names", "keys", "text", "title", "summary", "category"} <= set(encode)
    # The same entries the server ranks with: the browser cannot disagree for lack of data.
    assert data == json.loads(INDEX.body) and entries == INDEX.entries


async def test_tools_json_is_cached_for_a_year_at_its_versioned_url(tool_client):
    version = hashlib.sha256(INDEX.body).hexdigest()[:10]
    response = await tool_client.get(f"/tools.json?v={version}")
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    etag = response.headers["ETag"]
    assert etag == f'"{version}"'
    again = await tool_client.get(f"/tools.json?v={version}", headers={"If-None-Match": etag})
    assert again.status_code == 304
    bare = await tool_client.get("/tools.json")
    assert bare.status_code == 200 and bare.headers["Cache-Control"] == "no-cache"


async def test_skip_link_and_main_target(tool_client):
    page = await (await tool_client.get("/tools/hash/")).get_data(as_text=True)
    body = page.split("<body", 1)[1]
    first_link = re.search(r"<a [^>]*>", body).group(0)
    assert 'href="#main"' in first_link and "skip-link" in first_link
    assert '<main id="main" tabindex="-1">' in page  # the target; its container also holds the tool sidebar
