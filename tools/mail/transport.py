"""How mail reaches the domain: MX hosts (RFC 5321, null MX RFC 7505), MTA-STS (RFC 8461) and TLS-RPT (RFC 8460)."""

from __future__ import annotations

import re
from ipaddress import ip_address

from pydantic import BaseModel

from tools.mail.tags import MailCheck, plural, starting_with, tag_list

STS_ID = re.compile(r"[A-Za-z0-9]{1,32}")
TLSRPT_URI = re.compile(r"(mailto:[^\s,]+@[^\s,]+|https://[^\s,]+)", re.I)


class MxHost(BaseModel):
    preference: int
    host: str  # without the final dot; "." for a null MX


class MxCheck(MailCheck):
    hosts: list[MxHost] = []


def mx_check(name: str, status: str, hosts: list[MxHost]) -> MxCheck:
    """MX hosts in the order they are tried (lowest preference first), or what their absence means."""
    if status == "NXDOMAIN":
        return MxCheck(name=name, state="bad", verdict="The domain does not exist (NXDOMAIN): it receives no mail.")
    hosts = sorted(hosts, key=lambda mx: (mx.preference, mx.host))
    if not hosts:
        verdict = "No MX record: senders deliver to the domain's own address (A/AAAA), if it has one (RFC 5321 5.1)."
        return MxCheck(name=name, state="warning", verdict=verdict)
    if len(hosts) == 1 and hosts[0].host == ".":
        verdict = "Null MX (RFC 7505): the domain says it accepts no mail at all."
        return MxCheck(name=name, state="info", verdict=verdict, hosts=hosts)
    notes = [f"{mx.host} is an address: an MX must name a host (RFC 7505 4)." for mx in hosts if is_address(mx.host)]
    listed = ", ".join(mx.host for mx in hosts[:5]) + (", …" if len(hosts) > 5 else "")
    verdict = f"{plural(len(hosts), 'mail server')}, tried in order: {listed}."
    return MxCheck(name=name, state="warning" if notes else "good", verdict=verdict, notes=notes, hosts=hosts)


def is_address(host: str) -> bool:
    try:
        ip_address(host)
    except ValueError:
        return False
    return True


def single_record(name: str, texts: list[str], version: str, what: str) -> MailCheck | tuple[str, dict, list[str]]:
    """The one record of a kind, or the check that says why there is none to read."""
    records = starting_with(texts, version)
    if len(records) > 1:
        verdict = f"{len(records)} {what} records: there must be one, so senders ignore them."
        return MailCheck(name=name, record="\n".join(records), state="bad", verdict=verdict)
    if not records:
        return MailCheck(name=name)
    tags, problems = tag_list(records[0])
    return records[0], tags, problems


def mta_sts_check(domain: str, texts: list[str]) -> MailCheck:
    """The _mta-sts TXT record: that a policy exists and its id (the policy itself is served over HTTPS)."""
    name = f"_mta-sts.{domain}"
    found = single_record(name, texts, "STSv1", "MTA-STS")
    if isinstance(found, MailCheck):
        found.verdict = found.verdict or (
            "No MTA-STS: sending servers use TLS only when offered, so an attacker on the path can turn it off."
        )
        found.state = found.state if found.record else "info"
        return found
    record, tags, problems = found
    policy_url = f"https://mta-sts.{domain}/.well-known/mta-sts.txt"
    if not STS_ID.fullmatch(tags.get("id", "")):
        problems.append("id= must be 1 to 32 letters and digits; senders ignore the record without it.")
        return MailCheck(name=name, record=record, state="bad", verdict=problems[0], notes=problems[1:], tags=tags)
    verdict = f"MTA-STS is announced (id {tags['id']}): senders that support it fetch the policy from {policy_url}."
    notes = problems + ["The policy file itself is not fetched here: only the DNS record is checked."]
    return MailCheck(name=name, record=record, state="good", verdict=verdict, notes=notes, tags=tags)


def tls_rpt_check(domain: str, texts: list[str]) -> MailCheck:
    """The _smtp._tls TXT record: where senders report TLS failures (RFC 8460 3)."""
    name = f"_smtp._tls.{domain}"
    found = single_record(name, texts, "TLSRPTv1", "TLS-RPT")
    if isinstance(found, MailCheck):
        found.verdict = found.verdict or "No TLS-RPT: senders have nowhere to report failed TLS connections to you."
        found.state = found.state if found.record else "info"
        return found
    record, tags, problems = found
    uris = [uri.strip() for uri in tags.get("rua", "").split(",") if uri.strip()]
    bad = [uri for uri in uris if not TLSRPT_URI.fullmatch(uri)]
    if not uris or bad:
        verdict = "TLS-RPT needs rua= with mailto: or https: addresses" + (
            f"; '{bad[0][:60]}' is neither." if bad else "."
        )
        return MailCheck(name=name, record=record, state="bad", verdict=verdict, notes=problems, tags=tags)
    verdict = "TLS-RPT is on: senders report failed TLS connections to " + ", ".join(uris) + "."
    return MailCheck(name=name, record=record, state="good", verdict=verdict, notes=problems, tags=tags)
