"""Line diff of two texts with difflib, with a time limit: unified text, and side-by-side rows marked word by word."""

from __future__ import annotations

import difflib
import re
import time
from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from core.forms import ToolInputError

MAX_SIDE = 500_000
MAX_LINES = 20_000
MAX_CONTEXT = 1_000
MAX_LABEL = 200
# difflib's matcher is quadratic on some inputs (many lines that repeat, or changes scattered all over a long
# text): 20,000 such lines can take over a minute. The line comparison stops at this limit with a message.
TIME_LIMIT = 2.0
# Changed lines are then compared word by word within this extra time; past it, or for a pair of lines
# with more than MAX_TOKEN_PAIRS pairs of words to weigh, the whole line is marked instead.
INLINE_TIME_LIMIT = 0.5
MAX_TOKEN_PAIRS = 250_000

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# Words, runs of whitespace, and single other characters: together they always rebuild the line exactly.
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")

Kind = Literal["equal", "delete", "insert", "change"]


class DiffInput(BaseModel):
    left: str = Field(max_length=MAX_SIDE, description="The original text.")
    right: str = Field(max_length=MAX_SIDE, description="The changed text.")
    context: int = Field(
        default=3, ge=0, le=MAX_CONTEXT, description="Unchanged lines shown around each change (diff -U)."
    )
    left_label: str = Field(default="left", max_length=MAX_LABEL, description="Name of the original (--- line).")
    right_label: str = Field(default="right", max_length=MAX_LABEL, description="Name of the changed text (+++).")
    ignore_whitespace: bool = Field(
        default=False,
        description="Compare lines with runs of spaces and tabs collapsed to one space and the ends trimmed.",
    )
    ignore_case: bool = Field(default=False, description="Compare lines without regard to letter case.")

    @field_validator("left_label", "right_label")
    @classmethod
    def one_line(cls, value: str) -> str:
        if _LINE_BREAK.search(value):
            raise ValueError("a label must fit on one line: it is written into the --- and +++ header lines")
        return value


class Segment(BaseModel):
    text: str
    changed: bool = Field(description="True for the words that differ from the other side of a changed line.")


class Row(BaseModel):
    kind: Kind = Field(description="equal, delete (left only), insert (right only) or change (both, differing).")
    left_number: int | None = Field(description="Line number in the left text (from 1); null on an insert.")
    right_number: int | None = Field(description="Line number in the right text (from 1); null on a delete.")
    left: list[Segment] | None = Field(description="The left line in pieces; null on an insert.")
    right: list[Segment] | None = Field(description="The right line in pieces; null on a delete.")


class Hunk(BaseModel):
    header: str = Field(description='The unified diff range line, e.g. "@@ -1,4 +1,4 @@".')
    rows: list[Row]


class Summary(BaseModel):
    added: int = Field(description="Lines only in the right text.")
    removed: int = Field(description="Lines only in the left text.")
    changed: int = Field(description="Lines changed in place (a left line paired with a right line).")
    unchanged: int


class DiffOutput(BaseModel):
    identical: bool = Field(description="True when there is no difference (under the ignore options).")
    summary: Summary
    unified: str = Field(description="The unified diff, as difflib.unified_diff writes it; empty when identical.")
    hunks: list[Hunk] = Field(description="The same hunks as rows for a side-by-side view.")
    intraline: bool = Field(
        description="False when some changed lines were too long, or too many, to compare word by word in time: "
        "those are marked as a whole."
    )


class _OutOfTime(Exception):
    pass


class _LineTooLong(Exception):
    pass


class BoundedMatcher(difflib.SequenceMatcher):
    """difflib's SequenceMatcher that gives up (raises _OutOfTime) once the deadline has passed."""

    def __init__(self, a, b, deadline: float, autojunk: bool = True) -> None:
        self.deadline = deadline
        super().__init__(None, a, b, autojunk)

    def find_longest_match(self, alo=0, ahi=None, blo=0, bhi=None):
        # Called once per block the matcher looks for, so the check runs all along the comparison.
        if time.monotonic() > self.deadline:
            raise _OutOfTime
        return super().find_longest_match(alo, ahi, blo, bhi)


def split_lines(text: str) -> list[str]:
    """The lines of the text, without their line breaks; \\n, \\r\\n and \\r all end a line."""
    if not text:
        return []
    lines = _LINE_BREAK.split(text)
    if lines[-1] == "":
        lines.pop()  # a final line break ends the last line; it does not start another
    return lines


def comparison_key(ignore_whitespace: bool, ignore_case: bool) -> Callable[[str], str]:
    def key(text: str) -> str:
        if ignore_whitespace:
            text = " ".join(text.split())
        return text.casefold() if ignore_case else text

    return key


def format_range(start: int, stop: int) -> str:
    """A unified diff range, as difflib writes it: '3' for one line, '3,4' otherwise, '2,0' when empty."""
    beginning, length = start + 1, stop - start
    if length == 1:
        return f"{beginning}"
    if not length:
        beginning -= 1
    return f"{beginning},{length}"


def hunk_header(group: list[tuple]) -> str:
    first, last = group[0], group[-1]
    return f"@@ -{format_range(first[1], last[2])} +{format_range(first[3], last[4])} @@"


def unified_text(
    left: list[str], right: list[str], groups: list[list[tuple]], left_label: str, right_label: str
) -> str:
    if not groups:
        return ""
    out = [f"--- {left_label}", f"+++ {right_label}"]
    for group in groups:
        out.append(hunk_header(group))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out.extend(" " + line for line in left[i1:i2])
                continue
            if tag in ("replace", "delete"):
                out.extend("-" + line for line in left[i1:i2])
            if tag in ("replace", "insert"):
                out.extend("+" + line for line in right[j1:j2])
    return "\n".join(out) + "\n"


def _pieces(tokens: list[str], changed: bool) -> list[Segment]:
    return [Segment(text="".join(tokens), changed=changed)] if tokens else []


def _merge(segments: list[Segment]) -> list[Segment]:
    merged: list[Segment] = []
    for segment in segments:
        if merged and merged[-1].changed == segment.changed:
            merged[-1] = Segment(text=merged[-1].text + segment.text, changed=segment.changed)
        else:
            merged.append(segment)
    return merged


def word_diff(left: str, right: str, key: Callable[[str], str], deadline: float) -> tuple[list[Segment], list[Segment]]:
    """The two lines in pieces, the differing words marked changed.

    Raises _LineTooLong when the lines have too many words to weigh, _OutOfTime past the deadline.
    """
    left_tokens, right_tokens = _TOKEN.findall(left), _TOKEN.findall(right)
    if len(left_tokens) * len(right_tokens) > MAX_TOKEN_PAIRS:
        raise _LineTooLong
    # autojunk would ignore the commonest words (spaces, first of all) in long lines: off, and bounded above.
    matcher = BoundedMatcher(
        [key(t) for t in left_tokens], [key(t) for t in right_tokens], deadline=deadline, autojunk=False
    )
    left_out: list[Segment] = []
    right_out: list[Segment] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        same = tag == "equal"
        left_out += _pieces(left_tokens[i1:i2], not same)
        right_out += _pieces(right_tokens[j1:j2], not same)
    return _merge(left_out), _merge(right_out)


class _RowBuilder:
    def __init__(self, left: list[str], right: list[str], key: Callable[[str], str]) -> None:
        self.left, self.right, self.key = left, right, key
        self.deadline = time.monotonic() + INLINE_TIME_LIMIT
        self.out_of_time = False
        self.intraline = True  # every changed line was compared word by word

    def changed_pair(self, i: int, j: int) -> Row:
        left, right = self.left[i], self.right[j]
        pieces = None
        if not self.out_of_time:
            try:
                pieces = word_diff(left, right, self.key, self.deadline)
            except _LineTooLong:
                pass
            except _OutOfTime:
                self.out_of_time = True  # this line and the later ones are marked whole
        if pieces is None:
            self.intraline = False
            pieces = [Segment(text=left, changed=True)], [Segment(text=right, changed=True)]
        return Row(kind="change", left_number=i + 1, right_number=j + 1, left=pieces[0], right=pieces[1])

    def rows(self, tag: str, i1: int, i2: int, j1: int, j2: int) -> list[Row]:
        whole = lambda text: [Segment(text=text, changed=False)]  # noqa: E731
        if tag == "equal":
            return [
                Row(
                    kind="equal",
                    left_number=i + 1,
                    right_number=j + 1,
                    left=whole(self.left[i]),
                    right=whole(self.right[j]),
                )
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            ]
        paired = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        rows = [self.changed_pair(i1 + k, j1 + k) for k in range(paired)]
        rows += [
            Row(kind="delete", left_number=i + 1, right_number=None, left=whole(self.left[i]), right=None)
            for i in range(i1 + paired, i2)
        ]
        rows += [
            Row(kind="insert", left_number=None, right_number=j + 1, left=None, right=whole(self.right[j]))
            for j in range(j1 + paired, j2)
        ]
        return rows


def summarize(opcodes: list[tuple]) -> Summary:
    added = removed = changed = unchanged = 0
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            unchanged += i2 - i1
            continue
        paired = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        changed += paired
        removed += i2 - i1 - paired
        added += j2 - j1 - paired
    return Summary(added=added, removed=removed, changed=changed, unchanged=unchanged)


def check_lines(lines: list[str], field: str) -> None:
    if len(lines) > MAX_LINES:
        raise ToolInputError(
            f"the {field} text has {len(lines):,} lines; the limit is {MAX_LINES:,} lines a side", field
        )


def compare(data: DiffInput) -> DiffOutput:
    """Diff the two texts as the input asks; ToolInputError when a side is too long or the work too slow."""
    left, right = split_lines(data.left), split_lines(data.right)
    check_lines(left, "left")
    check_lines(right, "right")
    key = comparison_key(data.ignore_whitespace, data.ignore_case)
    matcher = BoundedMatcher([key(line) for line in left], [key(line) for line in right], time.monotonic() + TIME_LIMIT)
    try:
        opcodes = list(matcher.get_opcodes())  # a copy: get_grouped_opcodes trims the first and last in place
    except _OutOfTime:
        raise ToolInputError(
            f"the texts were still being compared after {TIME_LIMIT:g} s, so the comparison was stopped: lines "
            "that repeat many times, or changes scattered over thousands of lines, make difflib slow. "
            "Compare smaller parts of the texts",
            "left",
        ) from None
    groups = list(matcher.get_grouped_opcodes(data.context))
    builder = _RowBuilder(left, right, key)
    hunks = [
        Hunk(header=hunk_header(group), rows=[row for opcode in group for row in builder.rows(*opcode)])
        for group in groups
    ]
    return DiffOutput(
        identical=not groups,
        summary=summarize(opcodes),
        unified=unified_text(left, right, groups, data.left_label, data.right_label),
        hunks=hunks,
        intraline=builder.intraline,
    )
