"""DNS questions for the network tools, through the configured resolver (core/resolvers.py) only.

A lookup always ends in an answer to show: the records, or in words why there are none (the name does not
exist, it has no record of that type, the resolver failed or did not answer in time); never an exception.
Names typed by a person become `dns.name.Name`s here, or a 422 naming the field.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from ipaddress import ip_address
from urllib.parse import urlsplit

import dns.asyncresolver
import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rdatatype
import dns.resolver
import dns.reversename
from pydantic import BaseModel

from core.config import current_settings
from core.forms import ToolInputError
from core.resolvers import make_resolver, resolver_label

# NOERROR with records, NODATA (the name exists, not this type), NXDOMAIN, TIMEOUT, ERROR (no server could be
# asked), or the error code a server answered with (SERVFAIL, REFUSED, …).
MAX_NAME_INPUT = 300  # a name is at most 253 characters; a pasted URL a little more
CONCURRENT_QUESTIONS = 5  # questions in flight at once for one request
QUESTION_SECONDS = 3.0  # one question, all resolvers tried; a tool's whole run has its own limit


class DnsRecord(BaseModel):
    name: str  # as the answer has it, absolute ("example.com.")
    ttl: int
    type: str
    value: str  # the record's data in master-file form
    txt: str | None = None  # a TXT record's strings joined (RFC 7208 3.3), as SPF, DMARC and DKIM read them


class DnsLookup(BaseModel):
    name: str
    type: str
    status: str
    message: str  # one sentence: what came back
    records: list[DnsRecord]  # the answer section: any CNAMEs on the way, then the records of the type asked
    authenticated: bool  # the resolver set the AD flag: it validated the answer with DNSSEC
    server: str  # the resolver that answered (or the ones asked, when none did)

    def values(self) -> list[DnsRecord]:
        """The records of the type asked (not the CNAMEs that led to them)."""
        return [record for record in self.records if record.type == self.type]


def dns_resolver() -> dns.asyncresolver.Resolver:
    """This app's resolver (MYTOOLS_DNS_RESOLVERS, else the system's), asking for the AD flag (RFC 6840 5.7)."""
    resolver = make_resolver(current_settings(), timeout=QUESTION_SECONDS)
    resolver.flags = dns.flags.RD | dns.flags.AD
    return resolver


def resolvers_asked() -> str:
    """The resolver(s) this server asks, for showing beside an answer: "127.0.0.1:5353"."""
    return resolver_label(make_resolver(current_settings()))


def domain_name(text: str, field: str = "input") -> dns.name.Name:
    """A typed domain name (or URL, or internationalized name) as an absolute DNS name, or a 422 naming the field."""
    text = text.strip()
    if "://" in text:
        text = urlsplit(text).hostname or ""
    text = text.rstrip(".") if text != "." else text
    if not text:
        raise ToolInputError("Type a domain name, such as example.com.", field)
    if any(c.isspace() or c in "/\\@:;,\"'<>()[]{}" for c in text):
        raise ToolInputError("A domain name has only letters, digits, hyphens, underscores and dots.", field)
    try:
        name = dns.name.from_unicode(text) if not text.isascii() else dns.name.from_text(text)
    except dns.name.LabelTooLong:
        raise ToolInputError("A label (the part between two dots) is at most 63 characters.", field) from None
    except dns.name.NameTooLong:
        raise ToolInputError("A domain name is at most 253 characters.", field) from None
    except dns.name.EmptyLabel:
        raise ToolInputError("A domain name cannot have two dots in a row.", field) from None
    except (dns.exception.DNSException, UnicodeError, ValueError) as error:
        raise ToolInputError(f"This is not a domain name: {str(error)[:120]}", field) from None
    return name


def reverse_name(text: str) -> tuple[str, dns.name.Name] | None:
    """An IPv4 or IPv6 address and its reverse name (in-addr.arpa / ip6.arpa); None for anything else."""
    try:
        address = ip_address(text.strip().strip("[]"))
    except ValueError:
        return None
    return str(address), dns.reversename.from_address(str(address))


def as_record(rrset, rdata) -> DnsRecord:
    txt = b"".join(rdata.strings).decode("utf-8", "replace") if rrset.rdtype == dns.rdatatype.TXT else None
    kind = dns.rdatatype.to_text(rrset.rdtype)
    return DnsRecord(name=rrset.name.to_text(), ttl=rrset.ttl, type=kind, value=rdata.to_text(), txt=txt)


def answer_records(response: dns.message.Message | None) -> list[DnsRecord]:
    if response is None:
        return []
    return [as_record(rrset, rdata) for rrset in response.answer for rdata in rrset]


def authenticated(response: dns.message.Message | None) -> bool:
    return response is not None and bool(response.flags & dns.flags.AD)


def display(name: dns.name.Name) -> str:
    """The name as a person typed it: Unicode for an internationalized name, no final dot."""
    return name.to_unicode(omit_final_dot=True)


async def lookup(resolver: dns.asyncresolver.Resolver, name: dns.name.Name, kind: str) -> DnsLookup:
    """Ask one question; whatever happens, an answer to show."""
    asked = resolver_label(resolver)
    shown = display(name)
    base = {"name": name.to_text(), "type": kind}
    try:
        answer = await resolver.resolve(name, kind, raise_on_no_answer=False, search=False)
    except dns.resolver.NXDOMAIN as error:
        response = error.responses().get(name)
        return DnsLookup(
            **base,
            status="NXDOMAIN",
            message=f"{shown} does not exist (NXDOMAIN).",
            records=[],
            authenticated=authenticated(response),
            server=asked,
        )
    except dns.resolver.LifetimeTimeout:
        seconds = f"{resolver.lifetime:g}"
        message = f"No answer from {asked} within {seconds} s."
        return DnsLookup(**base, status="TIMEOUT", message=message, records=[], authenticated=False, server=asked)
    except dns.resolver.NoNameservers as error:
        status, reasons = failure(error)
        message = f"No resolver answered for {shown}: {reasons}."
        return DnsLookup(**base, status=status, message=message, records=[], authenticated=False, server=asked)
    except dns.exception.DNSException as error:
        message = f"The lookup failed: {str(error)[:200]}"
        return DnsLookup(**base, status="ERROR", message=message, records=[], authenticated=False, server=asked)
    host = str(answer.nameserver)
    server = f"[{host}]:{answer.port}" if ":" in host else f"{host}:{answer.port}"
    records = answer_records(answer.response)
    found = sum(1 for record in records if record.type == kind)
    if found:
        status, message = "NOERROR", f"{found} {kind} record{'s' if found != 1 else ''}."
    else:
        alias = answer.canonical_name
        via = f" (it is an alias of {display(alias)})" if alias != name else ""
        status, message = "NODATA", f"No {kind} record for {shown}{via}."
    return DnsLookup(
        **base,
        status=status,
        message=message,
        records=records,
        authenticated=authenticated(answer.response),
        server=server,
    )


def failure(error: dns.resolver.NoNameservers) -> tuple[str, str]:
    """(status, reasons in words): the error code a server answered with (SERVFAIL, REFUSED …), else ERROR."""
    codes, reasons = [], []
    for server, _tcp, port, reason, _response in error.kwargs.get("errors") or []:
        host = server.removeprefix("Do53:").rsplit("@", 1)[0]  # dnspython writes a nameserver "Do53:ip@port"
        where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        if isinstance(reason, str):
            codes.append(reason)
            reasons.append(f"{where} answered {reason}")
        else:
            text = getattr(reason, "strerror", None) or type(reason).__name__
            reasons.append(f"{where}: {text}")
    unique = list(dict.fromkeys(reasons))
    return (codes[0] if codes else "ERROR"), ("; ".join(unique)[:300] or "no server could be asked")


async def lookup_all(questions: Iterable[tuple[dns.name.Name, str]]) -> list[DnsLookup]:
    """Several questions at once (at most CONCURRENT_QUESTIONS in flight), answers in the order asked."""
    resolver = dns_resolver()
    gate = asyncio.Semaphore(CONCURRENT_QUESTIONS)

    async def ask(name: dns.name.Name, kind: str) -> DnsLookup:
        async with gate:
            return await lookup(resolver, name, kind)

    return list(await asyncio.gather(*(ask(name, kind) for name, kind in questions)))
