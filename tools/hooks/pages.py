"""The owner's pages: bins, the live request list of a bin, one request in detail."""

from __future__ import annotations

from quart import flash, g, make_response, redirect, request, url_for
from werkzeug.exceptions import Gone, NotFound

from core.auth import owner_required
from core.config import current_settings
from core.forms import FormInput, read_form
from core.render import is_htmx, render_template, render_tool
from core.timefmt import relative
from tools.hooks import NO_STORE, TOOL, bin_view, bp, pretty_body, request_view, store
from tools.hooks.schemas import BinSettings

SETTINGS_FIELDS = tuple(BinSettings.model_fields)
STOP_POLLING = 286  # htmx: swap this response and stop polling


async def owned_live_bin(bin_id: str) -> dict:
    """The owner's bin, or 404; an expired bin is deleted on the spot (410)."""
    hook_bin = await store.get_bin(g.user_id, bin_id)
    if hook_bin is None:
        raise NotFound()
    if store.is_expired(hook_bin):
        await store.delete_bin(bin_id)
        raise Gone("This bin has expired; it and its requests are deleted.")
    return hook_bin


async def private(body, status: int = 200):
    response = await make_response(body, status)
    response.headers.update(NO_STORE)
    response.vary.add("HX-Request")
    return response


def settings_form(hook_bin: dict) -> FormInput:
    return FormInput(None, {name: hook_bin[name] for name in SETTINGS_FIELDS}, {}, SETTINGS_FIELDS)


async def bins_context() -> dict:
    await store.purge_expired(g.user_id)
    bins = [bin_view(b) for b in await store.list_bins(g.user_id)]
    return {"bins": bins, "now": store.now(), "relative": relative}


async def requests_context(hook_bin: dict) -> dict:
    keep = current_settings().hooks_max_requests
    captured = await store.list_requests(hook_bin["id"], keep)
    return {
        "bin": bin_view(hook_bin),
        "requests": captured,
        "newest": captured[0]["id"] if captured else 0,
        "keep": keep,
        "now": store.now(),
        "relative": relative,
        "prefix_length": len(url_for("hooks.capture", bin_id=hook_bin["id"])),
    }


@bp.get("/tools/hooks/")
@owner_required
async def index():
    response = await render_tool(TOOL, form=FormInput(None, {}, {}, ("name",)), **await bins_context())
    response.headers.update(NO_STORE)
    return response


@bp.post("/tools/hooks/")
@owner_required
async def create():
    form = await read_form(BinSettings, query=False)
    if form.data is None:
        return await private(await render_template("hooks/index.html", form=form, **await bins_context()), 422)
    hook_bin = await store.create_bin(g.user_id, current_settings().hooks_bin_ttl_days, **form.data.model_dump())
    return redirect(url_for("hooks.show_bin", bin_id=hook_bin["id"]))


@bp.get("/tools/hooks/<key:bin_id>/")
@owner_required
async def show_bin(bin_id: str):
    """The bin's page; with HX-Request its request list, and `?after=<id>` makes that a cheap poll."""
    after = request.args.get("after")
    if is_htmx() and after is not None:
        live, newest = await store.newest_request_id(g.user_id, bin_id)
        if not live:
            return await private(await render_template("hooks/_gone.html"), STOP_POLLING)
        if after == str(newest):
            return await private("", 204)
    hook_bin = await owned_live_bin(bin_id)
    context = await requests_context(hook_bin)
    if is_htmx():
        return await private(await render_template("hooks/_requests.html", **context))
    return await private(await render_template("hooks/bin.html", form=settings_form(hook_bin), **context))


@bp.post("/tools/hooks/<key:bin_id>/settings")
@owner_required
async def save_settings(bin_id: str):
    hook_bin = await owned_live_bin(bin_id)
    form = await read_form(BinSettings, query=False)
    if form.data is None:
        context = await requests_context(hook_bin)
        return await private(await render_template("hooks/bin.html", form=form, **context), 422)
    await store.update_response(g.user_id, bin_id, **form.data.model_dump())
    await flash("Saved: the capture URL answers with the new response.")
    return redirect(url_for("hooks.show_bin", bin_id=bin_id))


@bp.post("/tools/hooks/<key:bin_id>/delete")
@owner_required
async def delete_bin(bin_id: str):
    if not await store.delete_bin(bin_id, g.user_id):
        raise NotFound()
    await flash("Bin deleted, with everything it captured.")
    return redirect(url_for("hooks.index"))


@bp.get("/tools/hooks/<key:bin_id>/requests/<id:request_id>")
@owner_required
async def show_request(bin_id: str, request_id: int):
    hook_bin = await owned_live_bin(bin_id)
    captured = await store.get_request(g.user_id, bin_id, request_id)
    if captured is None:
        keep = current_settings().hooks_max_requests
        raise NotFound(f"This request is not stored (any more): a bin keeps its newest {keep} requests.")
    view = request_view(captured)
    view["body_view"]["json"], json_note = await pretty_body(view)
    page = await render_template(
        "hooks/request.html", bin=bin_view(hook_bin), req=view, json_note=json_note, now=store.now(), relative=relative
    )
    return await private(page)
