"""The JSON API: create, list, read, reveal (burn after read) and delete pastes."""

from __future__ import annotations

from quart import g, request
from quart_schema import security_scheme, validate_request, validate_response

from core.auth import OWNER_ONLY, bearer_token, current_user_id, owner_api
from core.forms import api_error
from core.ratelimit import retry_after_header, too_many_requests_message
from tools.paste import bp, store
from tools.paste.models import (
    PRIVATE_HEADERS,
    PasteCreated,
    PasteInput,
    PasteList,
    PasteOut,
    PasteSummary,
    PasteTooLarge,
    anonymous_allowed,
    anonymous_refusal,
    paste_links,
)

OWNER_OR_ANONYMOUS = [*OWNER_ONLY, {}]  # {}: no credentials, when PASTE_ANONYMOUS is on
NOT_FOUND = "No paste with this id (it may have expired, been deleted or been read)."


def summary_fields(paste: dict) -> dict:
    return {**{k: v for k, v in paste.items() if k in PasteSummary.model_fields}, **paste_links(paste)}


def private(body, status: int = 200):
    return body, status, PRIVATE_HEADERS


@bp.post("/api/paste")
@security_scheme(OWNER_OR_ANONYMOUS)
@validate_request(PasteInput)
@validate_response(PasteCreated, 201)
async def api_create(data: PasteInput):
    """Create a paste (owner by API token; anonymous when PASTE_ANONYMOUS is on).

    For scripts, `POST /paste` takes the text as the raw body (curl --data-binary @file …/paste) with
    the same options in the query string and answers the URL as text/plain.
    """
    user_id = await current_user_id()
    if bearer_token() is not None and user_id is None:
        return api_error("Invalid API token.", status=401)
    if user_id is None and not anonymous_allowed():
        return api_error("Anonymous pastes are off here: send an API token (Authorization: Bearer …).", status=401)
    if (refusal := await anonymous_refusal(user_id)) is not None:
        body, status = api_error(too_many_requests_message(refusal), status=429)
        return body, status, retry_after_header(refusal)
    try:
        created = await store.create_paste(data, user_id)
    except PasteTooLarge as exc:
        return api_error(str(exc), "content", 413)
    return PasteCreated(**summary_fields(created.paste), delete_token=created.delete_token), 201


@bp.get("/api/paste")
@owner_api
@validate_response(PasteList)
async def api_list() -> PasteList:
    """Your pastes that have not expired, newest first (without their content)."""
    return PasteList(pastes=[PasteSummary(**summary_fields(p)) for p in await store.list_pastes(g.user_id)])


@bp.get("/api/paste/<key:paste_id>")
@validate_response(PasteOut)
async def api_get(paste_id: str):
    """One paste with its content; a burn-after-read paste answers 409 (read it with POST …/reveal)."""
    paste = await store.get_paste(paste_id)
    if paste is None:
        return api_error(NOT_FOUND, status=404)
    if paste["burn_after_read"]:
        message = f"This paste is deleted when read: POST /api/paste/{paste_id}/reveal to read it once."
        return api_error(message, status=409)
    return private(PasteOut(**summary_fields(paste), content=paste["content"]))


@bp.post("/api/paste/<key:paste_id>/reveal")
@validate_response(PasteOut)
async def api_reveal(paste_id: str):
    """Read a paste; a burn-after-read paste is deleted in the same step, so only one reader ever gets it."""
    paste = await store.take_burning_paste(paste_id) or await store.get_paste(paste_id)
    if paste is None:
        return api_error(NOT_FOUND, status=404)
    return private(PasteOut(**summary_fields(paste), content=paste["content"]))


@bp.delete("/api/paste/<key:paste_id>")
@security_scheme(OWNER_OR_ANONYMOUS)
async def api_delete(paste_id: str):
    """Delete a paste: its owner (API token), or anyone sending its delete token in `X-Delete-Token`."""
    user_id = await current_user_id()
    if bearer_token() is not None and user_id is None:
        return api_error("Invalid API token.", status=401)
    token = request.headers.get("X-Delete-Token", "").strip() or None
    if await store.delete_paste(paste_id, user_id, token):
        return "", 204
    if await store.get_paste(paste_id) is None:
        return api_error(NOT_FOUND, status=404)
    return api_error("Only the paste's owner, or its delete token (X-Delete-Token), can delete it.", status=403)
