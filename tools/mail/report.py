"""The mail report for a domain: every record looked up at once, each checked by its own pure function."""

from __future__ import annotations

from collections.abc import Callable

import dns.name
from pydantic import BaseModel

from core.dnslookup import DnsLookup, display, domain_name, lookup_all, resolvers_asked
from core.forms import ToolInputError
from tools.mail.dkim import SELECTOR, DkimCheck, dkim_check
from tools.mail.dmarc import dmarc_check
from tools.mail.spf import SpfCheck, spf_check, spf_records
from tools.mail.tags import MailCheck
from tools.mail.transport import MxCheck, MxHost, mta_sts_check, mx_check, tls_rpt_check
from tools.mail.walk import ANSWERED, spf_includes, txt_strings


class MailOutput(BaseModel):
    domain: str
    resolver: str  # the resolver(s) this server asks
    mx: MxCheck
    spf: SpfCheck
    dmarc: MailCheck
    dkim: DkimCheck | None  # only with a selector
    mta_sts: MailCheck
    tls_rpt: MailCheck
    summary: str  # one line per check: what a recipe passes on


def below(prefix: str, name: dns.name.Name) -> dns.name.Name:
    return dns.name.from_text(prefix, origin=name)


def unanswered(lookup: DnsLookup) -> str | None:
    """A lookup that failed (timeout, SERVFAIL …) is said as such, never as "no record"."""
    return None if lookup.status in ANSWERED else f"Could not be checked: {lookup.message}"


def txt_check(
    lookup: DnsLookup, make: Callable[[list[str]], MailCheck], kind: type[MailCheck] = MailCheck, **fields
) -> MailCheck:
    """make(the TXT strings), or a warning that the lookup failed."""
    failure = unanswered(lookup)
    if failure:
        return kind(name=lookup.name.rstrip("."), state="warning", verdict=failure, **fields)
    return make(txt_strings(lookup))


def mx_report(lookup: DnsLookup) -> MxCheck:
    name = lookup.name.rstrip(".")
    failure = unanswered(lookup)
    return (
        MxCheck(name=name, state="warning", verdict=failure)
        if failure
        else mx_check(name, lookup.status, mx_hosts(lookup))
    )


async def spf_report(lookup: DnsLookup) -> SpfCheck:
    """The domain's SPF record with every record its includes lead to."""
    name = lookup.name.rstrip(".")
    failure = unanswered(lookup)
    if failure:
        return SpfCheck(name=name, state="warning", verdict=failure)
    texts = txt_strings(lookup)
    records = spf_records(texts)
    includes, notes = await spf_includes(name, records[0]) if len(records) == 1 else ([], [])
    check = spf_check(name, texts, includes)
    check.notes += notes
    return check


def mx_hosts(lookup: DnsLookup) -> list[MxHost]:
    hosts = []
    for record in lookup.values():
        preference, _, exchange = record.value.partition(" ")
        hosts.append(MxHost(preference=int(preference), host=exchange.rstrip(".") or "."))
    return hosts


def summary(report: MailOutput) -> str:
    checks = [("MX", report.mx), ("SPF", report.spf), ("DMARC", report.dmarc)]
    if report.dkim is not None:
        checks.append((f"DKIM ({report.dkim.selector})", report.dkim))
    checks += [("MTA-STS", report.mta_sts), ("TLS-RPT", report.tls_rpt)]
    return "\n".join(f"{label}: {check.verdict}" for label, check in checks)


async def inspect_domain(domain_text: str, selector: str) -> MailOutput:
    """Look up a domain's mail records (MX, SPF with its includes, DMARC, DKIM, MTA-STS, TLS-RPT) and check each."""
    name = domain_name(domain_text.rsplit("@", 1)[-1])  # an address is taken for its domain
    domain = display(name)
    ascii_domain = name.to_text(omit_final_dot=True)
    if selector and not SELECTOR.fullmatch(selector):
        raise ToolInputError("A selector is one or more DNS labels: letters, digits, hyphens, dots.", "selector")
    dkim_name = domain_name(f"{selector}._domainkey.{ascii_domain}", "selector") if selector else None
    questions = [
        (name, "MX"),
        (name, "TXT"),
        (below("_dmarc", name), "TXT"),
        (below("_mta-sts", name), "TXT"),
        (below("_smtp._tls", name), "TXT"),
    ] + ([(dkim_name, "TXT")] if dkim_name else [])
    mx, txt, dmarc, mta_sts, tls_rpt, *dkim = await lookup_all(questions)
    report = MailOutput(
        domain=domain,
        resolver=resolvers_asked(),
        mx=mx_report(mx),
        spf=await spf_report(txt),
        dmarc=txt_check(dmarc, lambda texts: dmarc_check(dmarc.name.rstrip("."), texts)),
        dkim=dkim_report(dkim[0], selector) if dkim else None,
        mta_sts=txt_check(mta_sts, lambda texts: mta_sts_check(ascii_domain, texts)),
        tls_rpt=txt_check(tls_rpt, lambda texts: tls_rpt_check(ascii_domain, texts)),
        summary="",
    )
    report.summary = summary(report)
    return report


def dkim_report(lookup: DnsLookup, selector: str) -> DkimCheck:
    name = lookup.name.rstrip(".")
    return txt_check(lookup, lambda texts: dkim_check(name, selector, texts), DkimCheck, selector=selector)
