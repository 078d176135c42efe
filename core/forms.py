"""Validate form, query and JSON input with one pydantic model per tool."""

from __future__ import annotations

import types
import typing
from typing import Annotated, TypeVar

from pydantic import AfterValidator, BaseModel, ValidationError
from quart import jsonify, request

M = TypeVar("M", bound=BaseModel)
# The largest id or counter a database INTEGER column holds (PostgreSQL's integer is 32-bit).
MAX_DB_INTEGER = 2**31 - 1


def refuse_nul(text: str) -> str:
    """Text to be stored may not hold NUL (U+0000): PostgreSQL's text types cannot store it."""
    if "\x00" in text:
        raise ValueError("must not contain the NUL character (U+0000)")
    return text


# A str field whose value goes into the database.
StoredText = Annotated[str, AfterValidator(refuse_nul)]


def _is_list(annotation) -> bool:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return any(_is_list(arg) for arg in typing.get_args(annotation))
    return origin in (list, tuple, set, frozenset)


def field_errors(exc: ValidationError) -> dict[str, str]:
    """{"field": "message"} for the first problem of each field; "" is the form as a whole."""
    errors: dict[str, str] = {}
    for problem in exc.errors():
        field = str(problem["loc"][0]) if problem.get("loc") else ""
        message = problem["msg"].removeprefix("Value error, ")
        errors.setdefault(field, message)
    return errors


def first_error(exc: ValidationError) -> tuple[str, str]:
    field, message = next(iter(field_errors(exc).items()))
    return message, field


def values_from(model: type[BaseModel], source) -> dict:
    """Pick the model's fields out of a submitted form (list fields take every value).

    For other fields the last value wins, so a checkbox can follow a hidden input of the same
    name that says "false" (the `checkbox` macro): unticked, the form still says so.
    """
    values = {}
    for name, info in model.model_fields.items():
        if name in source:
            values[name] = source.getlist(name) if _is_list(info.annotation) else source.getlist(name)[-1]
    return values


class FormInput(typing.NamedTuple):
    data: BaseModel | None  # valid input, or None
    values: dict  # what the user sent, to refill the form
    errors: dict[str, str]  # field -> message
    fields: tuple[str, ...] = ()  # the model's field names, for error placement in templates


async def read_form(model: type[M], *, query: bool = True) -> FormInput:
    """Parse a tool form: POST body, or the query string of a shareable GET link.

    A GET without any of the model's fields is an empty form, not an error.
    """
    fields = tuple(model.model_fields)
    if request.method == "GET":
        source = request.args
        if not query or not any(name in source for name in fields):
            return FormInput(None, {}, {}, fields)
    else:
        source = await request.form
    values = values_from(model, source)
    try:
        return FormInput(model.model_validate(values), values, {}, fields)
    except ValidationError as exc:
        return FormInput(None, values, field_errors(exc), fields)


def api_error(message: str, field: str | None = None, status: int = 422):
    """The JSON API's error shape: {"error": {"message": ..., "field": ...}}."""
    return jsonify({"error": {"message": message, "field": field}}), status


class ToolInputError(ValueError):
    """Input that passed the schema but that the tool cannot process; names the field."""

    def __init__(self, message: str, field: str = "input") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
