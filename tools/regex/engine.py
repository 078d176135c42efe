"""Run a Python regular expression under limits: compile, list matches with groups, preview a substitution."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

import regex
from pydantic import BaseModel, Field

from core.forms import ToolInputError
from core.patches import regex_replacement_parts
from tools.regex.unroll import unrolled_size

MAX_PATTERN = 10_000
MAX_TEXT = 1_000_000
MAX_REPLACEMENT = 10_000
MAX_LISTED = 1_000  # matches listed (and highlighted); the rest are only counted by a substitution
MAX_SHOWN = 1_000  # characters of one match or group shown; its start and end are always exact
MAX_SHOWN_TOTAL = 1_000_000  # characters of all the listed matches and groups together
MAX_VALUES = 100_000  # matches and groups listed together: a pattern with 3,000 groups lists 33 matches
MAX_OUTPUT = 2_000_000  # characters of a substitution result
MAX_UNROLLED = 20_000  # copies the engine may make when it unrolls counted repeats (see unrolled_size)
TIME_LIMIT = 1.0  # seconds for the whole request: finding matches and substituting
MANY_MATCHES = 10_000  # a timeout after this many replacements is blamed on the text, not on backtracking

Flag = Literal["IGNORECASE", "MULTILINE", "DOTALL", "VERBOSE", "ASCII"]
FLAGS: dict[str, int] = {
    "IGNORECASE": regex.IGNORECASE,
    "MULTILINE": regex.MULTILINE,
    "DOTALL": regex.DOTALL,
    "VERBOSE": regex.VERBOSE,
    "ASCII": regex.ASCII,
}

BACKTRACKING = (
    "the pattern took too long and was stopped after {limit:g} s: this is usually catastrophic backtracking. "
    "Repeats inside repeats, such as (a+)+ or (a|aa)+, let the engine try exponentially many ways to match "
    "before it gives up; make the repeated parts unambiguous (a+ instead of (a+)+), or use an atomic group "
    "(?>...) or a possessive repeat such as a++"
)
TOO_MANY = (
    "the substitution was stopped after {limit:g} s, after {done:,} replacements: the text has too many matches "
    "to replace in time; try a shorter text or a more specific pattern"
)


class RegexInput(BaseModel):
    pattern: str = Field(
        min_length=1,
        max_length=MAX_PATTERN,
        description="A Python regular expression (re syntax; run by the `regex` package in its re-compatible mode).",
    )
    input: str = Field(max_length=MAX_TEXT, description="The text to search.")
    flags: list[Flag] = Field(
        default_factory=list, description="Flags, named as in Python's re module: IGNORECASE, MULTILINE, and so on."
    )
    replacement: str | None = Field(
        default=None,
        max_length=MAX_REPLACEMENT,
        description="Replacement template for a substitution preview, as in re.sub (\\1, \\g<name>, \\g<0>). "
        'Absent or null: no substitution; "" removes the matches. In the web form an empty box means none.',
    )


class GroupOut(BaseModel):
    number: int = Field(description="Group number (1 is the first opening parenthesis).")
    name: str | None = Field(description="The group's name, for (?P<name>...).")
    start: int | None = Field(description="Start index in the text (0-based, in characters); null if unused.")
    end: int | None = Field(description="End index (exclusive); null when the group took no part in the match.")
    text: str | None = Field(description=f"The captured text (at most {MAX_SHOWN:,} characters, see truncated).")
    truncated: bool = Field(description="True when text is cut short; start and end are still exact.")


class MatchOut(BaseModel):
    number: int = Field(description="1 for the first match, and so on.")
    start: int = Field(description="Start index in the text (0-based, in characters), as Match.start().")
    end: int = Field(description="End index (exclusive), as Match.end().")
    text: str = Field(description=f"The matched text (at most {MAX_SHOWN:,} characters, see truncated).")
    truncated: bool = Field(description="True when text is cut short.")
    groups: list[GroupOut] = Field(description="Every group of the pattern, in order.")


class RegexOutput(BaseModel):
    flags: list[Flag] = Field(description="The flags used.")
    group_count: int = Field(description="Number of capturing groups in the pattern.")
    count: int = Field(
        description=f"Number of matches listed: at most {MAX_LISTED:,}, and fewer for patterns with many groups "
        f"(at most {MAX_VALUES:,} matches and groups together)."
    )
    capped: bool = Field(description="True when there are more matches than the ones listed.")
    matches: list[MatchOut]
    substitution: str | None = Field(description="The text after re.sub with the replacement; null without one.")
    replacements: int | None = Field(description="How many matches the substitution replaced (all of them).")


@dataclass(frozen=True)
class Segment:
    """A piece of the text for highlighting: `match` is the match number, or None between matches."""

    text: str
    match: int | None


def where(text: str, index: int | None, what: str = "pattern") -> str:
    """' at position N (counting from 1)', with line and column when the text has several lines."""
    if index is None:
        return ""
    if index >= len(text):
        return f" at the end of the {what}"
    place = f" at position {index + 1} of the {what}"
    if "\n" in text:
        line = text.count("\n", 0, index) + 1
        column = index - text.rfind("\n", 0, index)
        return f"{place} (line {line}, column {column}; counting from 1)"
    return f"{place} (counting from 1)"


def compile_pattern(pattern: str, flags: list[str] | tuple[str, ...] = ()) -> regex.Pattern:
    """The compiled pattern; ToolInputError naming `pattern` (with the position) when it cannot compile."""
    size = unrolled_size(pattern)
    if size > MAX_UNROLLED:
        raise ToolInputError(
            f"the counted repeats in this pattern expand to about {size:,} copies of what they repeat, and the "
            f"limit is {MAX_UNROLLED:,}: the engine writes out a repeat such as x{{1000}} in full. Use smaller "
            "counts, or an open repeat such as x+ or x{1,1000}, which the engine loops over instead",
            "pattern",
        )
    value = 0
    for name in flags:
        value |= FLAGS[name]
    try:
        # Not cached: every request brings its own pattern, and the module cache would keep 500 of them.
        return regex.compile(pattern, value, cache_pattern=False)
    except regex.error as exc:
        raise ToolInputError(f"invalid pattern: {exc.msg}{where(pattern, exc.pos)}", "pattern") from None
    except RecursionError:
        raise ToolInputError("invalid pattern: its groups are nested too deeply for the engine", "pattern") from None
    except (MemoryError, OverflowError, ValueError) as exc:
        raise ToolInputError(f"invalid pattern: {exc}", "pattern") from None


def check_replacement(compiled: regex.Pattern, replacement: str) -> None:
    """Refuse a replacement template that names a missing group or has a bad escape, even with no match.

    The engine checks the template only when it first replaces something; its template compiler is
    internal (core.patches pins the version of `regex` it was read from).
    """
    try:
        parts = regex_replacement_parts(compiled, replacement)
    except regex.error as exc:
        # The engine's position is where it stopped reading, after the faulty escape: the message names it.
        message = exc.msg.replace("end of pattern", "end of the replacement")
        raise ToolInputError(f"invalid replacement: {message}", "replacement") from None
    except IndexError as exc:
        raise ToolInputError(
            f"invalid replacement: {exc} (the pattern has no group of that name)", "replacement"
        ) from None
    missing = [part for part in parts if isinstance(part, int) and part > compiled.groups]
    if missing:
        count = f"{compiled.groups} group{'' if compiled.groups == 1 else 's'}"
        raise ToolInputError(
            f"invalid replacement: it refers to group {missing[0]}, but the pattern has only {count}", "replacement"
        )


class _Clipper:
    """Cuts the texts shown: each to MAX_SHOWN characters, all of them together to MAX_SHOWN_TOTAL."""

    def __init__(self) -> None:
        self.left = MAX_SHOWN_TOTAL

    def __call__(self, text: str) -> tuple[str, bool]:
        keep = min(len(text), MAX_SHOWN, self.left)
        self.left -= keep
        return text[:keep], keep < len(text)


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    return left


def describe_match(match: regex.Match, number: int, names: dict[int, str], clip: _Clipper) -> MatchOut:
    text, truncated = clip(match.group())
    groups = []
    for index in range(1, match.re.groups + 1):
        start, end = match.span(index)
        value, cut = clip(match.group(index)) if start != -1 else (None, False)
        groups.append(
            GroupOut(
                number=index,
                name=names.get(index),
                start=None if start == -1 else start,
                end=None if start == -1 else end,
                text=value,
                truncated=cut,
            )
        )
    return MatchOut(number=number, start=match.start(), end=match.end(), text=text, truncated=truncated, groups=groups)


def find_matches(compiled: regex.Pattern, text: str, deadline: float) -> tuple[list[MatchOut], bool]:
    """The first matches (MAX_LISTED, or fewer when the pattern has many groups), and whether there are more."""
    names = {number: name for name, number in compiled.groupindex.items()}
    limit = max(1, min(MAX_LISTED, MAX_VALUES // (compiled.groups + 1)))
    clip = _Clipper()
    found: list[MatchOut] = []
    for match in compiled.finditer(text, timeout=_remaining(deadline), concurrent=True):
        if len(found) == limit:
            return found, True
        found.append(describe_match(match, len(found) + 1, names, clip))
    return found, False


class _OutputTooLong(Exception):
    pass


def substitute(compiled: regex.Pattern, replacement: str, text: str, deadline: float) -> tuple[str, int]:
    """re.subn with the template, stopped when the result would pass MAX_OUTPUT characters or time runs out."""
    written = len(text)
    done = 0

    def expand(match: regex.Match) -> str:
        nonlocal written, done
        piece = match.expand(replacement)
        written += len(piece) - (match.end() - match.start())
        if written > MAX_OUTPUT:
            raise _OutputTooLong
        done += 1
        if done % 1024 == 0:
            _remaining(deadline)
        return piece

    try:
        return compiled.subn(expand, text, timeout=_remaining(deadline), concurrent=True)
    except _OutputTooLong:
        raise ToolInputError(
            f"the substitution result would be longer than {MAX_OUTPUT:,} characters, the limit for a preview",
            "replacement",
        ) from None
    except TimeoutError:
        if done >= MANY_MATCHES:
            raise ToolInputError(TOO_MANY.format(limit=TIME_LIMIT, done=done), "pattern") from None
        raise
    except (regex.error, IndexError) as exc:  # the template check above was unavailable
        raise ToolInputError(f"invalid replacement: {exc}", "replacement") from None


def run_regex(data: RegexInput) -> RegexOutput:
    """Match (and substitute) as the input asks; ToolInputError names the field at fault."""
    compiled = compile_pattern(data.pattern, data.flags)
    if data.replacement is not None:
        check_replacement(compiled, data.replacement)
    deadline = time.monotonic() + TIME_LIMIT
    substitution = replacements = None
    try:
        matches, capped = find_matches(compiled, data.input, deadline)
        if data.replacement is not None:
            substitution, replacements = substitute(compiled, data.replacement, data.input, deadline)
    except TimeoutError:
        raise ToolInputError(BACKTRACKING.format(limit=TIME_LIMIT), "pattern") from None
    flags = [name for name in FLAGS if name in data.flags]
    return RegexOutput(
        flags=flags,
        group_count=compiled.groups,
        count=len(matches),
        capped=capped,
        matches=matches,
        substitution=substitution,
        replacements=replacements,
    )


def highlight(text: str, matches: list[MatchOut]) -> list[Segment]:
    """The text cut at the listed matches' spans (never by searching the text again): plain and matched pieces."""
    segments: list[Segment] = []
    position = 0
    for match in matches:
        if match.start > position:
            segments.append(Segment(text[position : match.start], None))
        segments.append(Segment(text[match.start : match.end], match.number))
        position = max(position, match.end)
    if position < len(text):
        segments.append(Segment(text[position:], None))
    return segments
