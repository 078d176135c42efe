"""The owner's pages (bins, the live request list of a bin, one request in detail) and the public capture
endpoint, which records any request sent to /hooks/<key:bin_id>[/anything]."""

from __future__ import annotations

from urllib.parse import quote

from quart import Response, flash, g, make_response, redirect, request, url_for
from werkzeug.exceptions import Gone, NotFound

from core.auth import owner_required
from core.bounded_render import render_limits
from core.config import Settings, current_settings
from core.credentials import redact_site_credentials
from core.executor import WorkLimitExceeded, run_bounded
from core.forms import FormInput, read_form
from core.ratelimit import Rule, limit_address, retry_after_header, too_many_requests_message
from core.render import is_htmx, render_template, render_tool
from core.security import csrf_exempt
from core.timefmt import relative
from tools.hooks import TOOL, bp, display, store
from tools.hooks.answers import ANSWER_HEADERS, served_answer
from tools.hooks.display import decode_text
from tools.hooks.models import BinSettings, bin_view, request_view

NO_STORE = {"Cache-Control": "no-store"}
SETTINGS_FIELDS = tuple(BinSettings.model_fields)
STOP_POLLING = 286  # htmx: swap this response and stop polling
CAPTURE_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
NO_BODY_STATUSES = {204, 304}


async def owned_live_bin(bin_id: str) -> dict:
    """The owner's bin, or 404; an expired bin is deleted on the spot (410)."""
    hook_bin = await store.get_bin(g.user_id, bin_id)
    if hook_bin is None:
        raise NotFound()
    if store.is_expired(hook_bin):
        await store.delete_bin(bin_id)
        raise Gone("This bin has expired; it and its requests are deleted.")
    return hook_bin


async def pretty_body(view: dict) -> tuple[str | None, str]:
    """The body's JSON pretty-printed, within the render limits; (None, why) when it cannot be."""
    body = view["body_view"]
    if body["truncated"] or body["text"] is None:
        return None, ""
    try:
        return await run_bounded(display.pretty_json, body["text"], view["content_type"], limits=render_limits()), ""
    except WorkLimitExceeded as exc:
        return None, f"Not pretty-printed: {exc.message}."


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


# --- the public capture endpoint ----------------------------------------------------------


def plain(message: str, status: int) -> Response:
    return Response(message + "\n", status, content_type="text/plain; charset=utf-8", headers=NO_STORE)


def capture_rule(settings: Settings) -> Rule:
    """Captures per client address per minute, whichever bin they go to (HOOKS_CAPTURES_PER_MINUTE)."""
    return Rule("hooks-capture", settings.hooks_captures_per_minute, 60)


def captured_request(body: bytes, max_body: int) -> dict:
    """What is stored of this request: what arrived (headers from the ASGI scope, in order), minus our credentials."""
    raw_path = request.scope.get("raw_path") or quote(request.path).encode()
    headers = [(decode_text(name), decode_text(value)) for name, value in request.scope.get("headers", [])]
    return {
        "method": request.method,
        "path": decode_text(raw_path),
        "query": decode_text(request.query_string),
        # A browser sends this site's cookies along to /hooks/… (an <img> in a paste, a link): the bin's owner
        # must never read another account's login.
        "headers": redact_site_credentials(headers),
        "body": body[:max_body],
        "body_size": len(body),
        "client_address": (request.remote_addr or "")[:64] or None,
    }


# strict_slashes=False: "/hooks/<id>/" is captured too, never redirected (a 308 would make senders resend).
@bp.route("/hooks/<key:bin_id>", methods=CAPTURE_METHODS, strict_slashes=False)
@bp.route("/hooks/<key:bin_id>/<path:rest>", methods=CAPTURE_METHODS)
@csrf_exempt  # webhook senders are other sites; no login, and an Authorization header is just data here
async def capture(bin_id: str, rest: str = ""):
    settings = current_settings()
    # Counted before the body is read or a bin looked up: a flood costs one counter update per request.
    refusal = await limit_address(capture_rule(settings))
    if refusal is not None:
        response = plain(too_many_requests_message(refusal), 429)
        response.headers.update(retry_after_header(refusal))
        return response
    body = await request.get_data()
    hook_bin = await store.count_capture(bin_id)
    if hook_bin is None:
        return plain("No bin with this id.", 404)
    if store.is_expired(hook_bin):
        await store.delete_bin(bin_id)  # purge on access
        return plain("This bin has expired.", 410)
    await store.store_capture(
        bin_id, settings.hooks_max_requests, **captured_request(body, settings.hooks_max_body_bytes)
    )
    status = hook_bin["response_status"]
    answer = "" if request.method == "HEAD" or status in NO_BODY_STATUSES else hook_bin["response_body"]
    # The owner chooses the answer's type and body: nothing of it may run as script or style at this origin.
    content_type, extra_headers = served_answer(hook_bin["response_content_type"])
    return Response(answer, status, content_type=content_type, headers={**ANSWER_HEADERS, **extra_headers})
