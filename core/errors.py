"""Friendly error pages, and JSON errors under /api/."""

from __future__ import annotations

import functools
import logging
import socket
import sqlite3

import asyncpg
from pydantic import BaseModel, ValidationError
from quart import Quart, current_app, make_response, request
from quart_schema import DataSource, RequestSchemaValidationError
from quart_schema.validation import QUART_SCHEMA_REQUEST_ATTRIBUTE
from werkzeug.exceptions import BadRequest, HTTPException, RequestEntityTooLarge

from core.forms import FormTooLarge, NetworkAccessRefused, ToolInputError, api_error, first_error, human_size
from core.render import is_htmx, render_template

log = logging.getLogger("mytools.errors")
RETRY_AFTER_SECONDS = 30
DATABASE_DOWN_MESSAGE = (
    "The database is unavailable right now, so this page cannot be shown. "
    "Tools that need no database still work. Please try again in a minute."
)
# What asyncpg raises (through `databases`, which lets everything pass) when the server is gone or
# refuses connections. QueryCanceledError and other PostgresErrors are bugs or timeouts, not outages.
POSTGRES_OUTAGE = (
    asyncpg.exceptions.PostgresConnectionError,  # ConnectionDoesNotExistError, ConnectionFailureError, …
    asyncpg.exceptions.CannotConnectNowError,  # starting up or shutting down
    asyncpg.exceptions.AdminShutdownError,  # pg_terminate_backend, server shutdown
    asyncpg.exceptions.CrashShutdownError,
    asyncpg.exceptions.TooManyConnectionsError,
)
# Socket-level failures: ConnectionRefusedError / ConnectionResetError (ConnectionError), connect
# timeouts and DNS failures. Other OSErrors (a missing file in a tool) stay 500s.
NETWORK_OUTAGE = (ConnectionError, TimeoutError, socket.gaierror)
RATE_LIMIT_STORE_DOWN_MESSAGE = (
    "The store of this site's rate limits (Redis) is unavailable right now, so this cannot be done. "
    "Tools that need no database still work. Please try again in a minute."
)
UNSTORABLE_MESSAGE = "The input holds a value the database cannot store: a NUL character or a number out of range."
SQLITE_OUTAGE_MESSAGES = ("unable to open database file", "database is locked", "disk i/o error")


class DatabaseOutage(RuntimeError):
    """Raised by app code that found the database unreachable in a way it could only note, not raise."""


class RateLimitStoreOutage(DatabaseOutage):
    """Redis (REDIS_URL), which holds the rate-limit counters, is unreachable: the same 503, naming it."""


def is_database_outage(error: BaseException) -> bool:
    """True for errors that mean "the database cannot be reached now", as opposed to a bug."""
    if isinstance(error, (DatabaseOutage, *POSTGRES_OUTAGE, *NETWORK_OUTAGE)):
        return True
    if isinstance(error, asyncpg.exceptions.InterfaceError):
        return "connection is closed" in str(error) or "pool is closing" in str(error)
    if isinstance(error, asyncpg.exceptions.InternalClientError):
        # The first query on a pooled connection whose backend was terminated (pg_terminate_backend,
        # failover) fails this way; the pool then replaces the connection (MagicStack/asyncpg#1069,
        # sqlalchemy/sqlalchemy#13241 treat it as a disconnect too).
        return str(error).startswith("cannot switch to state")
    if isinstance(error, sqlite3.OperationalError):
        return str(error).lower().startswith(SQLITE_OUTAGE_MESSAGES)
    return False


def is_unstorable_value(error: BaseException) -> bool:
    """True when the database refused a value as data: a NUL in text, an integer past the column's range.

    Tools should refuse such input themselves, naming the field (core.forms.StoredText, MAX_DB_INTEGER);
    this keeps a case they miss a 422 instead of a 500.
    """
    if isinstance(error, asyncpg.exceptions.DataError):  # SQLSTATE class 22, and asyncpg's argument checks
        return True
    return isinstance(error, OverflowError) and "SQLite INTEGER" in str(error)


def wants_json() -> bool:
    return request.path.startswith("/api/")


async def error_page(status: int, title: str, message: str):
    if wants_json():
        return api_error(message, status=status)
    if is_htmx():
        return await render_template("_partials/error_message.html", message=message), status
    return await render_template("error.html", status=status, title=title, message=message), status


async def read_api_json() -> None:
    """Parse an API request's JSON body before the view (Quart caches it), to refuse what the parser chokes on.

    Quart turns only a ValueError from json.loads into a 400: a body that is not UTF-8 fails earlier, while
    it is decoded, and one nested deeper than the recursion limit raises RecursionError. Both were 500s.
    """
    if not (wants_json() and request.is_json):
        return
    try:
        await request.get_json()
    except BadRequest:
        pass  # invalid JSON: the view says so if it reads the body, as before
    except UnicodeDecodeError as error:
        raise BadRequest(description="The request body is not valid JSON: it is not UTF-8 text.") from error
    except RecursionError as error:
        raise BadRequest(description="The request body is not valid JSON: it is nested too deeply.") from error


@functools.cache
def field_names(model: type[BaseModel]) -> frozenset[str]:
    """The names (and aliases) a JSON body may use for the model's fields."""
    return frozenset(model.model_fields) | {f.alias for f in model.model_fields.values() if f.alias}


def unknown_fields(model: type[BaseModel], body: object) -> list[str]:
    """The keys of a JSON object that the model has no field (or alias) for."""
    if not isinstance(body, dict):
        return []
    known = field_names(model)
    return [key for key in body if key not in known]


async def refuse_unknown_fields():
    """Strict API input: a JSON body naming a field the operation does not have is a 422 naming it.

    pydantic ignores unknown fields, so {"from": "yaml"} to /api/convert silently converted from JSON.
    """
    if not (request.is_json and request.method in ("POST", "PUT", "PATCH")):
        return None
    view = current_app.view_functions.get(request.endpoint or "")
    schema = getattr(view, QUART_SCHEMA_REQUEST_ATTRIBUTE, None)
    # Only a JSON body is checked: /api/hash/file documents a multipart body, and a JSON body sent there
    # gets the view's own "send multipart" 400.
    if schema is None or schema[1] != DataSource.JSON:
        return None
    model, source = schema
    if source != DataSource.JSON or not (isinstance(model, type) and issubclass(model, BaseModel)):
        return None
    try:
        body = await request.get_json()
    except BadRequest:
        return None
    problem = unknown_fields_problem(model, body)
    return None if problem is None else api_error(*problem, 422)


def unknown_fields_problem(model: type[BaseModel], body: object) -> tuple[str, str] | None:
    """(message, first unknown field) when a JSON body names fields the model does not have, else None."""
    extra = unknown_fields(model, body)
    if not extra:
        return None
    names = ", ".join(extra[:10]) + (f" and {len(extra) - 10} more" if len(extra) > 10 else "")
    expected = ", ".join(model.model_fields)
    noun = "field" if len(extra) == 1 else "fields"
    return f"Unknown {noun}: {names}. The fields are: {expected}.", extra[0]


def validation_problem(error: ValidationError) -> tuple[str, str | None]:
    """(message, field) of the API's 422 for input its model refused: the first problem, prefixed by its field."""
    message, field = first_error(error)
    return (f"{field}: {message}" if field else message), field or None


def install_error_handlers(app: Quart) -> None:

    @app.errorhandler(RequestSchemaValidationError)
    async def invalid_request(error: RequestSchemaValidationError):
        cause = error.validation_error
        if not request.is_json:
            return api_error("Send a JSON object with Content-Type: application/json.", None, 400)
        if isinstance(cause, ValidationError):
            return api_error(*validation_problem(cause), 422)
        return api_error("The request body must be a JSON object.", None, 400)

    @app.errorhandler(ToolInputError)
    async def tool_input_error(error: ToolInputError):
        """Input the schema accepted but the tool cannot process: 422 naming the field."""
        if wants_json():
            return api_error(error.message, error.field, 422)
        return await error_page(422, "Invalid input", error.message)

    @app.errorhandler(NetworkAccessRefused)
    async def network_refused(error: NetworkAccessRefused):
        """A visitor and a network tool (core/network_access.py): 401 log in, or 429 with Retry-After."""
        response = await make_response(await error_page(error.status, "Not allowed", error.message))
        response.headers.update(error.headers)
        return response

    @app.errorhandler(RequestEntityTooLarge)
    async def too_large(error):
        if isinstance(error, FormTooLarge):
            return await error_page(413, "Too large", error.description)
        limit = app.config["MAX_CONTENT_LENGTH"]
        return await error_page(413, "Too large", f"The request body is too large: the limit is {human_size(limit)}.")

    @app.errorhandler(404)
    async def not_found(error):
        return await error_page(404, "Not found", "There is nothing at this address.")

    @app.errorhandler(405)
    async def method_not_allowed(error):
        return await error_page(405, "Method not allowed", f"{request.method} is not allowed here.")

    @app.errorhandler(HTTPException)
    async def other_http_error(error: HTTPException):
        return await error_page(error.code or 500, error.name, error.description or error.name)

    @app.errorhandler(Exception)
    async def server_error(error: Exception):
        if is_database_outage(error):
            return await database_unavailable(error)
        if is_unstorable_value(error):
            log.warning("unstorable value on %s %s: %s: %s", request.method, request.path, type(error).__name__, error)
            return await error_page(422, "Cannot store this", UNSTORABLE_MESSAGE)
        log.exception("unhandled error on %s %s", request.method, request.path)
        return await error_page(500, "Something went wrong", "The error was logged. Please try again.")


async def database_unavailable(error: BaseException):
    """503 with Retry-After: the pool reconnects by itself once the database is back."""
    reason = str(error).splitlines()[0] if str(error) else ""
    log.warning(
        "database unavailable on %s %s: %s%s", request.method, request.path, type(error).__name__,
        f" ({reason})" if reason else "",
    )  # fmt: skip
    if isinstance(error, RateLimitStoreOutage):
        response = await error_page(503, "Service unavailable", RATE_LIMIT_STORE_DOWN_MESSAGE)
    else:
        response = await error_page(503, "Database unavailable", DATABASE_DOWN_MESSAGE)
    body, status = response
    return body, status, {"Retry-After": str(RETRY_AFTER_SECONDS)}
