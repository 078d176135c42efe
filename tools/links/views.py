"""The pages: create and list at /tools/links/, one link's statistics and settings below it, and the public
redirect GET /s/<code> (it counts the click, or explains why the link no longer redirects)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from quart import Response, abort, flash, g, redirect, request, url_for

from core.auth import owner_required
from core.direct import direct_get
from core.forms import FormInput, ToolInputError, read_form
from core.operations import NO_STORE
from core.render import render_template, render_tool
from core.urls import KeyConverter
from tools.links import TOOL, bp, rules, store
from tools.links.images import clicks_chart, qr_svg
from tools.links.models import (
    AliasTakenError,
    LinkInput,
    LinkSettings,
    checked_settings,
    link_out,
    link_summary,
    short_url,
)

PRIVATE = {"Cache-Control": "private, no-store"}
KEY = re.compile(KeyConverter.regex)
GONE = {
    "disabled": ("This link is switched off", "Its owner has disabled this short link."),
    "expired": ("This link has expired", "This short link had an expiry date, and it has passed."),
    "used up": ("This link has been used up", "This short link could be followed a limited number of times."),
}
# A 301 is cached by browsers: bounded, so an edited or disabled link takes effect within a day.
PERMANENT_CACHE = {"Cache-Control": "max-age=86400"}


async def index_page(form: FormInput, status: int = 200):
    query = request.args.get("q", "").strip()
    found = await store.list_links(g.user_id, query)
    rows = [link_summary(link) for link in found]
    response = await render_tool(TOOL, status=status, form=form, links=rows, query=query)
    response.headers.update(PRIVATE)
    return response


@bp.get("/tools/links/")
@owner_required
async def index():
    return await index_page(FormInput(None, {}, {}, tuple(LinkInput.model_fields)))


@bp.post("/tools/links/")
@owner_required
async def create():
    form = await read_form(LinkInput, query=False)
    if form.data is None:
        return await index_page(form, 422)
    try:
        link = await store.add_link(g.user_id, form.data)
    except ToolInputError as exc:
        status = 409 if isinstance(exc, AliasTakenError) else 422
        return await index_page(form._replace(errors={exc.field: exc.message}), status)
    await flash(f"Short link created: {short_url(link['code'])}")
    return redirect(url_for("links.show", code=link["code"]))


async def owned_link_or_404(code: str) -> dict:
    link = await store.get_link(g.user_id, code)
    if link is None:
        abort(404)
    return link


def settings_values(link: dict) -> dict:
    expires = link["expires_at"].strftime("%Y-%m-%dT%H:%M") if link["expires_at"] else ""
    return {
        "target": link["target"],
        "permanent": link["permanent"],
        "expires_at": expires,
        "max_visits": "" if link["max_visits"] is None else link["max_visits"],
    }


async def show_page(link: dict, form: FormInput | None = None, status: int = 200):
    statistics = await store.click_statistics(link["id"])
    out = link_out(link)
    chart = clicks_chart(statistics["per_day"], f"Clicks per day for /s/{link['code']}, last 30 days (UTC)")
    form = form or FormInput(None, settings_values(link), {}, tuple(LinkSettings.model_fields))
    body = await render_template(
        "links/show.html", link=out, statistics=statistics, chart=chart, qr=qr_svg(out.short_url), form=form
    )
    return body, status, PRIVATE


@bp.get("/tools/links/<key:code>")
@owner_required
async def show(code: str):
    return await show_page(await owned_link_or_404(code))


@bp.post("/tools/links/<key:code>")
@owner_required
async def edit(code: str):
    link = await owned_link_or_404(code)
    form = await read_form(LinkSettings, query=False)
    if form.data is not None:
        try:
            changes = checked_settings(form.data, set(LinkSettings.model_fields))
        except ToolInputError as exc:
            form = form._replace(errors={exc.field: exc.message})
    if form.errors:
        return await show_page(link, form, 422)
    await store.update_link(g.user_id, code, changes)
    await flash("Link saved.")
    return redirect(url_for("links.show", code=link["code"]))


@bp.post("/tools/links/<key:code>/disable")
@owner_required
async def toggle(code: str):
    """Disable (or, with disabled=false, enable) a link."""
    disabled = (await request.form).get("disabled", "true") != "false"
    link = await store.update_link(g.user_id, code, {"disabled": disabled})
    if link is None:
        abort(404)
    await flash("Link disabled: it now answers 410 Gone." if disabled else "Link enabled.")
    return redirect(url_for("links.show", code=link["code"]))


@bp.post("/tools/links/<key:code>/delete")
@owner_required
async def delete(code: str):
    if not await store.delete_link(g.user_id, code):
        abort(404)
    await flash("Link deleted, with its statistics.")
    return redirect(url_for("links.index"))


@bp.get("/tools/links/<key:code>/qr.svg")
@owner_required
async def qr_download(code: str):
    link = await owned_link_or_404(code)
    body = qr_svg(short_url(link["code"]), inline=False)
    headers = {"Content-Disposition": f'attachment; filename="qr-{link["code"]}.svg"', **PRIVATE}
    return Response(body, mimetype="image/svg+xml", headers=headers)


# --- the public redirect ---------------------------------------------------------------


async def gone(status: int, title: str, message: str):
    body = await render_template("links/gone.html", status=status, title=title, message=message)
    return body, status, NO_STORE


def request_click() -> store.Click:
    return click_of(request.headers.get("Referer"), request.headers.get("User-Agent"))


def click_of(referer: str | None, agent: str | None) -> store.Click:
    """The click a request makes: its referrer host, whether a bot made it, and a person's browser and OS."""
    bot = rules.is_bot(agent)
    browser, system = (None, None) if bot else rules.client_software(agent)
    return store.Click(rules.referrer_host(referer), bot, browser, system)


@bp.get("/s/<key:code>")
async def follow(code: str):
    """Redirect to the link's target and count the click (bots and preview fetchers apart)."""
    now = datetime.now(UTC)
    click = request_click() if request.method == "GET" else None  # a HEAD (link checkers) is not counted
    link = await store.follow(code.lower(), now, click) if len(code) <= rules.MAX_CODE else None
    if link is None:
        return await gone(404, "No such link", "There is no short link at this address. Check it for typos.")
    reason = store.closed_reason(link, now)
    if reason is None and link["max_visits"] is not None:
        # The one place that writes the link row: an atomic conditional increment, so the limit holds.
        if not await store.claim_visit(link["id"], click):
            reason = "used up"
        elif click is not None:
            await store.record_click(link["id"], now, click)
    if reason is not None:
        return await gone(410, *GONE[reason])
    status, headers = redirect_to(link)
    return Response("", status=status, headers=headers)


def redirect_to(link: dict) -> tuple[int, dict[str, str]]:
    status = 301 if link["permanent"] else 302
    return status, {"Location": link["target"], **(PERMANENT_CACHE if link["permanent"] else NO_STORE)}


async def follow_directly(code: str, headers: list[tuple[bytes, bytes]]) -> tuple[int, list] | None:
    """GET /s/<code> without Quart's request machinery (core/direct.py), for a link that simply redirects:
    store.follow counts its click in the same statement. Anything else (no such link, closed, a visit limit)
    is left to `follow`, which calls store.follow again: for those it records nothing, so nothing counts twice.
    """
    if not KEY.fullmatch(code) or len(code) > rules.MAX_CODE:
        return None
    referer = user_agent = None
    for name, value in headers:  # the first of each, as request.headers.get gives it
        if name == b"referer" and referer is None:
            referer = value.decode("latin-1")
        elif name == b"user-agent" and user_agent is None:
            user_agent = value.decode("latin-1")
    now = datetime.now(UTC)
    link = await store.follow(code.lower(), now, click_of(referer, user_agent))
    if link is None or link["max_visits"] is not None or store.closed_reason(link, now) is not None:
        return None
    status, answer = redirect_to(link)
    return status, [(name.lower().encode(), value.encode("latin-1")) for name, value in answer.items()]


direct_get(bp, "/s/", follow_directly)
