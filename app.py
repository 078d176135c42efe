"""mytools: create_app() builds the site; `app` is what Hypercorn serves."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import sys
from typing import NoReturn

from quart import Quart
from quart.wrappers import Request as QuartRequest
from quart_auth import QuartAuth, current_user
from quart_schema import HttpSecurityScheme, Info, QuartSchema
from werkzeug.exceptions import BadRequest

from core import apidocs, home, login
from core.auth import load_bearer_user
from core.cli import install_cli
from core.config import ConfigError, Settings, load_settings
from core.db import EXTENSION_KEY, DatabaseUnavailable, connect_with_retry, make_database
from core.errors import install_error_handlers
from core.migrate import upgrade_to_head
from core.openapi import ApiOnlyProvider
from core.registry import current_tool, register_tools
from core.render import is_htmx
from core.security import install_security

log = logging.getLogger("mytools")


class Request(QuartRequest):
    def on_json_loading_failed(self, error: Exception):
        raise BadRequest(description=f"The request body is not valid JSON: {error}")


def configure(app: Quart, settings: Settings) -> None:
    production = settings.production
    app.config.update(
        MYTOOLS_SETTINGS=settings,
        SECRET_KEY=settings.secret_key,
        TESTING=settings.testing,
        MAX_CONTENT_LENGTH=settings.max_content_length,
        SESSION_COOKIE_SECURE=production,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        QUART_AUTH_COOKIE_SECURE=production,
        QUART_AUTH_COOKIE_SAMESITE="Lax",
        QUART_AUTH_COOKIE_HTTP_ONLY=True,
        QUART_AUTH_DURATION=30 * 24 * 3600,
        QUART_SCHEMA_CONVERSION_PREFERENCE="pydantic",
        SEND_FILE_MAX_AGE_DEFAULT=3600,
    )


def stop_server(message: str) -> NoReturn:
    """Startup cannot succeed: log one line and end the server with a non-zero status."""
    log.critical(message)
    master = multiprocessing.parent_process()
    if master is not None and master.pid == os.getppid():
        # A Hypercorn worker: Hypercorn 0.18's master exits 0 whatever its workers' status,
        # so end the master with a signal it does not handle (exit status 128 + SIGUSR1).
        os.kill(master.pid, signal.SIGUSR1)
    os._exit(1)


def install_database(app: Quart, settings: Settings) -> None:
    """One pool per app: built here, connected before serving, closed after."""
    app.extensions[EXTENSION_KEY] = database = make_database(settings.database)

    @app.before_serving
    async def open_pool() -> None:
        try:
            # Connect (with retries) before migrating, so an unreachable database gets the same
            # deadline and the same one-line message whether or not the app migrates itself.
            await connect_with_retry(database, settings.database)
        except DatabaseUnavailable as exc:
            if settings.testing:
                raise
            stop_server(str(exc))
        if settings.auto_migrate:
            await asyncio.to_thread(upgrade_to_head, settings.database)

    @app.after_serving
    async def close_pool() -> None:
        if database.is_connected:
            await database.disconnect()


async def template_globals() -> dict:
    return {"logged_in": await current_user.is_authenticated}


def create_app(overrides: dict[str, str] | None = None) -> Quart:
    """Build the app from the environment (plus `overrides`, same names); does no I/O."""
    settings = load_settings({**os.environ, **(overrides or {})})
    logging.basicConfig(level=settings.log_level, format="%(levelname)s %(name)s: %(message)s")
    for name in ("hypercorn.error", "hypercorn.access"):
        logging.getLogger(name).propagate = False  # Hypercorn logs these itself; no second copy
    if settings.secret_key_generated:
        log.warning("SECRET_KEY is not set: using a random key for this process (sessions end on restart)")

    app = Quart(__name__)
    app.request_class = Request
    configure(app, settings)
    install_database(app, settings)
    QuartAuth(app)
    QuartSchema(
        app,
        openapi_path="/api/openapi.json",
        swagger_ui_path=None,
        redoc_ui_path=None,
        scalar_ui_path=None,
        info=Info(title="mytools API", version="1.0"),
        security_schemes={"bearer": HttpSecurityScheme(scheme="bearer")},
        openapi_provider_class=ApiOnlyProvider,
    )
    app.before_request(load_bearer_user)
    app.context_processor(template_globals)
    app.context_processor(current_tool)
    app.jinja_env.globals["is_htmx"] = is_htmx  # globals reach imported macros; context does not
    install_security(app, settings.proxy_hops)
    install_error_handlers(app)
    for blueprint in (home.bp, login.bp, apidocs.bp):
        app.register_blueprint(blueprint)
    register_tools(app, settings.disabled_tools)
    install_cli(app)
    return app


def _create_or_exit() -> Quart:
    try:
        return create_app()
    except ConfigError as exc:
        sys.exit(f"mytools: configuration error: {exc}")


app = _create_or_exit()
__all__ = ["app", "create_app", "DatabaseUnavailable"]
