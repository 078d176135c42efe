"""The tool list at / and the health check at /healthz."""

from __future__ import annotations

import logging

from quart import Blueprint, current_app, jsonify, render_template, request

from core.db import get_db, ping
from core.registry import enabled_tools, tools_by_category

bp = Blueprint("home", __name__)
log = logging.getLogger("mytools.health")


@bp.get("/")
async def index():
    query = request.args.get("q", "").strip()
    tools = [t for t in enabled_tools(current_app) if t.matches(query)] if query else enabled_tools(current_app)
    return await render_template("home.html", query=query, categories=tools_by_category(tools))


@bp.get("/healthz")
async def healthz():
    """200 when the database answers a round trip, 503 when it does not."""
    try:
        await ping(get_db())
    except Exception as exc:  # noqa: BLE001 - any failure is "unhealthy"
        log.warning("health check failed: %s", type(exc).__name__)
        return jsonify({"status": "unavailable", "database": "unreachable"}), 503
    return jsonify({"status": "ok", "database": "ok"})
