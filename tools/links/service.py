"""What pages and API share: checking input against the rules, and shaping links for output."""

from __future__ import annotations

from datetime import UTC, datetime

from quart import url_for

from core.forms import ToolInputError
from core.hosts import own_hosts
from tools.links import rules, store
from tools.links.schemas import LinkEdit, LinkInput, LinkOut, LinkSettings, LinkSummary


class AliasTakenError(ToolInputError):
    """A custom alias that another link already uses (HTTP 409)."""


def link_status(link: dict, now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    if link["disabled"]:
        return "disabled"
    if link["expires_at"] is not None and link["expires_at"] <= now:
        return "expired"
    if link["max_visits"] is not None and link["visits"] >= link["max_visits"]:
        return "used up"
    return "active"


def short_url(code: str) -> str:
    return url_for("links.follow", code=code, _external=True)


def link_out(link: dict) -> LinkOut:
    fields = {name: link[name] for name in LinkOut.model_fields if name in link}
    return LinkOut(**fields, short_url=short_url(link["code"]), status=link_status(link))


def link_summary(link: dict) -> LinkSummary:
    return LinkSummary(**link_out(link).model_dump(), clicks=link["clicks"])


def checked_settings(data: LinkSettings | LinkEdit, fields: set[str]) -> dict:
    """The given fields of `data`, checked against the rules (raises ToolInputError naming the field)."""
    changes = {name: getattr(data, name) for name in fields}
    for name in ("target", "permanent", "disabled"):
        if name in changes and changes[name] is None:
            raise ToolInputError(f"{name} cannot be null", name)
    if "target" in changes:
        changes["target"] = rules.clean_target(changes["target"], own_hosts())
    if changes.get("expires_at") is not None and changes["expires_at"] <= datetime.now(UTC):
        raise ToolInputError("the expiry time must be in the future", "expires_at")
    return changes


async def create(owner_id: int, data: LinkInput) -> dict:
    settings = checked_settings(data, {"target", "permanent", "expires_at", "max_visits"})
    alias = rules.clean_alias(data.alias) if data.alias is not None else None
    try:
        return await store.create_link(owner_id, alias, {**settings, "disabled": False})
    except store.AliasTaken:
        if alias is None:
            raise ToolInputError("no free code was found; please try again", "alias") from None
        raise AliasTakenError(f"the alias {alias!r} is already taken: choose another one", "alias") from None
