"""The JSON API: create, list, read and delete bins (owner only, bearer token or login cookie)."""

from __future__ import annotations

from quart import g, request
from quart_schema import document_querystring, validate_request, validate_response

from core.auth import owner_api
from core.config import current_settings
from core.forms import api_error
from tools.hooks import bp, store
from tools.hooks.models import (
    BinList,
    BinOut,
    BinRequests,
    BinSettings,
    BinUpdate,
    HeaderOut,
    RequestOut,
    RequestsQuery,
    bin_view,
    request_view,
)


def bin_out(hook_bin: dict) -> BinOut:
    return BinOut(**bin_view(hook_bin))


def request_out(captured: dict) -> RequestOut:
    view = request_view(captured)
    body = view["body_view"]
    return RequestOut(
        **{k: view[k] for k in ("id", "method", "path", "query", "url", "client_address", "received_at")},
        headers=[HeaderOut(name=name, value=value) for name, value in view["headers"]],
        content_type=view["content_type"],
        body_size=body["size"],
        body_stored=body["stored"],
        body_truncated=body["truncated"],
        body_text=body["text"],
        body_base64=body["base64"],
        curl=view["curl"],
    )


async def live_bin_or_error(bin_id: str):
    """(bin, None), or (None, error response) when it is not the owner's or has expired."""
    hook_bin = await store.get_bin(g.user_id, bin_id)
    if hook_bin is None:
        return None, api_error("No bin with this id.", status=404)
    if store.is_expired(hook_bin):
        await store.delete_bin(bin_id)
        return None, api_error("This bin has expired and was deleted.", status=410)
    return hook_bin, None


@bp.post("/api/hooks")
@owner_api
@validate_request(BinSettings)
@validate_response(BinOut, 201)
async def api_create(data: BinSettings):
    """Create a bin; its `capture_url` records every request sent to it."""
    hook_bin = await store.create_bin(g.user_id, current_settings().hooks_bin_ttl_days, **data.model_dump())
    return bin_out(hook_bin), 201


@bp.get("/api/hooks")
@owner_api
@validate_response(BinList)
async def api_list() -> BinList:
    """List your bins, newest first (expired ones are deleted)."""
    await store.purge_expired(g.user_id)
    return BinList(bins=[bin_out(b) for b in await store.list_bins(g.user_id)])


@bp.get("/api/hooks/<key:bin_id>")
@owner_api
@document_querystring(RequestsQuery)
@validate_response(BinRequests)
async def api_get(bin_id: str):
    """A bin and its captured requests, newest first; `?after=<id>` gives only newer ones."""
    after = request.args.get("after", "0")
    if not after.isdigit():
        return api_error("after must be a whole number (a request id).", field="after", status=422)
    hook_bin, error = await live_bin_or_error(bin_id)
    if error:
        return error
    captured = await store.list_requests(bin_id, current_settings().hooks_max_requests, full=True, after=int(after))
    return BinRequests(bin=bin_out(hook_bin), requests=[request_out(c) for c in captured])


@bp.patch("/api/hooks/<key:bin_id>")
@owner_api
@validate_request(BinUpdate)
@validate_response(BinOut)
async def api_update(bin_id: str, data: BinUpdate):
    """Rename a bin or change the answer its capture URL gives."""
    hook_bin, error = await live_bin_or_error(bin_id)
    if error:
        return error
    updated = await store.update_response(g.user_id, bin_id, **data.model_dump())
    if updated is None:
        return api_error("No bin with this id.", status=404)
    return bin_out({**updated, "stored": hook_bin["stored"]})


@bp.delete("/api/hooks/<key:bin_id>")
@owner_api
async def api_delete(bin_id: str):
    """Delete a bin and everything it captured."""
    if not await store.delete_bin(bin_id, g.user_id):
        return api_error("No bin with this id.", status=404)
    await store.announce(bin_id, "gone")
    return "", 204
