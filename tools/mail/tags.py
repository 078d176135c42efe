"""Tag lists (RFC 6376 3.2) as DKIM, DMARC, MTA-STS and TLS-RPT records write them: "v=DMARC1; p=none; …"."""

from __future__ import annotations

import re

from pydantic import BaseModel


class MailCheck(BaseModel):
    """One record checked: where it was looked for, what was found, and a verdict in plain words."""

    name: str  # the DNS name asked, e.g. "_dmarc.example.com"
    record: str | None = None  # the record that applies (None: none was found)
    state: str = "missing"  # good, warning, bad, missing, info
    verdict: str = ""  # one plain sentence
    notes: list[str] = []  # what else is worth knowing, one sentence each
    tags: dict[str, str] = {}  # a tag list's tags in order (names lower-cased)


def tag_list(text: str) -> tuple[dict[str, str], list[str]]:
    """(tags in order, names lower-cased; problems). Whitespace around names and values is folding, not data."""
    tags: dict[str, str] = {}
    problems: list[str] = []
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue
        name, equals, value = part.partition("=")
        name = name.strip()
        if not equals or not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name):
            problems.append(f"'{part[:40]}' is not a tag=value pair.")
            continue
        if name.lower() in tags:
            problems.append(f"The tag {name} appears twice.")
            continue
        tags[name.lower()] = re.sub(r"\s+", " ", value.strip())
    return tags, problems


def starting_with(texts: list[str], version: str) -> list[str]:
    """The TXT strings whose first tag is v=<version> (DMARC1, DKIM1, STSv1, TLSRPTv1): the others are not
    records of that kind and are ignored (RFC 7489 6.6.3, RFC 8461 3.1, RFC 8460 3)."""
    pattern = re.compile(rf"\s*v\s*=\s*{re.escape(version)}\s*(;|$)")
    return [text for text in texts if pattern.match(text)]


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
