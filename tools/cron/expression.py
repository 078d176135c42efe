"""Check a crontab(5) time expression field by field, naming the field at fault and why (no Quart imports)."""

from __future__ import annotations

import re
from typing import NamedTuple

from core.forms import ToolInputError

# crontab(5): minute hour day-of-month month day-of-week; 0 and 7 are both Sunday.
FIELDS = (("minute", 0, 59), ("hour", 0, 23), ("day-of-month", 1, 31), ("month", 1, 12), ("day-of-week", 0, 7))
MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
# crontab(5) "@" macros and the five fields each stands for; @reboot has no schedule to list.
MACROS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
DIGITS = re.compile(r"\d+")


class Expression(NamedTuple):
    fields: str  # the five fields, upper-cased, single-spaced (what cronsim and cron-descriptor read)
    macro: str | None  # "@daily" when the input was a macro


class FieldError(ValueError):
    """Why a term of one field is wrong (the field is named by the caller)."""


def value_of(text: str, index: int) -> int:
    """A number or (month / day-of-week) name in the field's range."""
    name, low, high = FIELDS[index]
    names = MONTHS if index == 3 else DAYS if index == 4 else ()
    if text in names:
        return names.index(text) + (1 if index == 3 else 0)
    if not DIGITS.fullmatch(text):
        if not text:
            raise FieldError("a number is missing (around a '-', '/' or ',')")
        if text.isalpha() and names:
            raise FieldError(f"{text!r} is not a {name} name: use {low}-{high} or {names[0]}-{names[-1]}")
        raise FieldError(f"{text!r} is not a number")
    number = int(text)
    if not low <= number <= high:
        extra = " (0 and 7 are both Sunday)" if index == 4 else ""
        raise FieldError(f"{number} is out of range: {name} takes {low}-{high}{extra}")
    return number


def check_range(text: str, index: int) -> None:
    if "-" not in text:
        value_of(text, index)
        return
    start_text, end_text = text.split("-", 1)
    start, end = value_of(start_text, index), value_of(end_text, index)
    if end < start:
        raise FieldError(
            f"the range {text} goes backwards: cron ranges do not wrap around (write it as two ranges joined by ',')"
        )


def check_term(term: str, index: int) -> None:
    """One comma-separated item, in the grammar cronsim reads (which adds L, LW, nL and n#k to crontab(5))."""
    if term == "*":
        return
    if index == 4 and "L" in term:  # "5L": the last Friday of the month
        if not (term.endswith("L") and DIGITS.fullmatch(term[:-1])):
            raise FieldError(f"{term!r}: 'L' in day-of-week comes after a day number, as in 5L (the last Friday)")
        value_of(term[:-1], index)
        return
    if index == 4 and "#" in term:  # "MON#2": the second Monday
        day, nth = term.split("#", 1)
        value_of(day, index)
        if not DIGITS.fullmatch(nth) or not 1 <= int(nth) <= 5:
            raise FieldError(f"{term!r}: after '#' comes which week of the month, 1-5")
        return
    if index == 2 and term in ("L", "LW"):  # the last day / last weekday of the month
        return
    if "/" in term:
        base, step = term.split("/", 1)
        if not DIGITS.fullmatch(step):
            raise FieldError(f"the step {step!r} (after '/') is not a number")
        if int(step) == 0:
            raise FieldError("a step of 0 is not allowed (after '/')")
        if base != "*":
            check_range(base, index)
        return
    check_range(term, index)


def check_field(text: str, index: int) -> None:
    name = FIELDS[index][0]
    try:
        for term in text.split(","):
            if not term:
                raise FieldError("an item of the list is empty (two commas in a row, or a comma at an end)")
            check_term(term, index)
    except FieldError as exc:
        raise ToolInputError(f"{name} (field {index + 1} of 5, {text!r}): {exc}") from None


def parse_expression(text: str) -> Expression:
    """The five fields of a crontab expression or macro; ToolInputError names the field and the fault."""
    stripped = text.strip()
    if not stripped:
        raise ToolInputError(
            "enter a cron expression: minute hour day-of-month month day-of-week, e.g. */15 9-17 * * 1-5"
        )
    if stripped.startswith("@"):
        macro = stripped.split()[0].lower()
        if macro == "@reboot":
            raise ToolInputError("@reboot runs once when cron starts: it has no schedule to explain or list")
        if macro not in MACROS or len(stripped.split()) > 1:
            known = ", ".join(MACROS)
            raise ToolInputError(f"{stripped.split()[0]!r} is not a macro this tool knows: {known} (alone on the line)")
        return Expression(MACROS[macro], macro)
    parts = stripped.upper().split()
    if len(parts) != 5:
        raise ToolInputError(count_message(len(parts)))
    for index, part in enumerate(parts):
        check_field(part, index)
    return Expression(" ".join(parts), None)


def count_message(count: int) -> str:
    names = " ".join(name for name, _, _ in FIELDS)
    if count < 5:
        missing = " ".join(name for name, _, _ in FIELDS[count:])
        return f"{count} field{'s' if count != 1 else ''}: a cron expression has 5 ({names}); missing: {missing}"
    if count == 6:
        return (
            f"6 fields: this tool reads the standard 5 of crontab(5) ({names}); a seconds field (Quartz, Spring) "
            "or a year field is not supported"
        )
    return (
        f"{count} fields: a cron expression has 5 ({names}); if you pasted a crontab line, leave out the command "
        "(and the user name of /etc/crontab lines)"
    )
