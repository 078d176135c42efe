"""The tool contract: a tool declares its operations; the platform makes the rest, once for every tool.

An operation is an input model, a pure `run` function and an output model, plus which output field is
"the result" (its primary text, what a chained step passes on) and its limits. From that the platform
makes the page (GET with a share-link query, POST without JavaScript, the htmx partial, field errors
next to their fields), `POST /api/<slug>` (or `/api/<slug>/<name>`), the OpenAPI entry, the command
line (`quart --app app tool …`) and execution: through the bounded executor when the operation's cost
can grow faster than its input, in the event loop otherwise.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from quart import Blueprint, Response, current_app, request
from quart_schema import DataSource, RequestSchemaValidationError, ResponseSchemaValidationError
from quart_schema.validation import QUART_SCHEMA_REQUEST_ATTRIBUTE, QUART_SCHEMA_RESPONSE_ATTRIBUTE

from core.executor import Limits, WorkLimitExceeded, default_limits, run_bounded
from core.first_load import FirstLoadKind, first_load_form
from core.form_fields import form_fields
from core.forms import FormInput, NetworkAccessRefused, ToolInputError, read_form
from core.network_access import SIGN_IN_MESSAGE, check_network_access, may_use_network
from core.render import render_tool, share_url

LIVE_MAX_BYTES = 100_000
# For an answer no cache may keep (browser, proxy, the page cache): secrets, another site's state now, private pages.
NO_STORE = {"Cache-Control": "no-store"}


@dataclass(frozen=True)
class Operation:
    """One thing a tool does. `run(data)` is pure: the validated input model in, the output out.

    A network operation (`network=True`) has an async `run` that talks to other hosts (through core's guard):
    it is awaited here under its time limit, and only signed-in accounts may run it (core/network_access.py)."""

    input: type[BaseModel]
    run: Callable[[Any], Any]
    output: type[BaseModel] | None = None  # for response validation and OpenAPI; None: what run returns
    # The output's primary text: a field name, or a function of the output (and the input) giving the text.
    primary: str | Callable[..., str] = "result"
    # The input field a recipe fills with the previous step's text (core/recipes.py); None: it takes none.
    primary_input: str | None = "input"
    name: str = ""  # "" for the tool's main operation (its page and /api/<slug>); else /api/<slug>/<name>
    summary: str = ""  # the API's one-line description; the run function's docstring by default
    bounded: bool = False  # run in the bounded executor: the cost can grow faster than the input
    seconds: float | None = None  # its own time limit, when not the configured WORK_TIME_LIMIT_MS
    output_bytes: int | None = None  # its own output cap, when not MAX_OUTPUT_BYTES
    # The page runs the operation only when this holds for the input (e.g. not for a blank text box).
    ready: Callable[[Any], bool] = field(default=lambda data: True, repr=False)
    # More template variables for the page: context(form, result) -> dict. It may replace `share` (e.g. with
    # None when a link would not reproduce the result, or with a link made of other values).
    context: Callable[[FormInput, Any], dict] | None = field(default=None, repr=False)
    share_secret: tuple[str, ...] = ()  # fields never put in a share link (keys, secrets)
    # A JSON body that works, for the docs and the test that runs every operation; the main operation
    # falls back to the tool's first example.
    example: dict | None = field(default=None, hash=False)
    varies: bool = False  # a generator: its answer differs on every call (tests compare its shape)
    # The input is the request itself (whoami): the API answers GET and POST with any body, the page (GET only)
    # runs on every view, and `request_args` (which may be async) gathers what run needs from the request.
    reads_request: bool = False
    response_headers: dict[str, str] = field(default_factory=dict, hash=False)  # e.g. Cache-Control: no-store
    # The page's own form reader, when read_form(input) is not enough (fields that depend on a mode, a secret
    # never taken from a URL): an async function returning a FormInput.
    form: Callable[[], Awaitable[FormInput]] | None = field(default=None, repr=False)
    # Values only the request has (e.g. this site's host names), read in the event loop and passed on to run
    # after the input, `run(data, *request_args())`: a bounded run happens in a child without the request.
    request_args: Callable[[], tuple] | None = field(default=None, repr=False)
    # Adjusts the configured limits when a fixed `seconds`/`output_bytes` will not do (a floor, a cap).
    adjust_limits: Callable[[Limits], Limits] | None = field(default=None, repr=False)
    # What the page shows before anything is typed (core/first_load.py): "example" (the tool's first example,
    # marked as one), "run" (`first_input`, or the input model's defaults, run afresh on every view) or "empty"
    # (`first_text` says what to type). None: "run" for a generator (varies), else "example".
    first_load: FirstLoadKind | None = None
    first_input: dict | None = field(default=None, hash=False)
    first_text: str = ""  # the line above a first load's result ("run", "empty"; an example has its own)
    # The page updates as you type while the form's text (and files) stay under this many bytes; above it the
    # page says that live update is off and waits for its button or Ctrl+Enter (static/js/app.js).
    live_max_bytes: int = LIVE_MAX_BYTES
    # The input field that takes the visitor's time zone: on a first load the browser fills it in and runs the
    # form once (the server cannot know the zone; without JavaScript the page says it shows UTC).
    browser_zone: str = ""
    # Looks things up on the network: `run` is async, the page does not run it until asked (first load
    # "empty"), and visitors may run it only when MYTOOLS_NETWORK_PUBLIC is on.
    network: bool = False

    def __post_init__(self) -> None:
        if self.network != inspect.iscoroutinefunction(self.run):
            raise TypeError(f"{self.run.__name__}: network=True goes with an async run (and only with one)")
        if self.network and self.bounded:
            raise TypeError(f"{self.run.__name__}: a network operation awaits the network, not the executor")
        if self.first_load is None:
            kind = "empty" if self.network else "run" if self.varies else "example"
            object.__setattr__(self, "first_load", kind)

    @property
    def description(self) -> str:
        return self.summary or inspect.getdoc(self.run) or ""

    def limits(self) -> Limits:
        limits = default_limits()
        changes = {"seconds": self.seconds, "output_bytes": self.output_bytes}
        limits = limits.replace(**{k: v for k, v in changes.items() if v is not None})
        return self.adjust_limits(limits) if self.adjust_limits else limits

    def primary_text(self, output: Any, data: BaseModel | None = None) -> str:
        """The operation's result as one text: what a recipe passes on to its next step."""
        if callable(self.primary):
            params = inspect.signature(self.primary).parameters
            return self.primary(output, data) if len(params) > 1 else self.primary(output)
        value = output[self.primary] if isinstance(output, dict) else getattr(output, self.primary)
        return value if isinstance(value, str) else str(value)


def example_body(tool, operation: Operation) -> dict:
    """A valid JSON body for the operation: its own example, or (main operation) the tool's first example."""
    if operation.example is not None:
        return operation.example
    if operation.name or not tool.examples:
        return {}
    return operation.input.model_validate(tool.examples[0][1]).model_dump(mode="json", exclude_defaults=True)


async def execute(operation: Operation, data: BaseModel, limits: Limits | None = None) -> Any:
    """Run the operation on valid input: in the bounded executor, or here when its cost is linear.

    `limits` (a recipe's remaining budget) replaces the operation's own limits of a bounded run."""
    args = await request_args(operation)
    if operation.network:
        await check_network_access()
        return await run_networked(operation, data, args, limits or operation.limits())
    if operation.bounded:
        return await run_bounded(operation.run, data, *args, limits=limits or operation.limits())
    return operation.run(data, *args)


async def run_networked(operation: Operation, data: BaseModel, args: tuple, limits: Limits) -> Any:
    """Await a network operation's run; at the time limit it is cancelled (a 422 naming the limit)."""
    try:
        async with asyncio.timeout(limits.seconds):
            return await operation.run(data, *args)
    except TimeoutError:
        raise WorkLimitExceeded("time", limits, operation.primary_input or "input") from None


async def request_args(operation: Operation) -> tuple:
    """What the operation's run takes after its input, read from the request (see Operation.request_args)."""
    args = operation.request_args() if operation.request_args else ()
    return (await args) if inspect.isawaitable(args) else args


def check_primary_input(slug: str, operation: Operation) -> None:
    """At startup: the primary input a recipe fills is a text field of the input model (or None)."""
    name = operation.primary_input
    if name is None:
        return
    field_info = operation.input.model_fields.get(name)
    if field_info is None or field_info.annotation is not str:
        raise RuntimeError(
            f"{slug} {operation.name or '(main)'}: primary_input {name!r} is not a str field of "
            f"{operation.input.__name__}; set Operation(primary_input=...) to its text field, or None"
        )


def api_path(slug: str, operation: Operation) -> str:
    return f"/api/{slug}" + (f"/{operation.name}" if operation.name else "")


def main_operation(operations: tuple[Operation, ...]) -> Operation:
    return next(op for op in operations if not op.name)


def page_operation(tool) -> Operation | None:
    """The operation behind the tool's page (templates read its live-update settings); None for a stateful tool."""
    return main_operation(tool.operations) if tool.operations else None


async def page_form(tool, operation: Operation) -> FormInput:
    """The page's form: what was sent, or on a first load what the operation shows then (core/first_load.py)."""
    form = await (operation.form() if operation.form else read_form(operation.input))
    return first_load_form(tool, operation, form)


async def run_page(tool, operation: Operation, **extra):
    """The tool's page: the form's input run (errors next to their fields), or a first load's example or result."""
    if operation.reads_request:
        form = FormInput(operation.input(), {}, {}, ())
    else:
        form = await page_form(tool, operation)
    result, status = None, 200
    if form.data is not None and operation.ready(form.data):
        try:
            result = await execute(operation, form.data)
        except ToolInputError as exc:
            form = form._replace(errors={exc.field: exc.message})
        except NetworkAccessRefused as exc:
            form = form._replace(errors={operation.primary_input or "input": exc.message})
            status = exc.status
    if operation.network and "network_refused" not in extra and not await may_use_network():
        extra.update(network_refused=True, network_sign_in=SIGN_IN_MESSAGE)  # said before anything is typed
    shareable = result is not None and not operation.reads_request and bool(form.values)
    share = share_url(tool.page_url, form.values, operation.share_secret) if shareable else None
    context = {"form": form, "result": result, "share": share, "input_fields": form_fields(operation.input)}
    context.update(operation.context(form, result) if operation.context else {})
    response = await render_tool(tool, **context, **extra)
    response.headers.update(operation.response_headers)
    if status != 200:
        response.status_code = status
    return response


def _page_view(tool, operation: Operation):
    async def page():
        return await run_page(tool, operation)

    page.__name__ = "page"
    page.__doc__ = f"The {tool.title} page."
    return page


def _api_view(tool, operation: Operation):
    """POST /api/<slug>[/<name>]: the JSON body validated by the input model, the output by the output model.

    It does what quart-schema's validate_request and validate_response wrappers do, with the same errors and
    the same JSON, in one function: those wrappers and quart-schema's response conversion cost about a
    tenth of a short API call. The view carries quart-schema's attributes, so OpenAPI documents it as before.
    """
    read_input = load_input(operation.input)
    answer = json_answer(operation)

    async def api():
        return answer(await execute(operation, read_input(await request.get_json())))

    async def api_on_request():
        return answer(await execute(operation, operation.input()))

    view = api_on_request if operation.reads_request else api
    view.__name__ = "api" + (f"_{operation.name.replace('-', '_')}" if operation.name else "")
    view.__doc__ = operation.description
    if not operation.reads_request:
        setattr(view, QUART_SCHEMA_REQUEST_ATTRIBUTE, (operation.input, DataSource.JSON))
    if operation.output is not None:
        setattr(view, QUART_SCHEMA_RESPONSE_ATTRIBUTE, {200: (operation.output, None)})
    return view


def load_input(model: type[BaseModel]) -> Callable[[Any], BaseModel]:
    """The JSON body as the input model; a body it does not fit is quart-schema's 422 (its handler words it)."""

    def read(body: Any) -> BaseModel:
        try:
            return model.model_validate(body)
        except (TypeError, ValueError) as error:  # pydantic's ValidationError is a ValueError
            raise RequestSchemaValidationError(error) from error

    return read


def json_answer(operation: Operation) -> Callable[[Any], Response]:
    """The run's output as the JSON response: checked against the output model, keys sorted like Quart's JSON."""
    model = operation.output
    headers = operation.response_headers

    def answer(value: Any) -> Response:
        if model is not None and type(value) is not model:
            try:
                value = model.model_validate(value)
            except (TypeError, ValueError) as error:
                raise ResponseSchemaValidationError(error) from error
        if isinstance(value, BaseModel):
            value = value.model_dump()
        response = current_app.json.response(value)
        if headers:
            response.headers.update(headers)
        return response

    return answer


def install_operations(bp: Blueprint, tool, *, page: bool = True) -> None:
    """Add the tool's page and one API route per operation to its blueprint."""
    operations = tool.operations
    for operation in operations:
        check_primary_input(tool.slug, operation)
    if page:
        main = main_operation(operations)
        methods = ["GET"] if main.reads_request else ["GET", "POST"]
        bp.add_url_rule(tool.page_url, "page", _page_view(tool, main), methods=methods)
    for operation in operations:
        view = _api_view(tool, operation)
        methods = ["GET", "POST"] if operation.reads_request else ["POST"]
        bp.add_url_rule(api_path(tool.slug, operation), view.__name__, view, methods=methods)
