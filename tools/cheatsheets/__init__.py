"""Git, regular expression and HTTP header cheat sheets, searchable, each entry with its source."""

from __future__ import annotations

import json
from functools import cache
from typing import Literal

from pydantic import BaseModel, Field

from core.config import PROJECT_ROOT
from core.operations import Operation
from core.registry import Tool

DATA = PROJECT_ROOT / "tools" / "data" / "cheatsheets.json"
Sheet = Literal["all", "git", "regex", "http-headers"]


class CheatsheetQuery(BaseModel):
    input: str = Field(
        default="",
        max_length=200,
        title="Search",
        description="Words to find in the entries (all of them, any case), e.g. stash, lookahead, cache; "
        "empty lists the whole sheet.",
    )
    sheet: Sheet = Field(default="all", description="Which sheet: git, regex, http-headers, or all of them.")


class Entry(BaseModel):
    sheet: str
    syntax: str = Field(description="The command, pattern or header.")
    text: str = Field(description="What it does, in one sentence.")
    reference: str = Field(description="Where it is defined.")
    source: str = Field(description="The URL of the source.")


class SheetInfo(BaseModel):
    name: str
    title: str
    sources: list[str]


class CheatsheetResults(BaseModel):
    result: str = Field(description="The entries as text: one 'syntax — text' line each.")
    count: int
    entries: list[Entry]
    sheets: list[SheetInfo] = Field(description="The sheets searched and their sources.")


@cache
def load() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def search(words: str, sheet: str) -> list[dict]:
    """The entries of the sheet (or all) holding every word of the search, in the sheet's order."""
    wanted = words.casefold().split()
    found = []
    for entry in load()["entries"]:
        if sheet != "all" and entry["sheet"] != sheet:
            continue
        haystack = " ".join((entry["sheet"], entry["syntax"], entry["text"], entry["reference"])).casefold()
        if all(word in haystack for word in wanted):
            found.append(entry)
    return found


def look_up(data: CheatsheetQuery) -> CheatsheetResults:
    """Search the git, regex and HTTP header cheat sheets; an empty search lists a whole sheet."""
    entries = [Entry(**e) for e in search(data.input, data.sheet)]
    names = [data.sheet] if data.sheet != "all" else list(load()["sheets"])
    sheets = [SheetInfo(name=n, **load()["sheets"][n]) for n in names]
    text = "\n".join(f"{e.syntax} — {e.text}" for e in entries) or "Nothing matches."
    return CheatsheetResults(result=text, count=len(entries), entries=entries, sheets=sheets)


TOOL = Tool(
    slug="cheatsheets",
    title="Cheat sheets",
    category="Reference",
    icon="library",
    keywords=("git", "http headers", "reference", "commands", "cache-control", "cheat sheet", "lookahead"),
    examples=(
        ("git: undo", {"input": "undo", "sheet": "git"}),
        ("regex: lookarounds", {"input": "followed", "sheet": "regex"}),
        ("HTTP: caching headers", {"input": "304", "sheet": "http-headers"}),
    ),
    operations=(Operation(CheatsheetQuery, look_up, CheatsheetResults, primary="result"),),
)
