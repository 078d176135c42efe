"""What a tool page shows before anything is typed: its example, a fresh result, or what to type.

A first load is a GET whose form came back empty (no field in the query string, nothing refused). The
operation declares what then fills the page (`Operation.first_load`):

- "example": the tool's first example, filled into the form and run, the result marked as an example (for an
  operation that varies, e.g. reads the clock, a fresh run on every view, kept by no cache either);
- "run": `first_input` (the input model's defaults when None) run afresh: a generator shows a new value,
  the time tool shows now. Such a page differs on every view, so it is never served from the page cache;
- "empty": no result; the result area says what to type (`first_text`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, NamedTuple

from pydantic import ValidationError
from quart import request
from werkzeug.datastructures import MultiDict

from core.forms import FormInput, field_errors, values_from
from core.registry import query_pairs

if TYPE_CHECKING:
    from core.operations import Operation

FirstLoadKind = Literal["example", "run", "empty"]
EMPTY_TEXT = "Nothing to show yet: fill in the form above and the result appears here."
# A page run afresh on each view: not kept by the page cache (core/page_cache.py refuses "private"), and a
# browser asks again (no-cache) instead of showing yesterday's UUID.
FRESH_PAGE_CACHE_CONTROL = "private, no-cache"


class FirstLoad(NamedTuple):
    """Why a form holds what it holds on a first load, and the line that says so above the result."""

    kind: FirstLoadKind
    note: str
    varies: bool = False  # an example whose result differs on every view (it reads the clock): never cached


def is_first_load(form: FormInput) -> bool:
    return request.method in ("GET", "HEAD") and form.data is None and not form.values and not form.errors


def example_values(tool, operation: Operation) -> tuple[str, dict] | None:
    """(label, form values) of the example a first load shows, or None when the tool has none."""
    if tool.examples:
        label, params = tool.examples[0]
        return label, values_from(operation.input, MultiDict(query_pairs(params)))
    if operation.example is not None:
        return "", dict(operation.example)
    return None


def first_load_form(tool, operation: Operation, form: FormInput) -> FormInput:
    """The form a first load shows (see the module's docstring); any other form as it is."""
    if not is_first_load(form):
        return form
    kind = operation.first_load
    example = example_values(tool, operation) if kind == "example" else None
    if kind == "run":
        values = dict(operation.first_input or {})
        note = FirstLoad("run", operation.first_text)
    elif example is not None:
        label, values = example
        named = f" — {label}" if label else ""
        note = FirstLoad("example", f"Example{named}. Type over it to see your own result.", operation.varies)
    else:
        return form._replace(first_load=FirstLoad("empty", operation.first_text or EMPTY_TEXT))
    try:
        data = operation.input.model_validate(values)
    except ValidationError as exc:  # a tool's own example that no longer fits its model: say so, never a 500
        return form._replace(values=values, errors=field_errors(exc), first_load=note)
    return form._replace(data=data, values=values, first_load=note)


def fresh_headers(form: FormInput | None) -> dict[str, str]:
    """Headers for a page whose first load ran afresh (it differs on every view): {} for any other page."""
    first_load = form.first_load if form is not None else None
    if first_load is not None and (first_load.kind == "run" or first_load.varies):
        return {"Cache-Control": FRESH_PAGE_CACHE_CONTROL}
    return {}
