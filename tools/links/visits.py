"""The redirect's queries, prepared once: find a link and count its click, in one round trip on PostgreSQL.

A link redirects unless it is disabled, expired or (with max_visits) used up. A click on a link without a
visit limit is one appended row: on PostgreSQL the lookup and that INSERT are one statement (a
data-modifying CTE), on SQLite two. A visit-limited link is claimed first with an atomic conditional
UPDATE (store's module docstring says why), and its click is recorded after the claim succeeded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from core.db import get_db
from core.prepared import Prepared
from tools.links.store import REDIRECT_COLUMNS, as_dict, clicks, links

code_value = sa.bindparam("code", None, type_=sa.String)
link_id_value = sa.bindparam("link_id", None, type_=sa.Integer)
now_value = sa.bindparam("now", None, type_=sa.DateTime(timezone=True))
referrer_value = sa.bindparam("referrer_host", None, type_=sa.String)
bot_value = sa.bindparam("is_bot", None, type_=sa.Boolean)

FIND = Prepared(sa.select(*REDIRECT_COLUMNS).where(links.c.code == code_value))
RECORD_CLICK = Prepared(
    sa.insert(clicks).values(
        link_id=link_id_value, clicked_at=now_value, referrer_host=referrer_value, is_bot=bot_value
    )
)
CLAIM_VISIT = Prepared(
    sa.update(links)
    .where(links.c.id == link_id_value, links.c.visits < links.c.max_visits)
    .values(visits=links.c.visits + 1)
    .returning(links.c.visits)
)
VISITS_LEFT = Prepared(sa.select(links.c.id).where(links.c.id == link_id_value, links.c.visits < links.c.max_visits))


def find_and_count() -> Prepared:
    """PostgreSQL: the link's row, and (in the same statement) its click when it redirects without a limit."""
    link = sa.select(*REDIRECT_COLUMNS).where(links.c.code == code_value).cte("link")
    redirects_unlimited = sa.select(link.c.id, now_value, referrer_value, bot_value).where(
        sa.not_(link.c.disabled),
        sa.or_(link.c.expires_at.is_(None), link.c.expires_at > now_value),
        link.c.max_visits.is_(None),
    )
    click = sa.insert(clicks).from_select(["link_id", "clicked_at", "referrer_host", "is_bot"], redirects_unlimited)
    return Prepared(sa.select(link).add_cte(click.cte("click")))


FIND_AND_COUNT = find_and_count()


def closed_reason(link: dict, now: datetime) -> str | None:
    """ "disabled" or "expired" when the link does not redirect at `now` (whatever its visits), else None."""
    if link["disabled"]:
        return "disabled"
    if link["expires_at"] is not None and link["expires_at"] <= now:
        return "expired"
    return None


@dataclass(frozen=True)
class Click:
    referrer_host: str | None
    is_bot: bool


async def follow(code: str, now: datetime, click: Click | None) -> dict | None:
    """The link; with a click (a GET), the click is recorded too when the link redirects without a visit limit."""
    db = get_db()
    if click is None:  # a HEAD request (link checkers): answered, never counted
        return as_dict(await db.fetch_one(FIND(code=code)))
    if db.url.dialect.startswith("postgres"):
        values = {"code": code, "now": now, "referrer_host": click.referrer_host, "is_bot": click.is_bot}
        return as_dict(await db.fetch_one(FIND_AND_COUNT(**values)))
    link = as_dict(await db.fetch_one(FIND(code=code)))  # SQLite has no INSERT in a CTE: two statements
    if link is not None and link["max_visits"] is None and closed_reason(link, now) is None:
        await record_click(link["id"], now, click)
    return link


async def claim_visit(link_id: int, click: Click | None) -> bool:
    """Count one visit of a link with max_visits (atomic under concurrency), or for a HEAD only check that one
    is left; False when the link is used up."""
    query = CLAIM_VISIT(link_id=link_id) if click is not None else VISITS_LEFT(link_id=link_id)
    return await get_db().fetch_val(query) is not None


async def record_click(link_id: int, now: datetime, click: Click) -> None:
    values = {"link_id": link_id, "now": now, "referrer_host": click.referrer_host, "is_bot": click.is_bot}
    await get_db().execute(RECORD_CLICK(**values))
