"""Friendly error pages, and JSON errors under /api/."""

from __future__ import annotations

import logging

from pydantic import ValidationError
from quart import Quart, render_template, request
from quart_schema import RequestSchemaValidationError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from core.forms import api_error, first_error
from core.render import is_htmx

log = logging.getLogger("mytools.errors")


def human_size(n: int) -> str:
    """1048576 -> "1 MB"."""
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):g} MB"
    if n >= 1024:
        return f"{n / 1024:g} KB"
    return f"{n} bytes"


def wants_json() -> bool:
    return request.path.startswith("/api/")


async def error_page(status: int, title: str, message: str):
    if wants_json():
        return api_error(message, status=status)
    if is_htmx():
        return await render_template("_partials/error_message.html", message=message), status
    return await render_template("error.html", status=status, title=title, message=message), status


def install_error_handlers(app: Quart) -> None:
    @app.errorhandler(RequestSchemaValidationError)
    async def invalid_request(error: RequestSchemaValidationError):
        cause = error.validation_error
        if not request.is_json:
            return api_error("Send a JSON object with Content-Type: application/json.", None, 400)
        if isinstance(cause, ValidationError):
            message, field = first_error(cause)
            return api_error(f"{field}: {message}" if field else message, field or None, 422)
        return api_error("The request body must be a JSON object.", None, 400)

    @app.errorhandler(RequestEntityTooLarge)
    async def too_large(error):
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
        log.exception("unhandled error on %s %s", request.method, request.path)
        return await error_page(500, "Something went wrong", "The error was logged. Please try again.")
