"""The tool list at / (search, favorites, recent), the palette's index and the health check."""

from __future__ import annotations

import importlib
import logging

from quart import Blueprint, Quart, current_app, jsonify, request

from core.auth import current_user_id
from core.db import get_db, ping
from core.favorites import favorites_and_recent
from core.registry import Tool, enabled_tools, tools_by_category
from core.render import render_template
from core.search import ToolIndex, search, words
from core.template_urls import cached_url_for

bp = Blueprint("home", __name__)
log = logging.getLogger("mytools.health")
INDEX_KEY = "mytools.tool_index"
IMMUTABLE = "public, max-age=31536000, immutable"


def tool_index(app: Quart) -> ToolIndex:
    """Built once per app, from the enabled tools."""
    index = app.extensions.get(INDEX_KEY)
    if index is None:
        index = app.extensions[INDEX_KEY] = ToolIndex(enabled_tools(app))
    return index


def tool_index_url() -> str:
    """Template helper: the palette's data, at a URL that changes when the tool list does."""
    return cached_url_for("home.tools_json", v=tool_index(current_app).version)


def pick(tools: list[Tool], slugs: list[str]) -> list[Tool]:
    by_slug = {t.slug: t for t in tools}
    return [by_slug[s] for s in slugs if s in by_slug]


async def owner_items(tools: list[Tool], user_id: int) -> list[tuple[Tool, list[tuple[str, str]]]]:
    """(tool, [(label, URL)]) of what the owner keeps in each tool that declares Tool.owner_items (saved recipes)."""
    found = []
    for tool in tools:
        if tool.owner_items:
            module, _, name = tool.owner_items.partition(":")
            items = await getattr(importlib.import_module(module), name)(user_id)
            if items:
                found.append((tool, items))
    return found


def owner_entry(tool: Tool, label: str, url: str) -> dict:
    """An owner's item as a palette entry (the shape of core.search.index_entry)."""
    return {
        "slug": f"{tool.slug}:{url.rstrip('/').rsplit('/', 1)[-1]}",
        "title": label,
        "url": url,
        "category": tool.title,
        "summary": f"Your {tool.title.lower()}: {label}",
        "owner": True,
        "names": words(label),
        "keys": words(tool.title),
        "text": [],
    }


@bp.get("/")
async def index():
    query = request.args.get("q", "").strip()
    tools = enabled_tools(current_app)
    favorites: list[Tool] = []
    recent: list[Tool] = []
    kept: list[tuple[Tool, list[tuple[str, str]]]] = []
    user_id = await current_user_id()
    if user_id is not None:
        favorite_slugs, recent_slugs = await favorites_and_recent(user_id)
        favorites, recent = pick(tools, favorite_slugs), pick(tools, recent_slugs)
        kept = await owner_items(tools, user_id)
    found = search(tools, query, tool_index(current_app).entries) if query else []
    return await render_template(
        "home.html",
        query=query,
        found=found,
        categories=tools_by_category(tools),
        favorites=favorites,
        favorite_slugs={t.slug for t in favorites},
        recent=recent,
        owner_items=kept,
    )


@bp.get("/tools.json")
async def tools_json():
    """Every enabled tool with the words the palette matches on (static/js/app.js)."""
    index = tool_index(current_app)
    response = current_app.response_class(index.body, content_type="application/json")
    response.set_etag(index.version)
    # The versioned URL from tool_index_url() never changes content; a bare one is revalidated.
    response.headers["Cache-Control"] = IMMUTABLE if request.args.get("v") == index.version else "no-cache"
    return await response.make_conditional(request)


@bp.get("/tools/mine.json")
async def owner_json():
    """The owner's own items (saved recipes) for the palette; an empty list for a visitor. Never cached."""
    user_id = await current_user_id()
    tools = enabled_tools(current_app)
    found = await owner_items(tools, user_id) if user_id is not None else []
    entries = [owner_entry(tool, label, url) for tool, items in found for label, url in items]
    response = jsonify({"tools": entries})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
async def healthz():
    """200 when the database answers a round trip, 503 when it does not."""
    try:
        await ping(get_db())
    except Exception as exc:  # noqa: BLE001 - any failure is "unhealthy"
        log.warning("health check failed: %s", type(exc).__name__)
        return jsonify({"status": "unavailable", "database": "unreachable"}), 503
    return jsonify({"status": "ok", "database": "ok"})
