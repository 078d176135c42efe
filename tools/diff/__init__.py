"""Compare two texts line by line: a unified diff, and a side-by-side view with the changed words marked."""

from __future__ import annotations

from core.operations import Operation
from core.registry import Tool
from tools.diff.engine import MAX_CONTEXT, MAX_LINES, DiffInput, DiffOutput, compare

TOOL = Tool(
    slug="diff",
    title="Text diff",
    category="Text",
    icon="diff",
    keywords=("compare", "difference", "unified diff", "side by side", "patch", "difflib", "changes"),
    examples=(
        (
            "Changed words",
            {
                "left": "The quick brown fox\njumps over\nthe lazy dog",
                "right": "The quick red fox\njumps over\nthe sleepy dog",
            },
        ),
        (
            "Config file, labelled",
            {
                "left": "host = localhost\nport = 8000\ndebug = true\n",
                "right": "host = 0.0.0.0\nport = 8000\ndebug = false\nworkers = 4\n",
                "left_label": "app.conf.old",
                "right_label": "app.conf",
                "context": "1",
            },
        ),
        (
            "Ignore spaces and case",
            {
                "left": "Hello  World\nfoo",
                "right": "hello world\nbar",
                "ignore_whitespace": "true",
                "ignore_case": "true",
            },
        ),
    ),
    operations=(
        Operation(
            DiffInput,
            compare,
            DiffOutput,
            primary="unified",
            primary_input="left",  # a recipe diffs the text it is handed against `right`
            summary="Diff two texts: the unified diff text, change counts, and side-by-side rows with the changed "
            "words marked.",
            # difflib's work grows with the product of the two sides' lengths.
            bounded=True,
            live_max_bytes=50_000,  # both sides together: difflib's work grows with their product
            context=lambda form, result: {"max_context": MAX_CONTEXT, "max_lines": MAX_LINES},
        ),
    ),
)
