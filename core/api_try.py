"""The API docs' "Try it": an operation's request read from a form, its curl command, and its answer.

A stateless tool operation runs here through the platform (core.operations.execute: the same validation,
bounded executor and limits as its API route), answering what the API answers. Any other route (owner-only
data, whoami, which reports the request itself) is sent by the browser to the real API with the owner's
session (static/js/apidocs.js); without JavaScript a GET is a plain link to it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from pydantic import ValidationError
from quart import current_app, url_for

from core.curl import api_curl
from core.errors import unknown_fields_problem, validation_problem
from core.forms import NetworkAccessRefused, ToolInputError
from core.limits import OutputTooLarge, join_capped
from core.operations import Operation, execute

SHOWN_CHARACTERS = 256 * 1024  # of an answer on the page: the API gives it whole, the page shows this much


@dataclass(frozen=True)
class Attempt:
    """The request the form describes: what is sent, how curl sends it, and the form's values to show again."""

    method: str
    path: str  # with its parameters and query string
    body: str | None
    curl: str
    values: dict[str, str]
    problem: str = ""  # a missing path parameter: nothing can be sent


@dataclass(frozen=True)
class Answer:
    status: int
    text: str  # pretty-printed JSON (cut at SHOWN_CHARACTERS)
    cut: int = 0  # characters left out


def request_body(op: dict, form) -> str | None:
    """The body text as sent: browsers send a textarea's line breaks as CRLF, JSON and curl want LF."""
    if op["media"] != "application/json":
        return None
    return form.get("body", "").replace("\r\n", "\n")


def one_line(body: str) -> str:
    """Valid JSON on one line for the curl command; anything else exactly as typed."""
    try:
        return json.dumps(json.loads(body), ensure_ascii=False, allow_nan=False)
    except (ValueError, RecursionError):
        return body


def describe_attempt(op: dict, form) -> Attempt:
    values = {"body": request_body(op, form) or ""}
    path, problem = op["path"], ""
    for parameter in op["path_params"]:
        key = f"path.{parameter['name']}"
        values[key] = value = form.get(key, "").strip()
        if not value or value in (".", ".."):  # a dot segment would take the URL to another route
            problem = problem or f"{parameter['name']}: enter a value for this path parameter."
        path = path.replace("{" + parameter["name"] + "}", quote(value, safe=""))
    query = []
    for parameter in op["query_params"]:
        key = f"query.{parameter['name']}"
        values[key] = value = form.get(key, "")
        if value:
            query.append((parameter["name"], value))
    path += f"?{urlencode(query)}" if query else ""
    body = request_body(op, form)
    url = url_for("home.index", _external=True).rstrip("/") + path
    curl = api_curl(url, op["method"], None if body is None else one_line(body), owner_only=op["secured"])
    return Attempt(op["method"], path, body, curl, values, problem)


def shown(payload: object, status: int) -> Answer:
    """The answer as the page shows it: the API's JSON (same encoder), indented."""
    compact = current_app.json.dumps(payload)
    if len(compact) > SHOWN_CHARACTERS:
        return Answer(status, compact[:SHOWN_CHARACTERS], len(compact) - SHOWN_CHARACTERS)
    try:
        encoder = json.JSONEncoder(indent=2, ensure_ascii=False)
        return Answer(status, join_capped(encoder.iterencode(json.loads(compact)), 4 * SHOWN_CHARACTERS))
    except OutputTooLarge:  # deep nesting indents quadratically: the compact text is the answer too
        return Answer(status, compact)


def error(message: str, field: str | None, status: int) -> Answer:
    return shown({"error": {"message": message, "field": field}}, status)


async def run_here(operation: Operation, body: str | None) -> Answer:
    """What POST /api/<slug> answers for this body: its checks in the same order, then the operation."""
    try:
        parsed = json.loads(body or "")
    except ValueError as exc:
        return error(f"The request body is not valid JSON: {exc}", None, 400)
    except RecursionError:
        return error("The request body is not valid JSON: it is nested too deeply.", None, 400)
    problem = unknown_fields_problem(operation.input, parsed)
    if problem is not None:
        return error(*problem, 422)
    try:
        data = operation.input.model_validate(parsed)
    except ValidationError as exc:
        return error(*validation_problem(exc), 422)
    try:
        result = await execute(operation, data)
    except ToolInputError as exc:
        return error(exc.message, exc.field, 422)
    except NetworkAccessRefused as exc:  # a visitor and a network tool: the API's 401 (or 429), shown as its answer
        return error(exc.message, None, exc.status)
    if operation.output is not None and not isinstance(result, operation.output):
        result = operation.output.model_validate(result)
    return shown(result, 200)
