"""The owner's pages (bins, the live request list of a bin, one request in detail) and the public capture
endpoint, which records any request sent to /hooks/<key:bin_id>[/anything]."""

from __future__ import annotations

import logging
from urllib.parse import quote

from quart import Response, flash, g, make_response, redirect, request, url_for
from werkzeug.exceptions import Gone, NotFound

from core import events, sse
from core.auth import owner_required
from core.bounded_render import render_limits
from core.config import Settings, current_settings
from core.credentials import redact_site_credentials
from core.executor import WorkLimitExceeded, run_bounded
from core.forms import FormInput, read_form
from core.operations import NO_STORE
from core.ratelimit import Rule, limit_address, retry_after_header, too_many_requests_message
from core.render import is_htmx, render_template, render_tool
from core.security import csrf_exempt
from core.timefmt import relative
from tools.hooks import TOOL, bp, display, store
from tools.hooks.answers import ANSWER_HEADERS, served_answer
from tools.hooks.display import decode_text
from tools.hooks.models import (
    CAPTURE_METHODS,
    BinSettings,
    RequestFilter,
    bin_view,
    parse_filter,
    request_summary,
    request_view,
)

log = logging.getLogger("mytools.hooks")
SETTINGS_FIELDS = tuple(BinSettings.model_fields)
STOP_POLLING = 286  # htmx: swap this response and stop polling
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


def prefix_length(bin_id: str) -> int:
    return len(url_for("hooks.capture", bin_id=bin_id))


def row_context(hook_bin: dict, request_filter: RequestFilter, selected: int | None = None) -> dict:
    """What a row of the request list needs besides the request (also for the rows a stream sends)."""
    return {
        "bin": hook_bin,
        "filter": request_filter,
        "selected": selected,
        "now": store.now(),
        "relative": relative,
    }


async def requests_context(hook_bin: dict, request_filter: RequestFilter, selected: int | None = None) -> dict:
    keep = current_settings().hooks_max_requests
    where = store.request_filter(request_filter.method, request_filter.path, request_filter.q)
    captured = await store.list_requests(hook_bin["id"], keep, where=where)
    if request_filter.active:
        newest = (await store.newest_request_id(g.user_id, hook_bin["id"]))[1]  # the poll compares the bin's newest
    else:
        newest = captured[0]["id"] if captured else 0
    shown = captured[0]["id"] if captured else 0
    filter_args = request_filter.query_args()
    return {
        **row_context(bin_view(hook_bin), request_filter, selected),
        "requests": [request_summary(c, prefix_length(hook_bin["id"])) for c in captured],
        "newest": newest,
        "keep": keep,
        "methods": CAPTURE_METHODS,
        "poll_url": url_for("hooks.show_bin", bin_id=hook_bin["id"], after=newest, **filter_args),
        "events_url": url_for("hooks.live_events", bin_id=hook_bin["id"], after=shown, **filter_args),
    }


def selected_id() -> int | None:
    raw = request.args.get("r", "")
    return int(raw) if raw.isdigit() and len(raw) < 19 else None


async def detail_context(hook_bin: dict, request_id: int) -> dict | None:
    """The detail of one request (None when it is not stored), as the detail pane and page show it."""
    captured = await store.get_request(g.user_id, hook_bin["id"], request_id)
    if captured is None:
        return None
    view = request_view(captured)
    view["body_view"]["json"], json_note = await pretty_body(view)
    return {"bin": bin_view(hook_bin), "req": view, "json_note": json_note, "now": store.now(), "relative": relative}


def not_stored() -> NotFound:
    keep = current_settings().hooks_max_requests
    return NotFound(f"This request is not stored (any more): a bin keeps its newest {keep} requests.")


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
    """The bin's page: the (filtered) request list beside the request `?r=<id>`; with HX-Request the list
    alone, and `?after=<id>` makes that a cheap poll."""
    after = request.args.get("after")
    # htmx restoring a pushed URL (back button) asks for the whole page.
    partial = is_htmx() and request.headers.get("HX-History-Restore-Request") != "true"
    if partial and after is not None:
        live, newest = await store.newest_request_id(g.user_id, bin_id)
        if not live:
            return await private(await render_template("hooks/_gone.html"), STOP_POLLING)
        if after == str(newest):
            return await private("", 204)
    hook_bin = await owned_live_bin(bin_id)
    request_filter = parse_filter(request.args)
    selected = selected_id()
    context = await requests_context(hook_bin, request_filter, selected)
    status = 400 if request_filter.errors else 200
    if partial:
        return await private(await render_template("hooks/_requests.html", **context), status)
    detail = await detail_context(hook_bin, selected) if selected is not None else None
    page = await render_template("hooks/bin.html", form=settings_form(hook_bin), detail=detail, **context)
    return await private(page, status)


@bp.post("/tools/hooks/<key:bin_id>/settings")
@owner_required
async def save_settings(bin_id: str):
    hook_bin = await owned_live_bin(bin_id)
    form = await read_form(BinSettings, query=False)
    if form.data is None:
        context = await requests_context(hook_bin, RequestFilter())
        return await private(await render_template("hooks/bin.html", form=form, detail=None, **context), 422)
    await store.update_response(g.user_id, bin_id, **form.data.model_dump())
    await flash("Saved: the capture URL answers with the new response.")
    return redirect(url_for("hooks.show_bin", bin_id=bin_id))


@bp.post("/tools/hooks/<key:bin_id>/delete")
@owner_required
async def delete_bin(bin_id: str):
    if not await store.delete_bin(bin_id, g.user_id):
        raise NotFound()
    await store.announce(bin_id, "gone")
    await flash("Bin deleted, with everything it captured.")
    return redirect(url_for("hooks.index"))


@bp.get("/tools/hooks/<key:bin_id>/requests/<id:request_id>")
@owner_required
async def show_request(bin_id: str, request_id: int):
    """One request in detail: a page of its own, or (HX-Request) the detail pane of the bin's page."""
    hook_bin = await owned_live_bin(bin_id)
    context = await detail_context(hook_bin, request_id)
    if context is None:
        raise not_stored()
    template = "hooks/_request.html" if is_htmx() else "hooks/request.html"
    return await private(await render_template(template, **context))


# --- live: new requests pushed as Server-Sent Events ----------------------------------------


def stream_start(after: str) -> int:
    """Where a stream starts: after the newest request the page shows, or the last one sent before a reconnect."""
    candidates = [after, request.headers.get("Last-Event-ID", "")]
    return max((int(value) for value in candidates if value.isdigit() and len(value) < 19), default=0)


async def new_request_events(hook_bin: dict, request_filter: RequestFilter, after: int):
    """The SSE messages of a bin's stream: each new request matching the filter as a rendered list row."""
    keep = current_settings().hooks_max_requests
    where = store.request_filter(request_filter.method, request_filter.path, request_filter.q)
    context = row_context(bin_view(hook_bin), request_filter)
    async with events.subscribe(store.bin_channel(hook_bin["id"])) as messages:
        payload = ""
        while payload != "gone":
            # After subscribing, so a request stored meanwhile is either read here or announced next.
            for captured in reversed(await store.list_requests(hook_bin["id"], keep, after=after, where=where)):
                summary = request_summary(captured, prefix_length(hook_bin["id"]))
                row = await render_template("hooks/_request_row.html", **{**context, "r": summary, "now": store.now()})
                yield sse.event(row, "request", captured["id"])
                after = captured["id"]
            payload = await anext(messages, "end")
            if payload == "end":
                return
        yield sse.event("This bin no longer exists (deleted or expired).", "gone")


@bp.get("/tools/hooks/<key:bin_id>/events")
@owner_required
async def live_events(bin_id: str):
    """New requests of the bin as they arrive (text/event-stream); the page falls back to polling without it."""
    hook_bin = await owned_live_bin(bin_id)
    streams = sse.current_streams()
    if not streams.take():
        return sse.too_many_streams(streams)
    try:
        await events.current_broadcaster().listen()
    except Exception as exc:  # noqa: BLE001 - no transport: the page polls
        streams.give_back()
        log.warning("live updates unavailable: %s", exc)
        return sse.unavailable()
    body = new_request_events(hook_bin, parse_filter(request.args), stream_start(request.args.get("after", "")))
    return sse.stream_response(streams, body)


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
    request_id = await store.store_capture(
        bin_id, settings.hooks_max_requests, **captured_request(body, settings.hooks_max_body_bytes)
    )
    await store.announce(bin_id, str(request_id))  # the id only: a viewer reads the (redacted) row itself
    status = hook_bin["response_status"]
    answer = "" if request.method == "HEAD" or status in NO_BODY_STATUSES else hook_bin["response_body"]
    # The owner chooses the answer's type and body: nothing of it may run as script or style at this origin.
    content_type, extra_headers = served_answer(hook_bin["response_content_type"])
    return Response(answer, status, content_type=content_type, headers={**ANSWER_HEADERS, **extra_headers})
