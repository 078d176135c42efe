"""The JSON API under /api/links (owner only: login cookie or bearer token)."""

from __future__ import annotations

from quart import g, request
from quart_schema import document_querystring, validate_request, validate_response

from core.auth import owner_api
from core.forms import ToolInputError, api_error
from tools.links import bp, store
from tools.links.models import (
    AliasTakenError,
    ClickStatistics,
    LinkDetail,
    LinkEdit,
    LinkInput,
    LinkList,
    LinkOut,
    LinkQuery,
    checked_settings,
    link_out,
    link_summary,
)

NOT_FOUND = "No link with this code."


def input_error(exc: ToolInputError):
    return api_error(exc.message, exc.field, 409 if isinstance(exc, AliasTakenError) else 422)


@bp.get("/api/links")
@owner_api
@document_querystring(LinkQuery)
@validate_response(LinkList)
async def api_list() -> LinkList:
    """List your short links, newest first, with people's click counts; `?q=` searches codes and targets."""
    found = await store.list_links(g.user_id, request.args.get("q", ""))
    return LinkList(links=[link_summary(link) for link in found])


@bp.post("/api/links")
@owner_api
@validate_request(LinkInput)
@validate_response(LinkOut, 201)
async def api_create(data: LinkInput):
    """Shorten a URL: returns the short URL (a taken custom alias gives 409)."""
    try:
        link = await store.add_link(g.user_id, data)
    except ToolInputError as exc:
        return input_error(exc)
    return link_out(link), 201


@bp.get("/api/links/<key:code>")
@owner_api
@validate_response(LinkDetail)
async def api_get(code: str):
    """One link: target, settings and click statistics (total, per day, top referrers, browsers, OS; bots apart)."""
    link = await store.get_link(g.user_id, code)
    if link is None:
        return api_error(NOT_FOUND, status=404)
    statistics = ClickStatistics(**await store.click_statistics(link["id"]))
    return LinkDetail(**link_out(link).model_dump(), statistics=statistics)


@bp.patch("/api/links/<key:code>")
@owner_api
@validate_request(LinkEdit)
@validate_response(LinkOut)
async def api_update(code: str, data: LinkEdit):
    """Change the target or settings; only the fields sent change (null clears expires_at or max_visits)."""
    try:
        changes = checked_settings(data, data.model_fields_set)
    except ToolInputError as exc:
        return input_error(exc)
    link = await store.update_link(g.user_id, code, changes) if changes else await store.get_link(g.user_id, code)
    if link is None:
        return api_error(NOT_FOUND, status=404)
    return link_out(link)


@bp.delete("/api/links/<key:code>")
@owner_api
async def api_delete(code: str):
    """Delete a link and its click statistics."""
    if not await store.delete_link(g.user_id, code):
        return api_error(NOT_FOUND, status=404)
    return "", 204
