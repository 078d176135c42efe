"""Test a Python regular expression: every match with its groups, highlighted in the text, and a re.sub preview."""

from __future__ import annotations

from core.forms import FormInput, read_form
from core.operations import Operation
from core.registry import Tool
from tools.regex.engine import (
    FLAGS,
    MAX_LISTED,
    RegexInput,
    RegexOutput,
    highlight,
    run_regex,
)

FLAG_LETTERS = {"IGNORECASE": "i", "MULTILINE": "m", "DOTALL": "s", "VERBOSE": "x", "ASCII": "a"}


async def read_regex_form() -> FormInput:
    """The form, where an empty replacement box means no substitution (in the API, "" removes the matches)."""
    form = await read_form(RegexInput)
    if form.data is not None and form.data.replacement == "":
        form = form._replace(data=form.data.model_copy(update={"replacement": None}))
    return form


def primary_text(output: RegexOutput) -> str:
    """The text after the substitution, or else the matched texts one per line."""
    if output.substitution is not None:
        return output.substitution
    return "\n".join(match.text for match in output.matches)


def page_context(form: FormInput, result: RegexOutput | None) -> dict:
    return {
        "segments": highlight(form.data.input, result.matches) if result else None,
        "flag_names": list(FLAGS),
        "flag_letters": FLAG_LETTERS,
        "max_listed": MAX_LISTED,
    }


TOOL = Tool(
    slug="regex",
    title="Regex tester",
    category="Text",
    icon="regex",
    keywords=("regular expression", "regexp", "re", "match", "groups", "sub", "replace", "python"),
    examples=(
        (
            "Named groups, reorder dates",
            {
                "pattern": r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})",
                "input": "Released 2024-03-15, patched 2024-04-02.",
                "replacement": r"\g<d>/\g<m>/\g<y>",
            },
        ),
        (
            "Log lines, ignoring case",
            {
                "pattern": r"^error: (.+)$",
                "input": "Error: disk full\nok\nERROR: timeout",
                "flags": ["IGNORECASE", "MULTILINE"],
            },
        ),
        (
            "E-mail addresses",
            {
                "pattern": r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
                "input": "Write to ada@example.org or grace+lists@example.co.uk.",
            },
        ),
    ),
    operations=(
        Operation(
            RegexInput,
            run_regex,
            RegexOutput,
            primary=primary_text,
            summary="Run a Python regular expression: matches with numbered and named groups, and an optional "
            "re.sub result.",
            bounded=True,
            form=read_regex_form,
            context=page_context,
        ),
    ),
)
