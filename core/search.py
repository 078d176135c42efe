"""Find a tool from a few letters: the one ranking rule of the home page search and the palette.

static/js/app.js (`scoreToken`) implements the same rule over the index this module builds, so
the command palette and the search form without JavaScript give the same answers
(tests/test_palette_js.py runs both, app.js in node, on the same queries).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.registry import Tool

# What people type that the tools' own keywords do not say (kept here, not in the tool modules).
ALIASES: dict[str, tuple[str, ...]] = {
    "base": ("bin", "hex", "radix", "convert number"),
    "case": ("camelcase", "snake case", "kebab case", "upper", "lower"),
    "color": ("colour", "rgb", "picker"),
    "convert": ("yaml", "toml", "csv", "xml", "yml"),
    "cron": ("crontab", "schedule"),
    "diff": ("compare", "delta"),
    "encode": ("b64", "base64", "b32", "decode", "urlencode", "urldecode", "html entities"),
    "hash": ("sha", "checksum", "digest", "crc"),
    "http-status": ("status code", "404", "500"),
    "json": ("pretty", "format json", "jq"),
    "jwt": ("token", "bearer"),
    "lorem": ("placeholder", "dummy"),
    "markdown": ("md", "preview"),
    "notes": ("memo", "notebook"),
    "password": ("pwgen", "passgen", "generator"),
    "qr": ("qrcode",),
    "regex": ("regexp", "re", "pattern"),
    "sql": ("query", "formatter"),
    "subnet": ("cidr", "netmask", "ip range"),
    "text-stats": ("wc", "word count", "length"),
    "time": ("epoch", "unix time", "date", "timestamp"),
    "url": ("uri", "querystring", "parse url"),
    "uuid": ("guid", "ulid", "uid"),
    "whoami": ("my ip", "user agent", "headers"),
}

# Points per query word, best first (app.js uses the same numbers).
NAME_EXACT, KEY_EXACT, NAME_PREFIX, KEY_PREFIX = 100, 90, 80, 60
NAME_PART, KEY_PART, TEXT_PREFIX, TEXT_PART, SCATTERED = 50, 40, 30, 20, 10


def words(text: str) -> list[str]:
    """Lower-case letter/digit runs: "Encode / decode" -> ["encode", "decode"]."""
    return re.findall(r"[a-z0-9]+", text.lower())


def unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def index_entry(tool: Tool) -> dict:
    """The tool as the palette receives it: display fields plus the word lists it is matched on."""
    keys: list[str] = []
    for phrase in (*tool.keywords, *ALIASES.get(tool.slug, ())):
        parts = words(phrase)
        keys.extend(parts)
        if len(parts) > 1:
            keys.append("".join(parts))  # "json web token" is also found as "jsonwebtoken"
    return {
        "slug": tool.slug,
        "title": tool.title,
        "url": tool.page_url,
        "category": tool.category,
        "summary": tool.summary,
        "icon": tool.icon,
        "owner": tool.login_required,
        "names": unique([*words(tool.slug), *words(tool.title), tool.slug.replace("-", "")]),
        "keys": unique(keys),
        "text": unique([*words(tool.summary), *words(tool.category)]),
    }


def is_scattered_in(token: str, word: str) -> bool:
    """True when the word starts with the token's first letter and holds all its letters in order."""
    if not word.startswith(token[0]):
        return False
    letters = iter(word)
    return all(letter in letters for letter in token)


def token_score(token: str, entry: dict) -> int:
    """How well one query word matches a tool (0: not at all)."""
    names, keys, text = entry["names"], entry["keys"], entry["text"]
    if token in names:
        return NAME_EXACT
    if token in keys:
        return KEY_EXACT
    if any(w.startswith(token) for w in names):
        return NAME_PREFIX
    if any(w.startswith(token) for w in keys):
        return KEY_PREFIX
    if len(token) >= 2 and any(token in w for w in names):
        return NAME_PART
    if len(token) >= 2 and any(token in w for w in keys):
        return KEY_PART
    if any(w.startswith(token) for w in text):
        return TEXT_PREFIX
    if len(token) >= 3 and any(token in w for w in text):
        return TEXT_PART
    if len(token) >= 3 and any(is_scattered_in(token, w) for w in (*names, *keys)):
        return SCATTERED
    return 0


def match_score(query: str, entry: dict) -> int | None:
    """The sum over the query's words, or None when any word matches nothing; "" matches all."""
    total = 0
    for token in words(query):
        score = token_score(token, entry)
        if not score:
            return None
        total += score
    return total


def search(tools: Iterable[Tool], query: str, entries: dict[str, dict] | None = None) -> list[Tool]:
    """The tools matching the query, best first (ties by title); every tool for an empty query."""
    scored = []
    for tool in tools:
        entry = entries[tool.slug] if entries is not None else index_entry(tool)
        score = match_score(query, entry)
        if score is not None:
            scored.append((-score, tool.title.lower(), tool))
    return [tool for *_, tool in sorted(scored, key=lambda item: item[:2])]


class ToolIndex:
    """The palette's data for one app, built once: entries by slug, the JSON body and its version."""

    def __init__(self, tools: Iterable[Tool]) -> None:
        self.entries = {tool.slug: index_entry(tool) for tool in tools}
        ordered = sorted(self.entries.values(), key=lambda e: e["title"].lower())
        self.body = json.dumps({"tools": ordered}, separators=(",", ":"), ensure_ascii=False).encode()
        self.version = hashlib.sha256(self.body).hexdigest()[:10]
