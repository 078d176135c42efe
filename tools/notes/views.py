"""The owner's pages: list and search at /tools/notes/, one note, its edit form and deletion."""

from __future__ import annotations

from quart import abort, flash, g, redirect, request, url_for

from core.auth import owner_required
from core.bounded_render import markdown_html
from core.forms import read_form
from core.render import render_template, render_tool
from tools.notes import TOOL, bp, store
from tools.notes.models import NoteEdit, NoteInput


async def owned_note_or_404(note_id: int) -> dict:
    note = await store.get_note(g.user_id, note_id)
    if note is None:
        abort(404)
    return note


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
