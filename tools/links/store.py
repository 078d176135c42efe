"""The links and clicks tables and the queries on them (one code path for SQLite and PostgreSQL).

A click is one appended row, written with one INSERT: it takes no lock on the link row that
another redirect waits for (PostgreSQL's foreign-key check takes a FOR KEY SHARE lock, which
other inserts and ordinary UPDATEs of the link do not conflict with). Statistics are GROUP BY
queries over those rows. The one exception is a link with a maximum visit count: there the
visit is claimed with an atomic `UPDATE … SET visits = visits + 1 WHERE visits < max_visits`,
which must lock the row briefly so that the limit is never exceeded.

A person's click keeps the browser and OS families its User-Agent names (parsed at the redirect, cached by
ua-parser); the User-Agent itself is never stored: a full string helps fingerprint a visitor, and the
statistics need only the families, counted with GROUP BY like the referrers.

The redirect's queries are prepared once (core.prepared): on PostgreSQL the lookup and the click's
INSERT are one statement (a data-modifying CTE), on SQLite two. A visit-limited link is claimed first,
and its click is recorded after the claim succeeded.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import asyncpg
import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from core.db import contains_words, get_db, is_postgres, metadata, owner_id_column, row_dict
from core.forms import ToolInputError
from core.prepared import Prepared
from tools.links import rules
from tools.links.models import AliasTakenError, LinkInput, checked_settings

links = sa.Table(
    "links",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    owner_id_column(),
    sa.Column("code", sa.String(64), nullable=False, unique=True),
    sa.Column("target", sa.String(rules.MAX_TARGET), nullable=False),
    sa.Column("permanent", sa.Boolean, nullable=False),
    sa.Column("disabled", sa.Boolean, nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("max_visits", sa.Integer, nullable=True),
    # Claimed visits; only counted (atomically) for links with max_visits.
    sa.Column("visits", sa.Integer, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

clicks = sa.Table(
    "clicks",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("link_id", sa.Integer, sa.ForeignKey("links.id", ondelete="CASCADE"), nullable=False),
    sa.Column("clicked_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("referrer_host", sa.String(rules.MAX_REFERRER_HOST), nullable=True),
    sa.Column("is_bot", sa.Boolean, nullable=False),
    sa.Column("browser", sa.String(rules.MAX_SOFTWARE_NAME), nullable=True),  # "Chrome"; null: unknown, or a bot
    sa.Column("os", sa.String(rules.MAX_SOFTWARE_NAME), nullable=True),  # "Windows"
    sa.Index("ix_clicks_link_id_clicked_at", "link_id", "clicked_at"),
)

COLUMNS = (
    links.c.id,
    links.c.code,
    links.c.target,
    links.c.permanent,
    links.c.disabled,
    links.c.expires_at,
    links.c.max_visits,
    links.c.visits,
    links.c.created_at,
    links.c.updated_at,
)
# What the redirect needs, and nothing more.
REDIRECT_COLUMNS = (
    links.c.id,
    links.c.target,
    links.c.permanent,
    links.c.disabled,
    links.c.expires_at,
    links.c.max_visits,
)
MAX_ATTEMPTS = 8
LIST_LIMIT = 200
CHART_DAYS = 30
TOP_REFERRERS = 10
TOP_SOFTWARE = 10  # browsers, and operating systems, listed in the statistics


class AliasTaken(Exception):
    """The custom alias (or, after every retry, a generated code) is already used."""


class utc_day(FunctionElement):
    """The UTC day of a timestamp as 'YYYY-MM-DD' (SQLite stores UTC text; PostgreSQL converts from timestamptz)."""

    inherit_cache = True
    type = sa.String()


@compiles(utc_day)
def _utc_day_default(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)})"


@compiles(utc_day, "postgresql")
def _utc_day_postgresql(element, compiler, **kw):
    return f"to_char(({compiler.process(element.clauses, **kw)}) AT TIME ZONE 'UTC', 'YYYY-MM-DD')"


def is_code_taken(exc: Exception) -> bool:
    """True for the unique-constraint violation on links.code, as each driver reports it."""
    if isinstance(exc, asyncpg.UniqueViolationError):
        return exc.constraint_name == "uq_links_code"
    return isinstance(exc, sqlite3.IntegrityError) and "links.code" in str(exc)


async def insert_link(owner_id: int, code: str, settings: dict) -> dict:
    now = datetime.now(UTC)
    query = (
        sa.insert(links)
        .values(owner_id=owner_id, code=code, visits=0, created_at=now, updated_at=now, **settings)
        .returning(*COLUMNS)
    )
    return row_dict(await get_db().fetch_one(query))


async def create_link(owner_id: int, alias: str | None, settings: dict) -> dict:
    """Insert a link under `alias`, or under a generated code retried until the unique constraint accepts it.

    settings: target, permanent, disabled, expires_at, max_visits.
    """
    if alias is not None:
        try:
            return await insert_link(owner_id, alias, settings)
        except (asyncpg.UniqueViolationError, sqlite3.IntegrityError) as exc:
            if is_code_taken(exc):
                raise AliasTaken(alias) from None
            raise
    for _ in range(MAX_ATTEMPTS):
        try:
            return await insert_link(owner_id, rules.generate_code(), settings)
        except (asyncpg.UniqueViolationError, sqlite3.IntegrityError) as exc:
            if not is_code_taken(exc):
                raise
    raise AliasTaken("no free code found")


async def add_link(owner_id: int, data: LinkInput) -> dict:
    """Check a new link's settings and alias against the rules, then store it (ToolInputError names the field)."""
    settings = checked_settings(data, {"target", "permanent", "expires_at", "max_visits"})
    alias = rules.clean_alias(data.alias) if data.alias is not None else None
    try:
        return await create_link(owner_id, alias, {**settings, "disabled": False})
    except AliasTaken:
        if alias is None:
            raise ToolInputError("no free code was found; please try again", "alias") from None
        raise AliasTakenError(f"the alias {alias!r} is already taken: choose another one", "alias") from None


def human_clicks(link_id) -> sa.ScalarSelect:
    return (
        sa.select(sa.func.count())
        .select_from(clicks)
        .where(clicks.c.link_id == link_id, clicks.c.is_bot == sa.false())
        .scalar_subquery()
    )


async def list_links(owner_id: int, search: str = "") -> list[dict]:
    """The owner's links, newest first, with their human click count; `search` matches code or target."""
    query = sa.select(*COLUMNS, human_clicks(links.c.id).label("clicks")).where(
        links.c.owner_id == owner_id, contains_words(search, links.c.code, links.c.target)
    )
    query = query.order_by(links.c.created_at.desc(), links.c.id.desc()).limit(LIST_LIMIT)
    return [row_dict(row) for row in await get_db().fetch_all(query)]


async def get_link(owner_id: int, code: str) -> dict | None:
    query = sa.select(*COLUMNS).where(links.c.code == code.lower(), links.c.owner_id == owner_id)
    return row_dict(await get_db().fetch_one(query))


async def update_link(owner_id: int, code: str, changes: dict) -> dict | None:
    """Apply `changes` (any of target, permanent, disabled, expires_at, max_visits); None when not found."""
    query = (
        sa.update(links)
        .where(links.c.code == code.lower(), links.c.owner_id == owner_id)
        .values(**changes, updated_at=datetime.now(UTC))
        .returning(*COLUMNS)
    )
    return row_dict(await get_db().fetch_one(query))


async def delete_link(owner_id: int, code: str) -> bool:
    db = get_db()
    # SQLite does not enforce ON DELETE CASCADE without a per-connection pragma: delete the clicks here.
    async with db.transaction():
        link_id = await db.fetch_val(
            sa.delete(links).where(links.c.code == code.lower(), links.c.owner_id == owner_id).returning(links.c.id)
        )
        if link_id is None:
            return False
        await db.execute(sa.delete(clicks).where(clicks.c.link_id == link_id))
    return True


def last_days(today: date, count: int) -> list[date]:
    return [today - timedelta(days=count - 1 - i) for i in range(count)]


async def click_statistics(link_id: int, today: date | None = None) -> dict:
    """Totals (humans and bots apart), clicks per UTC day for CHART_DAYS days, and people's top referrer hosts,
    browsers and operating systems."""
    db = get_db()
    today = today or datetime.now(UTC).date()
    days = last_days(today, CHART_DAYS)
    since = datetime.combine(days[0], datetime.min.time(), tzinfo=UTC)
    of_link = clicks.c.link_id == link_id
    totals = {
        bool(row.is_bot): row.n
        for row in await db.fetch_all(
            sa.select(clicks.c.is_bot, sa.func.count().label("n")).where(of_link).group_by(clicks.c.is_bot)
        )
    }
    day: ColumnElement = utc_day(clicks.c.clicked_at).label("day")
    per_day_rows = await db.fetch_all(
        sa.select(day, clicks.c.is_bot, sa.func.count().label("n"))
        .where(of_link, clicks.c.clicked_at >= since)
        .group_by(day, clicks.c.is_bot)
    )
    per_day = {d.isoformat(): {"day": d, "clicks": 0, "bots": 0} for d in days}
    for row in per_day_rows:
        if row.day in per_day:
            per_day[row.day]["bots" if row.is_bot else "clicks"] += row.n
    referrers = await top_counts(clicks.c.referrer_host, of_link, TOP_REFERRERS)
    browsers = await top_counts(clicks.c.browser, of_link, TOP_SOFTWARE)
    systems = await top_counts(clicks.c.os, of_link, TOP_SOFTWARE)
    return {
        "total": totals.get(False, 0),
        "bots": totals.get(True, 0),
        "per_day": list(per_day.values()),
        "top_referrers": [{"host": value, "clicks": n} for value, n in referrers],
        "browsers": [{"name": value, "clicks": n} for value, n in browsers],
        "operating_systems": [{"name": value, "clicks": n} for value, n in systems],
    }


async def top_counts(column: sa.Column, of_link: ColumnElement, limit: int) -> list[tuple[str | None, int]]:
    """People's clicks per value of `column` (null included), most first, ties by name: (value, clicks)."""
    count = sa.func.count().label("n")
    rows = await get_db().fetch_all(
        sa.select(column, count)
        .where(of_link, clicks.c.is_bot == sa.false())
        .group_by(column)
        .order_by(count.desc(), sa.func.coalesce(column, ""))
        .limit(limit)
    )
    return [(row[0], row.n) for row in rows]


# --- the redirect: GET /s/<code> ----------------------------------------------------------

code_value = sa.bindparam("code", None, type_=sa.String)
link_id_value = sa.bindparam("link_id", None, type_=sa.Integer)
now_value = sa.bindparam("now", None, type_=sa.DateTime(timezone=True))
referrer_value = sa.bindparam("referrer_host", None, type_=sa.String)
bot_value = sa.bindparam("is_bot", None, type_=sa.Boolean)
browser_value = sa.bindparam("browser", None, type_=sa.String)
os_value = sa.bindparam("os", None, type_=sa.String)

FIND = Prepared(sa.select(*REDIRECT_COLUMNS).where(links.c.code == code_value))
RECORD_CLICK = Prepared(
    sa.insert(clicks).values(
        link_id=link_id_value,
        clicked_at=now_value,
        referrer_host=referrer_value,
        is_bot=bot_value,
        browser=browser_value,
        os=os_value,
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
    redirects_unlimited = sa.select(link.c.id, now_value, referrer_value, bot_value, browser_value, os_value).where(
        sa.not_(link.c.disabled),
        sa.or_(link.c.expires_at.is_(None), link.c.expires_at > now_value),
        link.c.max_visits.is_(None),
    )
    names = ["link_id", "clicked_at", "referrer_host", "is_bot", "browser", "os"]
    click = sa.insert(clicks).from_select(names, redirects_unlimited)
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
    browser: str | None = None  # families only (rules.client_software); None for bots
    os: str | None = None

    def values(self) -> dict:
        """The click's bind parameters of RECORD_CLICK and FIND_AND_COUNT."""
        return {"referrer_host": self.referrer_host, "is_bot": self.is_bot, "browser": self.browser, "os": self.os}


async def follow(code: str, now: datetime, click: Click | None) -> dict | None:
    """The link; with a click (a GET), the click is recorded too when the link redirects without a visit limit."""
    db = get_db()
    if click is None:  # a HEAD request (link checkers): answered, never counted
        return row_dict(await db.fetch_one(FIND(code=code)))
    if is_postgres(db):
        return row_dict(await db.fetch_one(FIND_AND_COUNT(code=code, now=now, **click.values())))
    link = row_dict(await db.fetch_one(FIND(code=code)))  # SQLite has no INSERT in a CTE: two statements
    if link is not None and link["max_visits"] is None and closed_reason(link, now) is None:
        await record_click(link["id"], now, click)
    return link


async def claim_visit(link_id: int, click: Click | None) -> bool:
    """Count one visit of a link with max_visits (atomic under concurrency), or for a HEAD only check that one
    is left; False when the link is used up."""
    query = CLAIM_VISIT(link_id=link_id) if click is not None else VISITS_LEFT(link_id=link_id)
    return await get_db().fetch_val(query) is not None


async def record_click(link_id: int, now: datetime, click: Click) -> None:
    await get_db().execute(RECORD_CLICK(link_id=link_id, now=now, **click.values()))
