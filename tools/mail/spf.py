"""SPF records (RFC 7208): parsed into terms, the DNS lookups they cost, and a verdict in plain words."""

from __future__ import annotations

import re
from ipaddress import IPv4Network, IPv6Network

from pydantic import BaseModel

from tools.mail.tags import MailCheck, plural

LOOKUP_LIMIT = 10  # RFC 7208 4.6.4: more terms that cause DNS lookups than this is a permerror
LOOKUP_TERMS = ("include", "a", "mx", "ptr", "exists")  # and the redirect modifier
MECHANISMS = ("all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists")
QUALIFIERS = {"+": "pass", "-": "fail", "~": "softfail", "?": "neutral"}
VERSION = re.compile(r"v=spf1(?: |$)", re.I)
MODIFIER = re.compile(r"([A-Za-z][A-Za-z0-9_.-]*)=(.*)")
MECHANISM = re.compile(r"([+\-~?]?)([A-Za-z0-9]+)(?::([^/]*))?((?:/\d+)?(?://\d+)?)")
ALL_VERDICTS = {
    "-": ("good", "SPF ends with -all: mail from servers it does not list fails (hard fail)."),
    "~": (
        "good",
        "SPF ends with ~all: soft fail — mail from servers it does not list is accepted but marked as suspect; "
        "the DMARC policy decides what happens to it.",
    ),
    "?": (
        "warning",
        "SPF ends with ?all: neutral — it says nothing about servers it does not list, so it protects little.",
    ),
    "+": ("bad", "SPF ends with +all: every server on the internet passes — anyone may send mail as this domain."),
}


class SpfTerm(BaseModel):
    text: str  # as written
    qualifier: str = ""  # pass, fail, softfail, neutral (mechanisms only)
    kind: str  # the mechanism (all, include, a, mx, ptr, ip4, ip6, exists) or the modifier's name
    value: str = ""  # its domain, network or modifier value
    lookups: int = 0  # DNS lookups it costs toward the limit of 10


class SpfRecord(BaseModel):
    terms: list[SpfTerm]
    lookups: int  # this record's own lookup terms (not those of the records it includes)
    all: str | None  # the qualifier character of its "all" mechanism: "-", "~", "?", "+"
    targets: list[str]  # the domains whose records count too: include: values, then redirect=
    redirect: str | None
    problems: list[str]  # syntax errors: each one makes the record a permerror
    notes: list[str]


def is_spf(text: str) -> bool:
    return bool(VERSION.match(text))


def parse_term(word: str) -> SpfTerm | str:
    """A term, or the problem with it in words."""
    modifier = MODIFIER.fullmatch(word)
    if modifier:
        name, value = modifier.group(1).lower(), modifier.group(2)
        if name in ("redirect", "exp") and not value:
            return f"{name}= needs a domain."
        return SpfTerm(text=word, kind=name, value=value, lookups=int(name == "redirect"))
    match = MECHANISM.fullmatch(word)
    if not match or match.group(2).lower() not in MECHANISMS:
        return f"'{word[:60]}' is not an SPF mechanism or modifier."
    sign, kind, value, cidr = match.group(1) or "+", match.group(2).lower(), match.group(3), match.group(4)
    problem = mechanism_problem(kind, value, cidr)
    if problem:
        return f"'{word[:60]}': {problem}"
    return SpfTerm(
        text=word, qualifier=QUALIFIERS[sign], kind=kind, value=(value or "") + cidr, lookups=int(kind in LOOKUP_TERMS)
    )


def mechanism_problem(kind: str, value: str | None, cidr: str) -> str | None:
    """Why a mechanism's argument is wrong (RFC 7208 5), or None."""
    if kind == "all" and (value is not None or cidr):
        return "all takes no argument."
    if kind in ("include", "exists") and not value:
        return f"{kind} needs a domain."
    if kind in ("ip4", "ip6"):
        network = IPv4Network if kind == "ip4" else IPv6Network
        try:
            network(f"{value}{cidr}", strict=False)
        except ValueError:
            return f"{value}{cidr} is not an IPv{kind[-1]} address or network."
    elif cidr and not re.fullmatch(r"(/(\d|[12]\d|3[0-2]))?(//(\d{1,2}|1[01]\d|12[0-8]))?", cidr):
        return f"{cidr} is not a prefix length (0-32 for IPv4, //0-128 for IPv6)."
    return None


def parse_spf(text: str) -> SpfRecord:
    """Parse one SPF record (the text after joining a TXT record's strings)."""
    terms: list[SpfTerm] = []
    problems: list[str] = []
    for word in text.split()[1:]:
        term = parse_term(word)
        (terms.append if isinstance(term, SpfTerm) else problems.append)(term)
    modifiers = [t.kind for t in terms if not t.qualifier]
    for name in ("redirect", "exp"):
        if modifiers.count(name) > 1:
            problems.append(f"{name}= appears more than once.")
    alls = [t for t in terms if t.kind == "all"]
    redirect = next((t.value for t in terms if t.kind == "redirect"), None)
    notes = []
    if alls and redirect:
        # RFC 7208 6.1: with an "all" mechanism, redirect= is never reached, so it costs no lookup.
        notes.append("redirect= is ignored: the record has an all mechanism, which always ends the evaluation.")
        for term in terms:
            term.lookups = 0 if term.kind == "redirect" else term.lookups
        redirect = None
    if any(t.kind == "ptr" for t in terms):
        notes.append("ptr is slow and unreliable; RFC 7208 5.5 says not to use it.")
    if alls and alls[0] is not terms[-1] and any(t.qualifier for t in terms[terms.index(alls[0]) + 1 :]):
        notes.append("Mechanisms after all are never reached.")
    targets = [t.value for t in terms if t.kind == "include"] + ([redirect] if redirect else [])
    return SpfRecord(
        terms=terms,
        lookups=sum(t.lookups for t in terms),
        all=next((sign for sign, name in QUALIFIERS.items() if alls and alls[0].qualifier == name), None),
        targets=targets,
        redirect=redirect,
        problems=problems,
        notes=notes,
    )


def spf_verdict(record: SpfRecord | None, total_lookups: int, problems: list[str]) -> tuple[str, str, list[str]]:
    """(state, verdict, notes) for a domain's SPF: its record, all the lookups it implies, the problems found."""
    if record is None:
        return "bad", "No SPF record: receivers cannot tell which servers may send mail for this domain.", []
    notes = list(record.notes)
    if total_lookups > LOOKUP_LIMIT:
        message = (
            f"SPF needs {total_lookups} DNS lookups, over the limit of {LOOKUP_LIMIT} (RFC 7208 4.6.4): receivers "
            "stop with a permanent error and the domain's mail fails SPF."
        )
        return "bad", message, notes + problems
    if problems:
        return "bad", f"SPF is broken (a permanent error for receivers): {problems[0]}", notes + problems[1:]
    notes.append(f"{plural(total_lookups, 'DNS lookup')} of the {LOOKUP_LIMIT} allowed.")
    if record.all in ALL_VERDICTS:
        state, verdict = ALL_VERDICTS[record.all]
        return state, verdict, notes
    if record.redirect:
        return "info", f"SPF continues at {record.redirect} (redirect=): its record decides.", notes
    return "warning", "SPF has no all at the end: mail from other servers gets the default, neutral.", notes


class SpfInclude(BaseModel):
    """A record that counts toward the limit: an include: or redirect= target, at its depth below the domain."""

    domain: str
    via: str  # include or redirect
    depth: int  # 1: named by the domain's own record
    record: str | None = None
    lookups: int = 0  # its own lookup terms
    problem: str | None = None  # why it could not be counted (a permanent error for receivers), or None
    note: str | None = None  # why it was not followed (a macro, the walk's bounds)


class SpfCheck(MailCheck):
    terms: list[SpfTerm] = []
    lookups: int = 0  # every lookup the record implies, through its includes
    limit: int = LOOKUP_LIMIT
    includes: list[SpfInclude] = []


def spf_records(texts: list[str]) -> list[str]:
    return [text for text in texts if is_spf(text)]


def spf_check(name: str, texts: list[str], includes: list[SpfInclude] | None = None) -> SpfCheck:
    """The SPF check of a domain from its TXT strings and the records its includes lead to (found by the caller)."""
    includes = includes or []
    records = spf_records(texts)
    if len(records) > 1:
        verdict = f"{len(records)} SPF records: there must be one, so receivers treat SPF as a permanent error."
        return SpfCheck(name=name, record="\n".join(records), state="bad", verdict=verdict)
    record = parse_spf(records[0]) if records else None
    total = (record.lookups if record else 0) + sum(include.lookups for include in includes)
    problems = (record.problems if record else []) + [i.problem for i in includes if i.problem]
    state, verdict, notes = spf_verdict(record, total, problems)
    return SpfCheck(
        name=name,
        record=records[0] if records else None,
        state=state,
        verdict=verdict,
        notes=notes,
        terms=record.terms if record else [],
        lookups=total,
        includes=includes,
    )
