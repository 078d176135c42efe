"""The builder's form as a recipe and back: plain form fields, so the page works without JavaScript.

Fields: `input`, `name`, `slug`, `public`; per step i `step{i}_op` ("tool" or "tool/operation"),
`step{i}_drawn` (the operation whose options the form shows), `step{i}_take`, `step{i}_each_line` and
`step{i}_o_<option>`; the submit button `action` says what to do: run, add, remove-i, up-i, down-i, save, save-as.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import TypeAdapter, ValidationError
from werkzeug.datastructures import MultiDict

from core.form_fields import form_fields
from core.forms import values_from
from core.recipes import MAX_STEPS, Step, step_operations

STEP_KEY = re.compile(r"^step(\d+)_op$")
SHARE_MAX_CHARS = 2000  # a longer recipe is saved, not carried in a URL
DEFAULT_STEP = "encode"


@dataclass
class Builder:
    """What the builder shows: the recipe's steps, its input, and (saved) its name, slug and visibility."""

    steps: list[Step] = field(default_factory=list)
    input: str = ""
    name: str = ""
    slug: str = ""
    public: bool = False


def op_key(step: Step) -> str:
    return f"{step.tool}/{step.operation}" if step.operation else step.tool


def split_key(key: str) -> tuple[str, str]:
    tool, _, operation = key.partition("/")
    return tool, operation


def choices(tools) -> list[tuple[str, str]]:
    """(key, label) of every operation a step may use, by label."""
    found = [
        (f"{slug}/{name}" if name else slug, f"{tool.title}: {name}" if name else tool.title)
        for (slug, name), (tool, _) in step_operations(tools).items()
    ]
    return sorted(found, key=lambda pair: pair[1].lower())


def option_fields(tools, step: Step) -> tuple:
    """The step's option fields (its operation's input fields but the primary input), for the form."""
    found = step_operations(tools).get((step.tool, step.operation))
    if found is None:
        return ()
    operation = found[1]
    return tuple(f for f in form_fields(operation.input) if f.name != operation.primary_input)


def typed_options(operation, raw: dict) -> dict:
    """Form strings as the fields' types where they fit ("2" -> 2), defaults left out: what a link or save keeps."""
    options = {}
    for name, value in raw.items():
        info = operation.input.model_fields[name]
        try:
            value = TypeAdapter(info.annotation).validate_python(value)
        except ValidationError:
            options[name] = value  # kept as typed: the run names the step and field
            continue
        if value != info.default:
            options[name] = value
    return options


def step_from_form(form: MultiDict, index: int, known: dict) -> Step:
    key = form.get(f"step{index}_op", DEFAULT_STEP)
    tool, operation_name = split_key(key)
    options: dict[str, Any] = {}
    found = known.get((tool, operation_name))
    if found is not None and form.get(f"step{index}_drawn") == key:
        operation = found[1]
        prefix = f"step{index}_o_"
        sub = MultiDict([(k[len(prefix) :], v) for k, v in form.items(multi=True) if k.startswith(prefix)])
        raw = values_from(operation.input, sub)
        raw.pop(operation.primary_input or "", None)
        options = typed_options(operation, raw)
    each_line = form.getlist(f"step{index}_each_line")[-1:] == ["true"]
    take = form.get(f"step{index}_take", "")[:64]
    return Step(tool=tool[:64] or DEFAULT_STEP, operation=operation_name[:64], options=options, take=take,
                each_line=each_line)  # fmt: skip


def from_form(form: MultiDict, tools) -> Builder:
    """The builder's state from a submitted form (before its action)."""
    indexes = sorted(int(m.group(1)) for k in form if (m := STEP_KEY.match(k)))
    known = step_operations(tools)
    steps = [step_from_form(form, i, known) for i in indexes[: MAX_STEPS + 1]]
    public = form.getlist("public")[-1:] == ["true"]
    return Builder(steps, form.get("input", ""), form.get("name", "")[:200], form.get("slug", "")[:32], public)


def apply_action(builder: Builder, action: str) -> Builder:
    """Add, remove or move a step (the form's buttons); other actions leave the steps as they are."""
    verb, _, where = action.partition("-")
    steps = list(builder.steps)
    at = int(where) if where.isdigit() and int(where) < len(steps) else None
    if verb == "add" and len(steps) < MAX_STEPS:
        steps.append(Step(tool=DEFAULT_STEP))
    elif verb == "remove" and at is not None:
        steps.pop(at)
    elif verb == "up" and at:
        steps[at - 1], steps[at] = steps[at], steps[at - 1]
    elif verb == "down" and at is not None and at + 1 < len(steps):
        steps[at], steps[at + 1] = steps[at + 1], steps[at]
    builder.steps = steps
    return builder


EXAMPLES = (
    (
        "URL-decode → Base64-decode → JSON pretty-print",
        Builder(
            [
                Step(tool="encode", options={"mode": "decode", "format": "url-component"}),
                Step(tool="encode", options={"mode": "decode", "format": "base64"}),
                Step(tool="json"),
            ],
            "eyJiIjpbMSwyXSwiYSI6IngifQ%3D%3D",
        ),
    ),
    (
        "SHA-256 of each line",
        Builder([Step(tool="hash", options={"algorithms": ["sha256"]}, each_line=True)], "alpha\nbeta\ngamma"),
    ),
    (
        "snake_case each line, then Base64",
        Builder(
            [Step(tool="case", options={"style": "snake"}, each_line=True), Step(tool="encode")], "Hello World\nfooBar"
        ),
    ),
)


def share_code(builder: Builder) -> str | None:
    """The unsaved recipe and its input as one URL-safe value; None when too long for a link."""
    recipe = {"input": builder.input, "steps": [s.model_dump(exclude_defaults=True) | {"tool": s.tool}
                                                 for s in builder.steps]}  # fmt: skip
    code = base64.urlsafe_b64encode(json.dumps(recipe, separators=(",", ":")).encode()).decode().rstrip("=")
    return code if len(code) <= SHARE_MAX_CHARS else None


def from_share_code(code: str) -> tuple[Builder | None, str]:
    """The builder a share link carries, or (None, why not)."""
    if len(code) > SHARE_MAX_CHARS * 2:
        return None, "This link's recipe is too long."
    try:
        recipe = json.loads(base64.urlsafe_b64decode(code + "=" * (-len(code) % 4)))
        steps = [Step.model_validate(s) for s in recipe["steps"][:MAX_STEPS]]
        text = recipe.get("input", "")
        if not isinstance(text, str):
            raise TypeError
    except (binascii.Error, ValueError, TypeError, KeyError, AttributeError):
        return None, "This link does not carry a recipe (it may have been cut short)."
    return Builder(steps, text), ""


def output_fields(tools, step: Step) -> tuple[str, ...]:
    """The output fields a step may pass on instead of its primary text (`take`)."""
    found = step_operations(tools).get((step.tool, step.operation))
    output = found[1].output if found else None
    return tuple(output.model_fields) if output is not None else ()


def drawn_as_chosen(form: MultiDict, state: Builder) -> bool:
    """Every step's options form is the one of its chosen operation (else the page must be drawn again)."""
    return all(form.get(f"step{i}_drawn") == op_key(step) for i, step in enumerate(state.steps))
