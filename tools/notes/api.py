"""The JSON API under /api/notes (owner only: login cookie or bearer token)."""

from __future__ import annotations

from quart import g, request
from quart_schema import document_querystring, validate_request, validate_response

from core.auth import owner_api
from core.bounded_render import markdown_html
from core.forms import api_error
from tools.notes import bp, store
from tools.notes.models import NoteEdit, NoteInput, NoteList, NoteOut, NoteQuery

NOT_FOUND = "No note with this id."


async def note_out(note: dict) -> NoteOut:
    return NoteOut(**note, html=str((await markdown_html(note["body"])).html))


@bp.get("/api/notes")
@owner_api
@document_querystring(NoteQuery)
@validate_response(NoteList)
async def api_list() -> NoteList:
    """List your notes, newest first; `?q=` searches titles and bodies."""
    notes = await store.list_notes(g.user_id, request.args.get("q", ""))
    return NoteList(notes=[await note_out(n) for n in notes])


@bp.post("/api/notes")
@owner_api
@validate_request(NoteInput)
@validate_response(NoteOut, 201)
async def api_create(data: NoteInput):
    """Create a note."""
    return await note_out(await store.create_note(g.user_id, data.title, data.body)), 201


@bp.get("/api/notes/<id:note_id>")
@owner_api
@validate_response(NoteOut)
async def api_get(note_id: int):
    """One note, with its body rendered as sanitized HTML."""
    note = await store.get_note(g.user_id, note_id)
    if note is None:
        return api_error(NOT_FOUND, status=404)
    return await note_out(note)


@bp.put("/api/notes/<id:note_id>")
@owner_api
@validate_request(NoteEdit)
@validate_response(NoteOut)
async def api_update(note_id: int, data: NoteEdit):
    """Replace title and body; send the `version` you read, or get 409 if it changed."""
    saved = await store.update_note(g.user_id, note_id, data.title, data.body, data.version)
    if saved is not None:
        return await note_out(saved)
    current = await store.get_note(g.user_id, note_id)
    if current is None:
        return api_error(NOT_FOUND, status=404)
    message = f"The note changed since version {data.version}; it is now at version {current['version']}."
    return api_error(message, field="version", status=409)


@bp.delete("/api/notes/<id:note_id>")
@owner_api
async def api_delete(note_id: int):
    """Delete a note."""
    if not await store.delete_note(g.user_id, note_id):
        return api_error(NOT_FOUND, status=404)
    return "", 204
