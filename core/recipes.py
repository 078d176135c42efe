"""Recipes: tool operations chained server-side, each step's text handed to the next.

A recipe is an ordered list of steps `{tool, operation, options, take, each_line}`. The recipe's input fills
step 1's primary input (Operation.primary_input); each step's taken output (its primary text, or the output
field `take` names) fills the next one's. Every step's options are validated by its operation's own input
model before anything runs. The run has one time budget and one output cap; a bounded operation runs in the
bounded executor with what is left of the budget. A failing step stops the run with the field at fault
(`steps[2].options.format`) and the outputs of the steps before it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from core.executor import Limits, WorkLimitExceeded, run_bounded
from core.forms import NetworkAccessRefused, ToolInputError, human_size
from core.network_access import check_network_access
from core.operations import Operation, request_args, run_networked

MAX_STEPS = 20


class Step(BaseModel):
    """One step of a recipe."""

    model_config = ConfigDict(extra="forbid")

    tool: str = Field(min_length=1, max_length=64, description="The tool's slug, e.g. `encode`.")
    operation: str = Field(default="", max_length=64, description="The operation's name, when the tool has several.")
    options: dict[str, Any] = Field(
        default_factory=dict, description="The operation's input fields except its primary input."
    )
    take: str = Field(default="", max_length=64, description="The output field passed on; default the primary text.")
    each_line: bool = Field(default=False, description="Apply the step to every line; join the results with newlines.")


class RecipeError(Exception):
    """A recipe that cannot run or that failed: the message, the field at fault, the steps done before it."""

    def __init__(self, message: str, field: str | None, done: list[dict] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.done = done or []


@dataclass(frozen=True)
class PreparedStep:
    index: int
    step: Step
    tool: Any  # core.registry.Tool
    operation: Operation

    @property
    def label(self) -> str:
        name = f"{self.tool.slug} {self.operation.name}".strip()
        return f"step {self.index + 1} ({name})"


@dataclass
class RecipeRun:
    """What a run produced: the final output and, per step, {tool, output, error, ms}."""

    output: str
    steps: list[dict] = field(default_factory=list)


def step_operations(tools) -> dict[tuple[str, str], tuple[Any, Operation]]:
    """(slug, operation name) -> (tool, operation) of every operation a recipe may use."""
    found = {}
    for tool in tools:
        for operation in tool.operations:
            if not operation.reads_request:
                found[(tool.slug, operation.name)] = (tool, operation)
    return found


def parse_steps(raw: Any) -> list[Step]:
    """The JSON steps as Step models; an error names the step and field (`steps[1].tool`)."""
    if not isinstance(raw, list):
        raise RecipeError("steps must be a list of steps", "steps")
    if not raw:
        raise RecipeError("a recipe needs at least one step", "steps")
    if len(raw) > MAX_STEPS:
        raise RecipeError(f"a recipe has at most {MAX_STEPS} steps; this one has {len(raw)}", "steps")
    steps = []
    for index, item in enumerate(raw):
        try:
            steps.append(Step.model_validate(item))
        except ValidationError as exc:
            problem = exc.errors()[0]
            where = ".".join(str(part) for part in problem.get("loc", ()))
            message = problem["msg"].removeprefix("Value error, ")
            field = step_field(index, where)
            raise RecipeError(f"step {index + 1}: {where + ': ' if where else ''}{message}", field) from None
    return steps


def step_field(index: int, name: str = "") -> str:
    return f"steps[{index}]" + (f".{name}" if name else "")


def prepare(steps: list[Step], tools) -> list[PreparedStep]:
    """Find every step's operation and validate its options and `take`, before anything runs."""
    if len(steps) > MAX_STEPS:
        raise RecipeError(f"a recipe has at most {MAX_STEPS} steps; this one has {len(steps)}", "steps")
    known = step_operations(tools)
    prepared = []
    for index, step in enumerate(steps):
        found = known.get((step.tool, step.operation))
        if found is None:
            raise RecipeError(
                unknown_step_message(step, known),
                step_field(index, "operation" if any(slug == step.tool for slug, _ in known) else "tool"),
            )
        tool, operation = found
        item = PreparedStep(index, step, tool, operation)
        check_options(item)
        check_take(item)
        prepared.append(item)
    return prepared


def unknown_step_message(step: Step, known) -> str:
    names = sorted(name for slug, name in known if slug == step.tool)
    if not names:
        return f"no tool {step.tool!r} can be a recipe step; the tools are: {', '.join(sorted({s for s, _ in known}))}"
    listed = ", ".join(repr(n) if n else '"" (the main one)' for n in names)
    return f"{step.tool} has no operation {step.operation!r}; its operations are: {listed}"


def check_options(item: PreparedStep) -> None:
    """The options, validated by the operation's input model (its primary input left to the run)."""
    operation, primary = item.operation, item.operation.primary_input
    fields = operation.input.model_fields
    for name in item.step.options:
        if name not in fields:
            raise RecipeError(
                f"{item.label}: unknown option {name!r}; its options are: "
                + ", ".join(n for n in fields if n != primary),
                step_field(item.index, f"options.{name}"),
            )
        if name == primary:
            raise RecipeError(
                f"{item.label}: {name!r} is the step's input (the previous step's output), not an option",
                step_field(item.index, f"options.{name}"),
            )
    try:
        operation.input.model_validate({**item.step.options, **({primary: ""} if primary else {})})
    except ValidationError as exc:
        for problem in exc.errors():
            name = str(problem["loc"][0]) if problem.get("loc") else ""
            if name == primary:
                continue  # the placeholder input: the real one is checked when the step runs
            message = problem["msg"].removeprefix("Value error, ")
            raise RecipeError(f"{item.label}: {name}: {message}", step_field(item.index, f"options.{name}")) from None


def check_take(item: PreparedStep) -> None:
    output = item.operation.output
    take = item.step.take
    if take and output is not None and take not in output.model_fields:
        raise RecipeError(
            f"{item.label}: its output has no field {take!r}; the fields are: {', '.join(output.model_fields)}",
            step_field(item.index, "take"),
        )


class NotText(Exception):
    """A step's taken output that is not text: the step it would feed fails, saying what came and what it needs."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


def as_text(value: Any, source: str) -> str:
    """The value a step hands on, as text (numbers as digits, UTF-8 bytes decoded); NotText otherwise."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return str(value)
    if isinstance(value, bytes | bytearray):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise NotText(
                f"{source} is {len(value)} bytes of binary data, not UTF-8 text (byte {exc.start + 1} is "
                f"0x{value[exc.start]:02x})"
            ) from None
    kind = "an object" if isinstance(value, BaseModel | dict) else f"a {type(value).__name__}"
    raise NotText(f"{source} is {kind}, not text")


def taken(item: PreparedStep, data: BaseModel, output: Any) -> str:
    """The step's output passed on: the field `take` names, or the operation's primary text."""
    take = item.step.take
    if not take:
        return as_text(item.operation.primary_text(output, data), f"the output of {item.label}")
    value = output.get(take) if isinstance(output, dict) else getattr(output, take, None)
    return as_text(value, f"the {take!r} output of {item.label}")


def run_pieces(item: PreparedStep, datas: list[BaseModel], args: tuple) -> list[str]:
    """Run the step on each input (one, or one per line) and take its text; a line's error says which line."""
    texts = []
    for number, data in enumerate(datas, start=1):
        try:
            texts.append(taken(item, data, item.operation.run(data, *args)))
        except ToolInputError as exc:
            if len(datas) > 1:
                raise ToolInputError(f"line {number}: {exc.message}", exc.field) from None
            raise
    return texts


class BudgetSpent(Exception):
    """The run's time budget is spent (its own class: a tool's own TimeoutError is not the budget's)."""


class Budget:
    """The run's deadline and output cap."""

    def __init__(self, seconds: float, output_bytes: int) -> None:
        self.seconds, self.output_bytes = seconds, output_bytes
        self.deadline = time.monotonic() + seconds

    def left(self) -> float:
        return self.deadline - time.monotonic()

    def message(self, item: PreparedStep) -> str:
        return f"{item.label}: the recipe ran out of its time budget of {self.seconds:g} s"

    def step_limits(self, operation: Operation) -> Limits:
        own = operation.limits()
        return own.replace(
            seconds=max(0.001, min(own.seconds, self.left())), output_bytes=min(own.output_bytes, self.output_bytes)
        )


def step_inputs(item: PreparedStep, text: str) -> list[BaseModel]:
    """The step's validated input for the text (or one per line in each-line mode)."""
    primary = item.operation.primary_input
    pieces = text.splitlines() if item.step.each_line else [text]
    inputs = []
    for number, piece in enumerate(pieces, start=1):
        values = {**item.step.options, **({primary: piece} if primary else {})}
        try:
            inputs.append(item.operation.input.model_validate(values))
        except ValidationError as exc:
            problem = exc.errors()[0]
            name = str(problem["loc"][0]) if problem.get("loc") else ""
            where = f"line {number}: " if item.step.each_line else ""
            message = problem["msg"].removeprefix("Value error, ")
            what = "its input" if name == primary else name
            raise ToolInputError(f"{where}{what}: {message}", name) from None
    return inputs


async def run_networked_step(item: PreparedStep, datas: list[BaseModel], args: tuple, budget: Budget) -> str:
    """A network step: the same access rule as its page and API, each piece awaited within the budget."""
    try:
        await check_network_access()
    except NetworkAccessRefused as exc:
        raise ToolInputError(exc.message) from None
    texts = []
    for data in datas:
        try:
            output = await run_networked(item.operation, data, args, budget.step_limits(item.operation))
        except WorkLimitExceeded:
            if budget.left() <= 0:
                raise BudgetSpent from None
            raise
        texts.append(taken(item, data, output))
    return "\n".join(texts)


async def run_step(item: PreparedStep, text: str, budget: Budget) -> str:
    datas = step_inputs(item, text)
    args = await request_args(item.operation)
    if item.operation.network:
        return await run_networked_step(item, datas, args, budget)
    if not item.operation.bounded:
        return "\n".join(run_pieces(item, datas, args))
    limits = budget.step_limits(item.operation)
    try:
        texts = await run_bounded(run_pieces, item, datas, args, limits=limits)
    except WorkLimitExceeded as exc:
        if exc.kind == "time" and budget.left() <= 0:
            raise BudgetSpent from None
        raise
    return "\n".join(texts)


def error_field(item: PreparedStep, name: str) -> str:
    if name == "take":
        return step_field(item.index, "take")
    if not name or name == item.operation.primary_input:
        return step_field(item.index, "input")
    return step_field(item.index, f"options.{name}")


async def run_recipe(text: str, prepared: list[PreparedStep], budget: Budget) -> RecipeRun:
    """Run the prepared steps on the text; a failure raises RecipeError with the steps done so far."""
    done: list[dict] = []
    for item in prepared:
        started = time.perf_counter()
        try:
            if budget.left() <= 0:
                raise BudgetSpent
            text = await run_step(item, text, budget)
            if budget.left() < 0:
                raise BudgetSpent
        except BudgetSpent:
            raise RecipeError(budget.message(item), step_field(item.index), done) from None
        except ToolInputError as exc:
            raise RecipeError(f"{item.label}: {exc.message}", error_field(item, exc.field), done) from None
        except NotText as exc:
            raise not_text_error(exc, item, prepared, done) from None
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > budget.output_bytes:
            message = f"{item.label}: the output is larger than the recipe's cap of {human_size(budget.output_bytes)}"
            raise RecipeError(message, step_field(item.index), done)
        ms = round((time.perf_counter() - started) * 1000, 1)
        done.append({"tool": item.tool.slug, "operation": item.operation.name, "output": text, "error": None, "ms": ms})
    return RecipeRun(text, done)


def not_text_error(error: NotText, item: PreparedStep, prepared: list[PreparedStep], done: list[dict]) -> RecipeError:
    """The step after `item` cannot take its output; the last step's output must be text too."""
    if item.index + 1 < len(prepared):
        after = prepared[item.index + 1]
        message = f"{after.label} needs text as its input, but {error.what}; choose a text output with `take`"
        return RecipeError(message, step_field(after.index, "input"), done + [{**done_entry(item), "output": None}])
    message = f"a recipe's output is text, but {error.what}; choose a text output with `take`"
    return RecipeError(message, step_field(item.index, "take"), done)


def done_entry(item: PreparedStep) -> dict:
    return {"tool": item.tool.slug, "operation": item.operation.name, "output": None, "error": None, "ms": None}


def failed_steps(error: RecipeError, steps: list[Step]) -> list[dict]:
    """The steps of a failed run: the outputs of those done, the error at the failing one."""
    shown = list(error.done)
    at = len(shown)
    if at < len(steps) and error.field and error.field.startswith(f"steps[{at}]"):
        step = steps[at]
        shown.append({"tool": step.tool, "operation": step.operation, "output": None, "error": error.message,
                      "ms": None})  # fmt: skip
    return shown


def budget_of(settings) -> Budget:
    """The run's budget from the settings (RECIPE_TIME_LIMIT_MS, RECIPE_MAX_OUTPUT_BYTES)."""
    return Budget(settings.recipe_seconds, settings.recipe_max_output_bytes)


async def run_steps(text: str, steps: list[Step], tools, settings) -> RecipeRun:
    """Prepare (validate every step) and run: what the API, the pages and the command line call."""
    return await run_recipe(text, prepare(steps, tools), budget_of(settings))


def checked_steps(raw: Any, tools) -> list[Step]:
    """The JSON steps parsed and every one validated (operation, options, take): what a save stores."""
    steps = parse_steps(raw)
    prepare(steps, tools)
    return steps
