"""The palette (static/js/app.js, run with node) ranks every query exactly as core.search does."""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess

import pytest

from core.config import PROJECT_ROOT
from core.registry import import_tool_modules, tool_of
from core.search import ToolIndex, search, token_score, words

APP_JS = PROJECT_ROOT / "static" / "js" / "app.js"
# The matching code sits between these two comments of app.js; it needs no browser.
START, END = "// --- Matching:", "// The tool index"
# Where the browser suite is required (CI), node is too: there a missing node is a failure, never a skip.
REQUIRE = os.environ.get("MYTOOLS_REQUIRE_POSTGRES") == "1"
# The points of every tier of core.search (0: no match); the queries below must reach each of them.
TIERS = {100, 90, 80, 60, 50, 40, 30, 20, 10, 0}

TOOLS = [tool_of(module) for module in import_tool_modules()]
INDEX = ToolIndex(TOOLS)
# The order node sees the tools in: GET /tools.json's.
JSON_TOOLS = json.loads(INDEX.body)["tools"]

RUNNER = """
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const ranked = {}, points = {};
for (const query of input.queries) {
  ranked[query] = rank(input.tools, query).map(function (e) { return e.slug; });
  for (const token of words(query)) points[token] = input.tools.map(function (e) { return scoreToken(token, e); });
}
process.stdout.write(JSON.stringify({ranked: ranked, points: points}));
"""


def matching_code() -> str:
    """The matching functions of app.js (words, scoreToken, rank …), as written there."""
    source = APP_JS.read_text()
    assert START in source and END in source, f"app.js lost its '{START}' or '{END}' comment"
    code = source.split(START, 1)[1].split("\n", 1)[1].split(END, 1)[0]  # from the line after START
    assert "function rank(" in code and "function scoreToken(" in code
    return code


def variants(word: str) -> list[str]:
    """Prefixes, inner parts and letters-in-order forms of a word: what people type for it."""
    found = [word[:n] for n in (1, 2, 3)] + [word[1:3], word[1:4], word[-3:], word[-2:]]
    if len(word) >= 4:
        found += [word[0] + word[2:], word[0] + word[-2:]]
    return found


@functools.cache
def queries() -> tuple[str, ...]:
    """About a thousand queries built from every word of the index, two-word ones, and nonsense."""
    found: list[str] = []
    for entry in JSON_TOOLS:
        for word in (*entry["names"], *entry["keys"], *entry["text"]):
            found.extend(variants(word))
    single = list(dict.fromkeys(found))
    found = single + [f"{a} {b}" for a, b in zip(single[::7], single[3::11], strict=False)]
    found += [entry["title"] for entry in JSON_TOOLS] + ["", "   ", "SHA-256", "Base64!", "zzqxj", "x y", "é"]
    return tuple(dict.fromkeys(found))


def node() -> str:
    found = shutil.which("node")
    if found is None:
        if REQUIRE:
            pytest.fail("node is missing: apt-get install nodejs")
        pytest.skip("node is missing: apt-get install nodejs")
    return found


def run_in_node(code: str, program: str, stdin: str = "") -> str:
    """Run app.js's matching `code` followed by `program` in node; its standard output."""
    script = "(function () {\n" + code + program + "\n})();"
    result = subprocess.run([node(), "-e", script], input=stdin, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def in_node(query_list: tuple[str, ...], code: str | None = None, tools: list[dict] = JSON_TOOLS) -> dict:
    """app.js over `tools`: {"ranked": {query: slugs}, "points": {word: [scoreToken(word, tool) per tool]}}."""
    stdin = json.dumps({"tools": tools, "queries": query_list})
    return json.loads(run_in_node(code or matching_code(), RUNNER, stdin))


def in_python(query_list: tuple[str, ...], tools: list[dict] = JSON_TOOLS) -> dict:
    """The same answers from core.search."""
    return python_answers(query_list, tuple(entry["slug"] for entry in tools))


@functools.cache
def python_answers(query_list: tuple[str, ...], slugs: tuple[str, ...]) -> dict:
    tools = [INDEX.entries[slug] for slug in slugs]
    ranked = {q: [tool.slug for tool in search(TOOLS, q, INDEX.entries)] for q in query_list}
    points = {t: [token_score(t, entry) for entry in tools] for q in query_list for t in words(q)}
    return {"ranked": ranked, "points": points}


def differences(expected: dict, found: dict) -> list[tuple]:
    return [
        (part, key, expected[part][key], found[part].get(key))
        for part in ("ranked", "points")
        for key in expected[part]
        if found[part].get(key) != expected[part][key]
    ]


def test_the_queries_reach_every_tier_of_the_rule():
    reached = {token_score(token, entry) for query in queries() for token in words(query) for entry in JSON_TOOLS}
    assert reached == TIERS


@pytest.mark.parametrize("order", ["as /tools.json sends them", "reversed"])
def test_node_scores_and_ranks_every_query_as_core_search(order):
    # Reversed: the order of the index must not matter (ties go by title on both sides).
    tools = JSON_TOOLS if order != "reversed" else JSON_TOOLS[::-1]
    query_list = queries()
    assert len(query_list) > 800
    differ = differences(in_python(query_list, tools), in_node(query_list, tools=tools))
    assert differ == [], f"{len(differ)} answers differ (part, key, Python, JS): {differ[:5]}"


@pytest.mark.parametrize(
    "original, changed",
    [
        ("return 60;", "return 45;"),  # one tier's points
        ("return 10;", "return 5;"),  # the lowest tier's points
        ("if (word.charAt(0) !== token.charAt(0)) return false;", ""),  # letters in order from anywhere
        ("(a.title < b.title ? -1 : a.title > b.title ? 1 : 0)", "0"),  # ties by title
        ("t.length >= 3 && some(e.text, part)", "t.length >= 2 && some(e.text, part)"),  # a length rule
        ("if (e.keys.indexOf(t) !== -1) return 90;", ""),  # a tier left out
        ("b.score - a.score ||", "a.score - b.score ||"),  # the order
    ],
)
def test_a_changed_rule_in_app_js_is_caught(original, changed):
    """The comparison is sharp: app.js with one detail of its rule changed ranks some query differently."""
    code = matching_code()
    assert original in code
    tools, query_list = JSON_TOOLS[::-1], queries()
    assert differences(in_python(query_list, tools), in_node(query_list, code.replace(original, changed), tools))


def test_words_split_alike():
    text = "Encode / decode SHA-256, x_y Ünïcode 42"
    out = run_in_node(matching_code(), f"process.stdout.write(JSON.stringify(words({json.dumps(text)})));")
    assert json.loads(out) == words(text) == ["encode", "decode", "sha", "256", "x", "y", "n", "code", "42"]


def test_the_extracted_code_is_the_whole_rule():
    code = matching_code()
    for name in ("words", "some", "scattered", "scoreToken", "rank"):
        assert re.search(rf"function {name}\(", code), name
