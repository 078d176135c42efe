"""Favorite and recently used tools of owners: one row per owner and tool, pages and JSON API.

Visitors keep theirs in the browser (localStorage, static/js/app.js): their requests never write. On login,
app.js sends the visitor's stars with the form and they join the owner's (then the browser forgets them).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from pydantic import BaseModel, Field
from quart import Blueprint, Quart, abort, current_app, g, jsonify, redirect, request
from quart_auth import current_user
from quart_schema import validate_response

from core.auth import owner_api, owner_required
from core.db import get_db, metadata, upsert_insert, utc
from core.forms import api_error
from core.login import on_login, safe_next
from core.registry import Tool, enabled_tools

user_tools = sa.Table(
    "user_tools",
    metadata,
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("slug", sa.String(64), primary_key=True),
    sa.Column("favorite", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("favorited_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
)

RECENT_LIMIT = 6
bp = Blueprint("favorites", __name__)


def now() -> datetime:
    return datetime.now(UTC)


def upsert(values: dict, update: dict):
    """INSERT … ON CONFLICT (user_id, slug) DO UPDATE in the dialect of the app's database."""
    statement = upsert_insert(user_tools).values(**values)
    return statement.on_conflict_do_update(index_elements=["user_id", "slug"], set_=update)


async def record_visit(user_id: int, slug: str) -> bool:
    """Mark the tool as just used (one round trip); returns whether it is a favorite."""
    moment = now()
    query = upsert({"user_id": user_id, "slug": slug, "last_used_at": moment}, {"last_used_at": moment})
    return bool(await get_db().fetch_val(query.returning(user_tools.c.favorite)))


async def set_favorite(user_id: int, slug: str, favorite: bool) -> None:
    """Star or unstar; starring a starred tool again keeps its place in the favorites' order."""
    moment = now() if favorite else None
    values = {"user_id": user_id, "slug": slug, "favorite": favorite, "favorited_at": moment}
    kept = sa.case((user_tools.c.favorite, user_tools.c.favorited_at), else_=moment) if favorite else None
    await get_db().execute(upsert(values, {"favorite": favorite, "favorited_at": kept}))


VISITOR_FIELD = "visitor_favorites"  # the login form's field: the visitor's starred slugs, space-separated
MAX_VISITOR_FIELD = 2000


def visitor_slugs(text: str, known: set[str]) -> list[str]:
    """The visitor's starred slugs in their order: known tools only, each once (the field is the browser's word)."""
    slugs: list[str] = []
    for slug in text[:MAX_VISITOR_FIELD].split():
        if slug in known and slug not in slugs:
            slugs.append(slug)
    return slugs


async def merge_favorites(user_id: int, slugs: list[str]) -> None:
    """Star `slugs` for the owner in one statement: new ones after the owner's own, in the visitor's order;
    a tool the owner already starred keeps its place (no duplicate: one row per owner and tool)."""
    if not slugs:
        return
    moment = now()
    rows = [
        {"user_id": user_id, "slug": slug, "favorite": True, "favorited_at": moment + timedelta(microseconds=i)}
        for i, slug in enumerate(slugs)
    ]
    statement = upsert_insert(user_tools).values(rows)
    kept = sa.case((user_tools.c.favorite, user_tools.c.favorited_at), else_=statement.excluded.favorited_at)
    await get_db().execute(
        statement.on_conflict_do_update(
            index_elements=["user_id", "slug"], set_={"favorite": True, "favorited_at": kept}
        )
    )


async def merge_visitor_favorites(user_id: int, form) -> None:
    """The login hook: the stars the visitor's browser sent with the login form become the owner's."""
    known = {tool.slug for tool in enabled_tools(current_app)}
    await merge_favorites(user_id, visitor_slugs(form.get(VISITOR_FIELD, ""), known))


async def favorites_and_recent(user_id: int) -> tuple[list[str], list[str]]:
    """The owner's favorite slugs (in the order starred) and the last RECENT_LIMIT used (newest first)."""
    query = sa.select(user_tools).where(
        user_tools.c.user_id == user_id,
        sa.or_(user_tools.c.favorite, user_tools.c.last_used_at.is_not(None)),
    )
    rows = [row._mapping for row in await get_db().fetch_all(query)]
    oldest = datetime.min.replace(tzinfo=UTC)

    def moment(value: datetime | None) -> datetime:
        return oldest if value is None else utc(value)

    favorites = sorted((r for r in rows if r["favorite"]), key=lambda r: (moment(r["favorited_at"]), r["slug"]))
    used = sorted((r for r in rows if r["last_used_at"] is not None), key=lambda r: moment(r["last_used_at"]))
    return [r["slug"] for r in favorites], [r["slug"] for r in reversed(used)][:RECENT_LIMIT]


# --- hooks -------------------------------------------------------------------------------


def tool_for_request() -> Tool | None:
    """The tool whose page (or a page below it) this request is for."""
    slug = request.blueprint
    if not slug or not request.path.startswith("/tools/"):  # every page_url is /tools/<slug>/…
        return None
    tool = next((t for t in enabled_tools(current_app) if t.slug == slug), None)
    return tool if tool is not None and request.path.startswith(tool.page_url) else None


async def record_owner_visit() -> None:
    """Before a tool page for a logged-in owner: one upsert, which also tells the star's state.

    htmx requests (live results while typing) are not visits, and visitors never reach the database.
    """
    if request.method not in ("GET", "POST") or request.headers.get("HX-Request") == "true":
        return
    tool = tool_for_request()
    if tool is None or current_user.auth_id is None:  # no login cookie: a visitor, decided without I/O
        return
    user_id = await current_user.resolve_user_id()  # the session lookup the page makes anyway (logged_in)
    if user_id is not None:
        g.tool_favorite = await record_visit(user_id, tool.slug)


async def favorite_context() -> dict:
    return {"tool_favorite": g.get("tool_favorite", False)}


def install_favorites(app: Quart) -> None:
    app.register_blueprint(bp)
    app.context_processor(favorite_context)
    on_login(app, merge_visitor_favorites)


# --- the star without JavaScript, and with it (Accept: application/json) ---------------------


def enabled_tool_or_none(slug: str) -> Tool | None:
    return next((t for t in enabled_tools(current_app) if t.slug == slug), None)


def local_path(target: str | None, default: str) -> str:
    """Only a path on this site is a place to go back to (the login's rule: never //host, a URL or a tab)."""
    return target if target and safe_next(target) == target else default


@bp.post("/favorites/<slug>")
@owner_required
async def toggle(slug: str):
    tool = enabled_tool_or_none(slug)
    if tool is None:
        abort(404)
    form = await request.form
    choice = form.get("favorite", "")
    if choice not in ("true", "false"):
        return api_error("The field favorite must be true or false.", field="favorite", status=400)
    favorite = choice == "true"
    await set_favorite(g.user_id, slug, favorite)
    if request.accept_mimetypes.best == "application/json":
        return jsonify({"slug": slug, "favorite": favorite})
    return redirect(local_path(form.get("next"), tool.page_url), 303)


# --- JSON API ----------------------------------------------------------------------------


class ToolRef(BaseModel):
    slug: str
    title: str
    url: str = Field(description="The tool's page.")


class FavoritesOut(BaseModel):
    favorites: list[ToolRef] = Field(description="Starred tools, in the order they were starred.")
    recent: list[ToolRef] = Field(description=f"The last {RECENT_LIMIT} tools whose pages you opened, newest first.")


class FavoriteOut(BaseModel):
    slug: str
    favorite: bool


def refs(slugs: list[str]) -> list[ToolRef]:
    by_slug = {t.slug: t for t in enabled_tools(current_app)}
    return [ToolRef(slug=s, title=by_slug[s].title, url=by_slug[s].page_url) for s in slugs if s in by_slug]


@bp.get("/api/favorites")
@owner_api
@validate_response(FavoritesOut)
async def api_list() -> FavoritesOut:
    """Your favorite tools and the tools you used last."""
    favorites, recent = await favorites_and_recent(g.user_id)
    return FavoritesOut(favorites=refs(favorites), recent=refs(recent))


@bp.put("/api/favorites/<slug>")
@owner_api
@validate_response(FavoriteOut)
async def api_add(slug: str):
    """Star a tool (idempotent)."""
    if enabled_tool_or_none(slug) is None:
        return api_error("No tool with this slug.", field="slug", status=404)
    await set_favorite(g.user_id, slug, True)
    return FavoriteOut(slug=slug, favorite=True)


@bp.delete("/api/favorites/<slug>")
@owner_api
async def api_remove(slug: str):
    """Unstar a tool (idempotent)."""
    if enabled_tool_or_none(slug) is None:
        return api_error("No tool with this slug.", field="slug", status=404)
    await set_favorite(g.user_id, slug, False)
    return "", 204
