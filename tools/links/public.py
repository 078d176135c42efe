"""The public side: GET /s/<key:code> redirects (and counts the click: tools.links.visits) or explains why not."""

from __future__ import annotations

from datetime import UTC, datetime

from quart import Response, request

from core.render import render_template
from tools.links import bp, rules, visits

GONE = {
    "disabled": ("This link is switched off", "Its owner has disabled this short link."),
    "expired": ("This link has expired", "This short link had an expiry date, and it has passed."),
    "used up": ("This link has been used up", "This short link could be followed a limited number of times."),
}
NO_STORE = {"Cache-Control": "no-store"}
# A 301 is cached by browsers: bounded, so an edited or disabled link takes effect within a day.
PERMANENT_CACHE = {"Cache-Control": "max-age=86400"}


async def gone(status: int, title: str, message: str):
    body = await render_template("links/gone.html", status=status, title=title, message=message)
    return body, status, NO_STORE


@bp.get("/s/<key:code>")
async def follow(code: str):
    """Redirect to the link's target and count the click (bots and preview fetchers apart)."""
    now = datetime.now(UTC)
    click = None  # a HEAD (link checkers) is answered but not counted
    if request.method == "GET":
        click = visits.Click(
            rules.referrer_host(request.headers.get("Referer")), rules.is_bot(request.headers.get("User-Agent"))
        )
    link = await visits.follow(code.lower(), now, click) if len(code) <= rules.MAX_CODE else None
    if link is None:
        return await gone(404, "No such link", "There is no short link at this address. Check it for typos.")
    reason = visits.closed_reason(link, now)
    if reason is None and link["max_visits"] is not None:
        # The one place that writes the link row: an atomic conditional increment, so the limit holds.
        if not await visits.claim_visit(link["id"], click):
            reason = "used up"
        elif click is not None:
            await visits.record_click(link["id"], now, click)
    if reason is not None:
        return await gone(410, *GONE[reason])
    status = 301 if link["permanent"] else 302
    headers = {"Location": link["target"], **(PERMANENT_CACHE if link["permanent"] else NO_STORE)}
    return Response("", status=status, headers=headers)
