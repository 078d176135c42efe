"""Sort, deduplicate, count, shuffle, reverse, trim, prefix, join or split lines, and compare two lists."""

from __future__ import annotations

import random
import re
import secrets
from collections import Counter
from typing import Literal

from pydantic import BaseModel, Field

from core.forms import ToolInputError
from core.operations import Operation
from core.registry import Tool

MAX_INPUT = 500_000  # each list; both together are what a page posts and shows again
MAX_AFFIX = 200
OUTPUT_BYTES = 4 * 2**20
ACTIONS = (
    "sort",
    "unique",
    "count",
    "shuffle",
    "reverse",
    "trim",
    "remove-empty",
    "add-prefix-suffix",
    "remove-prefix-suffix",
    "join",
    "split",
    "compare",
)
ORDERS = ("natural", "text", "case-insensitive", "numeric")
ACTION_LABELS = {
    "sort": "Sort",
    "unique": "Remove duplicates (keep the first)",
    "count": "Count duplicates",
    "shuffle": "Shuffle",
    "reverse": "Reverse the order",
    "trim": "Trim spaces",
    "remove-empty": "Remove empty lines",
    "add-prefix-suffix": "Add prefix / suffix",
    "remove-prefix-suffix": "Remove prefix / suffix",
    "join": "Join into one line",
    "split": "Split at a separator",
    "compare": "Compare with list B",
}
ORDER_LABELS = {
    "natural": "Natural (file2 before file10)",
    "text": "Text (by code point)",
    "case-insensitive": "Case-insensitive",
    "numeric": "Numeric (leading number)",
}
DIGITS = re.compile(r"([0-9]+)")
# A number at the start of a line (after spaces): 42, -3.5, .5, 1e3.
LEADING_NUMBER = re.compile(r"\s*([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)")
SEPARATOR_ESCAPES = re.compile(r"\\([nt\\])")


class LinesInput(BaseModel):
    input: str = Field(max_length=MAX_INPUT, title="Lines", description="One item per line (list A for compare).")
    action: Literal[ACTIONS] = Field(default="sort", description="What to do with the lines.")
    order: Literal[ORDERS] = Field(
        default="natural",
        description="sort: natural (file2 before file10), text (by code point), case-insensitive, or numeric "
        "(by the number a line starts with; lines without one last).",
    )
    descending: bool = Field(default=False, description="sort: largest or last first.")
    ignore_case: bool = Field(default=False, description="unique, count and compare: 'A' and 'a' are the same line.")
    prefix: str = Field(default="", max_length=MAX_AFFIX, description="add/remove-prefix-suffix: before each line.")
    suffix: str = Field(default="", max_length=MAX_AFFIX, description="add/remove-prefix-suffix: after each line.")
    separator: str = Field(
        default=", ",
        max_length=MAX_AFFIX,
        description=r"join: put between lines; split: cut the text at it. \n is a line break, \t a tab.",
    )
    seed: int | None = Field(
        default=None, ge=0, le=2**63, description="shuffle: the same seed gives the same order; empty for random."
    )
    other: str = Field(default="", max_length=MAX_INPUT, title="List B", description="compare: the second list.")


class LinesOutput(BaseModel):
    action: str
    result: str = Field(description="The lines after the action, one per line (compare: the lines only in A).")
    lines_in: int = Field(description="Lines in the input.")
    lines_out: int = Field(description="Lines in the result.")
    only_in_a: list[str] | None = Field(default=None, description="compare: lines of A that B lacks, in A's order.")
    only_in_b: list[str] | None = Field(default=None, description="compare: lines of B that A lacks, in B's order.")
    in_both: list[str] | None = Field(default=None, description="compare: lines in both lists, in A's order.")


def split_lines(text: str) -> list[str]:
    """Lines split at \\n or \\r\\n; a final line break ends the last line and adds no empty one."""
    if not text:
        return []
    lines = text.replace("\r\n", "\n").split("\n")
    return lines[:-1] if lines[-1] == "" else lines


def natural_key(line: str) -> tuple[str, str]:
    """file2 < file10: each run of digits becomes NUL, its length without leading zeros (as a character) and those
    digits, so runs compare as numbers and before letters, without int() (a 5,000-digit run is no error)."""
    return DIGITS.sub(digit_run_key, line.casefold()), line


def digit_run_key(found: re.Match) -> str:
    digits = found.group().lstrip("0") or "0"
    return f"\0{chr(len(digits))}{digits}"


def numeric_key(line: str) -> tuple:
    found = LEADING_NUMBER.match(line)
    return (0, float(found.group(1)), line) if found else (1, 0.0, line)


SORT_KEYS = {
    "natural": natural_key,
    "text": lambda line: line,
    "case-insensitive": lambda line: (line.casefold(), line),
    "numeric": numeric_key,
}


def sort_lines(lines: list[str], order: str = "natural", descending: bool = False) -> list[str]:
    if order == "numeric" and descending:
        # Largest number first, but lines without a number stay last.
        numbered = [line for line in lines if LEADING_NUMBER.match(line)]
        rest = [line for line in lines if not LEADING_NUMBER.match(line)]
        return sorted(numbered, key=numeric_key, reverse=True) + sorted(rest)
    return sorted(lines, key=SORT_KEYS[order], reverse=descending)


def fold(ignore_case: bool):
    return str.casefold if ignore_case else (lambda line: line)


def unique_lines(lines: list[str], ignore_case: bool = False) -> list[str]:
    """The first occurrence of each line, in order."""
    key, seen, kept = fold(ignore_case), set(), []
    for line in lines:
        if key(line) not in seen:
            seen.add(key(line))
            kept.append(line)
    return kept


def count_lines(lines: list[str], ignore_case: bool = False) -> list[str]:
    """ "count<TAB>line", most frequent first, ties in order of first appearance (like sort | uniq -c | sort -rn)."""
    key = fold(ignore_case)
    counts = Counter(key(line) for line in lines)
    firsts = unique_lines(lines, ignore_case)
    return [f"{counts[key(line)]}\t{line}" for line in sorted(firsts, key=lambda line: -counts[key(line)])]


def shuffle_lines(lines: list[str], seed: int | None = None) -> list[str]:
    shuffled = list(lines)
    (secrets.SystemRandom() if seed is None else random.Random(seed)).shuffle(shuffled)
    return shuffled


def compare_lists(a: list[str], b: list[str], ignore_case: bool = False) -> dict[str, list[str]]:
    """Lines only in A, only in B, and in both (each once, in the order of their list)."""
    key = fold(ignore_case)
    keys_a, keys_b = {key(line) for line in a}, {key(line) for line in b}
    return {
        "only_in_a": [line for line in unique_lines(a, ignore_case) if key(line) not in keys_b],
        "only_in_b": [line for line in unique_lines(b, ignore_case) if key(line) not in keys_a],
        "in_both": [line for line in unique_lines(a, ignore_case) if key(line) in keys_b],
    }


def unescape_separator(separator: str) -> str:
    return SEPARATOR_ESCAPES.sub(lambda m: {"n": "\n", "t": "\t", "\\": "\\"}[m.group(1)], separator)


def transform(lines: list[str], data: LinesInput) -> list[str]:
    """Every action but join, split and compare: lines in, lines out."""
    match data.action:
        case "sort":
            return sort_lines(lines, data.order, data.descending)
        case "unique":
            return unique_lines(lines, data.ignore_case)
        case "count":
            return count_lines(lines, data.ignore_case)
        case "shuffle":
            return shuffle_lines(lines, data.seed)
        case "reverse":
            return lines[::-1]
        case "trim":
            return [line.strip() for line in lines]
        case "remove-empty":
            return [line for line in lines if line.strip()]
        case "add-prefix-suffix":
            return [f"{data.prefix}{line}{data.suffix}" for line in lines]
    return [line.removeprefix(data.prefix).removesuffix(data.suffix) for line in lines]


def run_lines(data: LinesInput) -> LinesOutput:
    """Apply the action to the lines (compare: against the list B in `other`)."""
    lines = split_lines(data.input)
    compared = {}
    if data.action == "join":
        out = [unescape_separator(data.separator).join(lines)] if lines else []
    elif data.action == "split":
        separator = unescape_separator(data.separator)
        if not separator:
            raise ToolInputError("give a separator to split at", "separator")
        out = data.input.split(separator) if data.input else []
    elif data.action == "compare":
        compared = compare_lists(lines, split_lines(data.other), data.ignore_case)
        out = compared["only_in_a"]
    else:
        out = transform(lines, data)
    return LinesOutput(action=data.action, result="\n".join(out), lines_in=len(lines), lines_out=len(out), **compared)


def page_context(form, result) -> dict:
    defaults = {name: field.default for name, field in LinesInput.model_fields.items()}
    labels = {"action_labels": ACTION_LABELS, "order_labels": ORDER_LABELS}
    return {"actions": ACTIONS, "orders": ORDERS, "defaults": defaults, **labels}


TOOL = Tool(
    slug="lines",
    title="Sort & dedupe lines",
    category="Text",
    icon="list-ordered",
    keywords=(
        "sort",
        "natural sort",
        "unique",
        "dedupe",
        "uniq",
        "count",
        "shuffle",
        "trim",
        "prefix",
        "join",
        "split",
        "set difference",
    ),
    examples=(
        ("Natural sort", {"input": "file10.txt\nfile2.txt\nFile1.txt\nfile1.txt", "action": "sort"}),
        ("Count duplicates", {"input": "apple\npear\napple\nfig\npear\napple", "action": "count"}),
        (
            "Quote each line",
            {"input": "red\ngreen\nblue", "action": "add-prefix-suffix", "prefix": "'", "suffix": "',"},
        ),
        ("Compare two lists", {"input": "ann\nbob\ncarl", "action": "compare", "other": "bob\ndora\nann"}),
    ),
    operations=(
        # Sorting is n log n, and a prefix and suffix on each of a million empty lines grow the output 400-fold.
        # 4 MB of result: any list sorted fits; the page that shows it still renders in well under a second.
        Operation(LinesInput, run_lines, LinesOutput, bounded=True, output_bytes=OUTPUT_BYTES, context=page_context),
    ),
)
