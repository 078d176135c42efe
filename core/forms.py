"""Validate form, query and JSON input with one pydantic model per tool."""

from __future__ import annotations

import asyncio
import types
import typing
from typing import Annotated, TypeVar
from urllib.parse import parse_qsl

from pydantic import AfterValidator, BaseModel, ValidationError
from quart import current_app, jsonify, request
from quart.formparser import FormDataParser
from quart.wrappers import Request
from werkzeug.exceptions import RequestEntityTooLarge

if typing.TYPE_CHECKING:
    from core.first_load import FirstLoad

M = TypeVar("M", bound=BaseModel)
# The largest id or counter a database INTEGER column holds (PostgreSQL's integer is 32-bit).
MAX_DB_INTEGER = 2**31 - 1


def refuse_nul(text: str) -> str:
    """Text to be stored may not hold NUL (U+0000), which PostgreSQL's text types cannot store, nor a lone
    surrogate (from a JSON escape such as "\\ud800"), which is not UTF-8 and no database can store."""
    if "\x00" in text:
        raise ValueError("must not contain the NUL character (U+0000)")
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("must not contain a lone surrogate (U+D800 to U+DFFF): it is not text") from None
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
    first_load: FirstLoad | None = None  # a first load's example, fresh run or empty state (core/first_load.py)


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


class NetworkAccessRefused(Exception):
    """A visitor may not run a network tool now: 401 (sign in) or 429 (the per-address limit)."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


# --- form limits: checked before a form is parsed -------------------------------------------------

INLINE_FORM_CHARACTERS = 64 * 1024  # parsed on the event loop (~8 ms); larger urlencoded forms in a thread
URLENCODED = frozenset({"application/x-www-form-urlencoded", "application/x-url-encoded"})


def utf8_bytes(text: str, field: str = "input") -> bytes:
    """The text's UTF-8 bytes; a lone surrogate (which no JSON schema check let through so far) is a field error."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise ToolInputError("this holds a lone surrogate (U+D800 to U+DFFF), which is not text", field) from None


class FormTooLarge(RequestEntityTooLarge):
    """A form over its byte or field limit (413); the description says which, for the error page."""


def human_size(n: int) -> str:
    """1048576 -> "1 MB"."""
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):g} MB"
    if n >= 1024:
        return f"{n / 1024:g} KB"
    return f"{n} bytes"


def pre_auth_form(view):
    """Mark a view anyone may post a form to before logging in (/login): its form gets LOGIN_FORM_MAX_BYTES."""
    view.pre_auth_form = True
    return view


class LimitedFormParser(FormDataParser):
    """Quart's form parser with Werkzeug's limits on urlencoded bodies too.

    Quart applies MAX_FORM_PARTS and MAX_FORM_MEMORY_SIZE to multipart bodies only: an urlencoded body of
    millions of fields went whole to parse_qsl, blocking the event loop for seconds. As in Werkzeug, the
    whole urlencoded body is held to max_form_memory_size and its field count to max_form_parts.
    """

    async def parse(self, body, mimetype: str, content_length: int | None, options: dict[str, str] | None = None):
        whole = self.max_content_length
        if whole is not None and content_length is not None and content_length > whole:
            raise FormTooLarge(f"The form is too large: the limit is {human_size(whole)}.")  # nothing read yet
        if mimetype in URLENCODED:
            await self.check_urlencoded(body, content_length)
            return await super().parse(body, mimetype, content_length, options)
        try:
            return await super().parse(body, mimetype, content_length, options)
        except RequestEntityTooLarge as error:
            if isinstance(error, FormTooLarge):
                raise
            # Too many parts, a part too large or the whole body: Quart's error does not say which.
            limits = f"at most {self.max_form_parts} fields, each at most {human_size(self.max_form_memory_size)}"
            raise FormTooLarge(f"The form is too large: {limits}, {human_size(whole)} in all.") from None

    async def _parse_urlencoded(self, body, mimetype: str, content_length: int | None, options: dict[str, str]):
        """Quart's urlencoded parsing, but a large body is decoded in a thread: parse_qsl takes ~0.12 s per MB
        of the event loop, so eight 1 MB tool forms at once held every other request for a second."""
        text = (await body).decode()
        if len(text) > INLINE_FORM_CHARACTERS:
            pairs = await asyncio.to_thread(parse_qsl, text, keep_blank_values=True)
        else:
            pairs = parse_qsl(text, keep_blank_values=True)
        return self.cls(pairs), self.cls()

    parse_functions = {
        **FormDataParser.parse_functions,
        "application/x-www-form-urlencoded": _parse_urlencoded,
        "application/x-url-encoded": _parse_urlencoded,
    }

    async def check_urlencoded(self, body, content_length: int | None) -> None:
        limit = self.max_form_memory_size
        if limit is not None and content_length is not None and content_length > limit:
            raise FormTooLarge(f"The form is too large: the limit is {human_size(limit)}.")
        data = await body  # a chunked body (no Content-Length) is still held to MAX_CONTENT_LENGTH while read
        if limit is not None and len(data) > limit:
            raise FormTooLarge(f"The form is too large: the limit is {human_size(limit)}.")
        parts = self.max_form_parts
        if parts is not None and data.count(b"&") >= parts:  # parse_qsl's own count, in one pass of C
            raise FormTooLarge(f"The form has too many fields: the limit is {parts}.")


class FormLimitedRequest(Request):
    """The request class: forms are parsed by LimitedFormParser, pre-auth forms held to the small limit."""

    form_data_parser_class = LimitedFormParser

    def make_form_data_parser(self) -> FormDataParser:
        view = current_app.view_functions.get(self.endpoint or "")
        if getattr(view, "pre_auth_form", False):
            limit = current_app.config["MYTOOLS_SETTINGS"].login_form_max_bytes
            self.max_content_length = min(limit, self.max_content_length or limit)
            self.max_form_memory_size = limit
        return super().make_form_data_parser()
