"""Private markdown notes: write, search, edit and delete, stored in the database."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field
from quart import Blueprint, abort, flash, g, redirect, request, url_for
from quart_schema import document_querystring, security_scheme, validate_request, validate_response

from core.auth import owner_required
from core.bounded_render import markdown_html
from core.forms import MAX_DB_INTEGER, StoredText, api_error, read_form
from core.registry import Tool
from core.render import render_template, render_tool
from tools.notes import store

TOOL = Tool(
    slug="notes",
    title="Notes",
    category="Text",
    keywords=("markdown", "notebook", "memo", "snippets"),
    login_required=True,
)
bp = Blueprint("notes", __name__)
OWNER_ONLY = [{"bearer": []}]


class NoteInput(BaseModel):
    title: StoredText = Field(min_length=1, max_length=200, description="Title, 1-200 characters.")
    body: StoredText = Field(default="", max_length=200_000, description="Markdown text.")


class NoteEdit(NoteInput):
    version: int = Field(
        ge=1, le=MAX_DB_INTEGER, description="The version you edited; a newer one on the server gives 409."
    )


class NoteOut(BaseModel):
    id: int
    title: str
    body: str
    html: str = Field(description="The body rendered as sanitized HTML.")
    version: int
    created_at: datetime
    updated_at: datetime


class NoteList(BaseModel):
    notes: list[NoteOut]


class NoteQuery(BaseModel):
    q: str = ""


async def note_out(note: dict) -> NoteOut:
    return NoteOut(**note, html=str((await markdown_html(note["body"])).html))


async def owned_note_or_404(note_id: int) -> dict:
    note = await store.get_note(g.user_id, note_id)
    if note is None:
        abort(404)
    return note


# --- pages -------------------------------------------------------------------------------


@bp.get("/tools/notes/")
@owner_required
async def index():
    query = request.args.get("q", "").strip()
    notes = await store.list_notes(g.user_id, query)
    return await render_tool(TOOL, notes=notes, query=query)


@bp.route("/tools/notes/new", methods=["GET", "POST"])
@owner_required
async def new():
    form = await read_form(NoteInput, query=False)
    if form.data is None:
        status = 422 if form.errors else 200
        return await render_template("notes/edit.html", form=form, note=None), status
    note = await store.create_note(g.user_id, form.data.title, form.data.body)
    await flash("Note saved.")
    return redirect(url_for("notes.show", note_id=note["id"]))


@bp.get("/tools/notes/<id:note_id>")
@owner_required
async def show(note_id: int):
    note = await owned_note_or_404(note_id)
    rendered = await markdown_html(note["body"])
    return await render_template("notes/show.html", note=note, html=rendered.html, fallback_note=rendered.note)


@bp.route("/tools/notes/<id:note_id>/edit", methods=["GET", "POST"])
@owner_required
async def edit(note_id: int):
    note = await owned_note_or_404(note_id)
    form = await read_form(NoteEdit, query=False)
    if request.method == "GET" or form.data is None:
        if request.method == "GET":
            form = form._replace(values={k: note[k] for k in ("title", "body", "version")})
        status = 422 if form.errors else 200
        return await render_template("notes/edit.html", form=form, note=note), status
    saved = await store.update_note(g.user_id, note_id, form.data.title, form.data.body, form.data.version)
    if saved is None:
        # Someone saved a newer version meanwhile: keep the user's text, show theirs beside it.
        form = form._replace(values={**form.values, "version": note["version"]})
        return await render_template("notes/edit.html", form=form, note=note, conflict=True), 409
    await flash("Note saved.")
    return redirect(url_for("notes.show", note_id=note_id))


@bp.post("/tools/notes/<id:note_id>/delete")
@owner_required
async def delete(note_id: int):
    if not await store.delete_note(g.user_id, note_id):
        abort(404)
    await flash("Note deleted.")
    return redirect(url_for("notes.index"))


# --- JSON API ----------------------------------------------------------------------------


@bp.get("/api/notes")
@owner_required
@security_scheme(OWNER_ONLY)
@document_querystring(NoteQuery)
@validate_response(NoteList)
async def api_list() -> NoteList:
    """List your notes, newest first; `?q=` searches titles and bodies."""
    notes = await store.list_notes(g.user_id, request.args.get("q", ""))
    return NoteList(notes=[await note_out(n) for n in notes])


@bp.post("/api/notes")
@owner_required
@security_scheme(OWNER_ONLY)
@validate_request(NoteInput)
@validate_response(NoteOut, 201)
async def api_create(data: NoteInput):
    """Create a note."""
    return await note_out(await store.create_note(g.user_id, data.title, data.body)), 201


@bp.get("/api/notes/<id:note_id>")
@owner_required
@security_scheme(OWNER_ONLY)
@validate_response(NoteOut)
async def api_get(note_id: int):
    """One note, with its body rendered as sanitized HTML."""
    note = await store.get_note(g.user_id, note_id)
    if note is None:
        return api_error("No note with this id.", status=404)
    return await note_out(note)


@bp.put("/api/notes/<id:note_id>")
@owner_required
@security_scheme(OWNER_ONLY)
@validate_request(NoteEdit)
@validate_response(NoteOut)
async def api_update(note_id: int, data: NoteEdit):
    """Replace title and body; send the `version` you read, or get 409 if it changed."""
    saved = await store.update_note(g.user_id, note_id, data.title, data.body, data.version)
    if saved is not None:
        return await note_out(saved)
    current = await store.get_note(g.user_id, note_id)
    if current is None:
        return api_error("No note with this id.", status=404)
    message = f"The note changed since version {data.version}; it is now at version {current['version']}."
    return api_error(message, field="version", status=409)


@bp.delete("/api/notes/<id:note_id>")
@owner_required
@security_scheme(OWNER_ONLY)
async def api_delete(note_id: int):
    """Delete a note."""
    if not await store.delete_note(g.user_id, note_id):
        return api_error("No note with this id.", status=404)
    return "", 204
