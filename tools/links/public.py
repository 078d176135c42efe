"""The public side: GET /s/<key:code> redirects (one SELECT, one click INSERT) or explains why it cannot."""

from __future__ import annotations

from datetime import UTC, datetime

from quart import Response, render_template, request

from tools.links import bp, rules, store

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
    link = await store.find_for_redirect(code.lower()) if len(code) <= rules.MAX_CODE else None
    if link is None:
        return await gone(404, "No such link", "There is no short link at this address. Check it for typos.")
    reason = None
    if link["disabled"]:
        reason = "disabled"
    elif link["expires_at"] is not None and link["expires_at"] <= datetime.now(UTC):
        reason = "expired"
    elif link["max_visits"] is not None:
        # The one place that writes the link row: an atomic conditional increment, so the limit holds.
        counted = (
            await store.claim_visit(link["id"]) if request.method == "GET" else await store.visits_left(link["id"])
        )
        if not counted:
            reason = "used up"
    if reason is not None:
        return await gone(410, *GONE[reason])
    if request.method == "GET":  # a HEAD (link checkers) is answered but not counted
        await store.record_click(
            link["id"],
            rules.referrer_host(request.headers.get("Referer")),
            rules.is_bot(request.headers.get("User-Agent")),
        )
    status = 301 if link["permanent"] else 302
    headers = {"Location": link["target"], **(PERMANENT_CACHE if link["permanent"] else NO_STORE)}
    return Response("", status=status, headers=headers)
