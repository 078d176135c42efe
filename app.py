"""mytools: create_app() builds the site; `app` is what Hypercorn serves."""

from __future__ import annotations

import logging
import os
import sys

from quart import Quart
from quart_auth import current_user
from quart_schema import HttpSecurityScheme, Info, QuartSchema
from werkzeug.exceptions import BadRequest

from core import account, apidocs, home, login
from core.auth import SessionAuth, SessionUser
from core.cli import install_cli
from core.config import ConfigError, Settings, load_settings
from core.db import get_app_database
from core.errors import install_error_handlers
from core.events import install_events
from core.executor import install_executor
from core.favorites import install_favorites
from core.forms import FormLimitedRequest
from core.home import tool_index_url
from core.icons import icon, sprite_url
from core.lifecycle import install_database
from core.openapi import ApiOnlyProvider
from core.operations import page_operation
from core.patches import PatchVersionError, check_versions, install_type_adapter_cache
from core.pipeline import install_pipeline
from core.ratelimit import install_rate_limits
from core.registry import current_tool, enabled_tool_categories, register_tools
from core.render import SyncEnvironment, is_htmx
from core.security import install_security
from core.sessions import install_sessions
from core.sse import install_streams
from core.static import install_static
from core.template_urls import install_url_cache
from core.urls import install_converters
from core.worker_signals import install_worker_signals

log = logging.getLogger("mytools")


class Request(FormLimitedRequest):
    def on_json_loading_failed(self, error: Exception):
        raise BadRequest(description=f"The request body is not valid JSON: {error}")


def configure(app: Quart, settings: Settings) -> None:
    production = settings.production
    app.config.update(
        MYTOOLS_SETTINGS=settings,
        SECRET_KEY=settings.secret_key,
        TESTING=settings.testing,
        MAX_CONTENT_LENGTH=settings.max_content_length,
        # Every form (Quart and core.forms.LimitedFormParser apply them); APIs keep MAX_CONTENT_LENGTH.
        MAX_FORM_MEMORY_SIZE=min(settings.form_max_bytes, settings.max_content_length),
        MAX_FORM_PARTS=settings.form_max_fields,
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


async def template_globals() -> dict:
    return {"logged_in": await current_user.is_authenticated}


def create_app(overrides: dict[str, str] | None = None) -> Quart:
    """Build the app from the environment (plus `overrides`, same names); does no I/O."""
    settings = load_settings({**os.environ, **(overrides or {})})
    check_versions()  # the libraries core/patches.py patches are the versions it was measured against
    logging.basicConfig(level=settings.log_level, format="%(levelname)s %(name)s: %(message)s")
    for name in ("hypercorn.error", "hypercorn.access"):
        logging.getLogger(name).propagate = False  # Hypercorn logs these itself; no second copy
    if settings.secret_key_generated:
        log.warning("SECRET_KEY is not set: using a random key for this process (sessions end on restart)")

    app = Quart(__name__)
    app.jinja_environment = SyncEnvironment  # before anything touches app.jinja_env
    app.request_class = Request
    configure(app, settings)
    install_converters(app)
    install_executor(settings)
    install_sessions(app)
    install_database(app, settings)
    install_events(app, settings, get_app_database(app))  # live pages (events between processes)
    install_streams(app, settings)
    install_rate_limits(app, settings)
    auth = SessionAuth(app, user_class=SessionUser)  # the cookie names a login session that logout can end
    install_type_adapter_cache()
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
    app.context_processor(template_globals)
    app.context_processor(current_tool)
    app.jinja_env.globals["is_htmx"] = is_htmx  # globals reach imported macros; context does not
    app.jinja_env.globals["tool_index_url"] = tool_index_url
    app.jinja_env.globals.update(icon=icon, sprite_url=sprite_url, tool_categories=enabled_tool_categories)
    app.jinja_env.globals["page_operation"] = page_operation  # a tool form's live-update settings
    install_security(app, settings)
    install_static(app)
    install_url_cache(app)
    install_error_handlers(app)
    for blueprint in (home.bp, login.bp, account.bp, apidocs.bp):
        app.register_blueprint(blueprint)
    register_tools(app, settings.disabled_tools)
    install_favorites(app)
    install_cli(app)
    install_pipeline(app, settings, auth)  # last: middleware and request hooks, in their one declared order
    install_worker_signals(app)  # after every other startup hook: a worker still starting dies of SIGTERM
    return app


def _create_or_exit() -> Quart:
    try:
        return create_app()
    except ConfigError as exc:
        sys.exit(f"mytools: configuration error: {exc}")
    except PatchVersionError as exc:
        sys.exit(f"mytools: {exc}")


app = _create_or_exit()
