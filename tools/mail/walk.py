"""Follow an SPF record's include: and redirect= targets to count every DNS lookup it implies (RFC 7208 4.6.4)."""

from __future__ import annotations

import asyncio

from core.dnslookup import DnsLookup, domain_name, lookup_all
from core.forms import ToolInputError
from tools.mail.spf import SpfInclude, SpfRecord, parse_spf, spf_records

WALK_SECONDS = 8.0  # all the levels together; then the count so far is shown as a lower bound
MAX_FETCHES = 20  # records fetched for one domain: past 10 lookups the answer is already "too many"
MAX_DEPTH = 10
ANSWERED = ("NOERROR", "NODATA", "NXDOMAIN")  # the statuses that are answers; any other is a failed lookup


def txt_strings(lookup: DnsLookup) -> list[str]:
    return [record.txt for record in lookup.values() if record.txt is not None]


class Walk:
    """The includes found so far, each with its place in the tree (so concurrent branches list in order)."""

    def __init__(self) -> None:
        self.found: list[tuple[tuple[int, ...], SpfInclude]] = []
        self.fetched = 0

    def add(self, place: tuple[int, ...], include: SpfInclude) -> None:
        self.found.append((place, include))

    def includes(self) -> list[SpfInclude]:
        return [include for _, include in sorted(self.found, key=lambda pair: pair[0])]


def targets_of(record: SpfRecord) -> list[tuple[str, str]]:
    vias = ["include"] * (len(record.targets) - bool(record.redirect)) + (["redirect"] if record.redirect else [])
    return list(zip(record.targets, vias, strict=True))


def included(target: str, via: str, lookup: DnsLookup) -> tuple[SpfInclude, SpfRecord | None]:
    """What one fetched target says: its record (parsed), or the problem a receiver would stop at."""
    if lookup.status not in ANSWERED:
        return SpfInclude(
            domain=target, via=via, depth=0, problem=f"{via}:{target} could not be looked up: {lookup.message}"
        ), None
    records = spf_records(txt_strings(lookup))
    if len(records) != 1:
        what = "has no SPF record" if not records else f"has {len(records)} SPF records"
        problem = f"{via}:{target} {what}: a permanent error for receivers (RFC 7208 5.2, 6.1)."
        return SpfInclude(domain=target, via=via, depth=0, problem=problem), None
    record = parse_spf(records[0])
    problem = f"{via}:{target}: {record.problems[0]}" if record.problems else None
    return SpfInclude(
        domain=target, via=via, depth=0, record=records[0], lookups=record.lookups, problem=problem
    ), record


async def follow(walk: Walk, record: SpfRecord, place: tuple[int, ...], path: tuple[str, ...]) -> None:
    """Fetch a record's targets at once, then their own targets, depth first in the listing."""
    depth = len(place) + 1
    pending = []
    for index, (target, via) in enumerate(targets_of(record)):
        spot = (*place, index)
        skipped = skip_reason(walk, target, path, depth)
        if skipped is not None:
            walk.add(spot, SpfInclude(domain=target, via=via, depth=depth, **skipped))
            continue
        try:
            pending.append((spot, target, via, domain_name(target)))
        except ToolInputError:
            walk.add(
                spot, SpfInclude(domain=target, via=via, depth=depth, problem=f"{via}:{target} is not a domain name.")
            )
    walk.fetched += len(pending)
    lookups = await lookup_all((name, "TXT") for *_, name in pending)
    children = []
    for (spot, target, via, _), lookup in zip(pending, lookups, strict=True):
        include, sub = included(target, via, lookup)
        walk.add(spot, include.model_copy(update={"depth": depth}))
        if sub is not None and sub.targets:
            children.append(follow(walk, sub, spot, (*path, target.lower())))
    await asyncio.gather(*children)


def skip_reason(walk: Walk, target: str, path: tuple[str, ...], depth: int) -> dict | None:
    if "%" in target:
        return {"note": "It holds a macro, expanded for each message: not followed, its lookups are not counted."}
    if target.lower() in path:
        return {"problem": f"{target} includes itself (a loop): a permanent error for receivers."}
    if depth > MAX_DEPTH or walk.fetched >= MAX_FETCHES:
        return {"note": f"Not followed: the walk stops at {MAX_FETCHES} records or {MAX_DEPTH} levels."}
    return None


async def spf_includes(domain: str, text: str) -> tuple[list[SpfInclude], list[str]]:
    """Every record the domain's SPF record leads to, and a note when the walk ran out of time."""
    walk = Walk()
    try:
        async with asyncio.timeout(WALK_SECONDS):
            await follow(walk, parse_spf(text), (), (domain.lower(),))
    except TimeoutError:
        return walk.includes(), [
            f"The includes were not all answered within {WALK_SECONDS:g} s: the count is a minimum."
        ]
    return walk.includes(), []
