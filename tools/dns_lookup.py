"""Look up DNS records (A, AAAA, CNAME, MX, NS, TXT, SOA, CAA, SRV, PTR): TTLs, the resolver, DNSSEC's AD flag."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, field_validator

from core.dnslookup import (
    MAX_NAME_INPUT,
    QUESTION_SECONDS,
    DnsLookup,
    display,
    domain_name,
    lookup_all,
    resolvers_asked,
    reverse_name,
)
from core.operations import Operation
from core.registry import Tool

TYPES = ("A", "AAAA", "CNAME", "MX", "NS", "TXT", "SOA", "CAA", "SRV", "PTR")
RecordType = Literal[TYPES]
DEFAULT_TYPES = ("A", "AAAA", "MX", "NS", "TXT")


class DnsInput(BaseModel):
    input: str = Field(
        max_length=MAX_NAME_INPUT,
        title="Domain name or IP address",
        description="A domain name (example.com, _sip._tcp.example.com, bücher.example) or an IPv4/IPv6 address, "
        "whose PTR record (reverse name) is looked up.",
    )
    types: list[RecordType] = Field(
        default_factory=lambda: list(DEFAULT_TYPES),
        min_length=1,
        max_length=len(TYPES) * 2,
        description="The record types to ask for, all at once (an address is always looked up as PTR).",
    )

    @field_validator("types")
    @classmethod
    def each_once(cls, types: list[str]) -> list[str]:
        return list(dict.fromkeys(types))


class DnsOutput(BaseModel):
    name: str  # the name asked, as typed (Unicode for an internationalized name)
    reverse_of: str | None  # the address whose reverse name was asked
    resolver: str  # the resolver(s) this server asks (MYTOOLS_DNS_RESOLVERS, else the system's)
    lookups: list[DnsLookup]  # one per type, in the order of TYPES
    authenticated: bool  # every answer carried the AD flag (validated with DNSSEC by the resolver)
    short: str  # the records' values, one a line (like dig +short); or why there are none
    text: str  # the answer sections in master-file form: name, TTL, class, type, value


async def look_up(data: DnsInput) -> DnsOutput:
    """Ask the configured resolver for every chosen record type of a name (or the PTR of an address) at once."""
    reverse = reverse_name(data.input)
    if reverse is not None:
        address, name = reverse
        types = ["PTR"]
    else:
        address, name = None, domain_name(data.input)
        types = [kind for kind in TYPES if kind in data.types]
    lookups = await lookup_all((name, kind) for kind in types)
    values = [record.value for lookup in lookups for record in lookup.values()]
    lines = [f"{r.name} {r.ttl} IN {r.type} {r.value}" for lookup in lookups for r in lookup.records]
    return DnsOutput(
        name=display(name),
        reverse_of=address,
        resolver=resolvers_asked(),
        lookups=lookups,
        authenticated=all(lookup.authenticated for lookup in lookups),
        short="\n".join(values) if values else "\n".join(lookup.message for lookup in lookups),
        text="\n".join(dict.fromkeys(lines)),  # a CNAME on the way to several types is one line
    )


TOOL = Tool(
    slug="dns",
    title="DNS lookup",
    category="Network",
    icon="signpost",
    keywords=("dig", "nslookup", "a", "aaaa", "mx", "txt", "cname", "ns", "soa", "caa", "srv", "ptr", "dnssec"),
    examples=(
        ("example.com: A, AAAA, MX, TXT", {"input": "example.com", "types": ["A", "AAAA", "MX", "TXT"]}),
        ("Reverse lookup of 1.1.1.1", {"input": "1.1.1.1"}),
        ("SOA and CAA of example.org", {"input": "example.org", "types": ["SOA", "CAA"]}),
        ("SRV of _xmpp-server._tcp.jabber.org", {"input": "_xmpp-server._tcp.jabber.org", "types": ["SRV"]}),
    ),
    operations=(
        Operation(
            DnsInput,
            look_up,
            DnsOutput,
            primary="short",
            network=True,
            seconds=QUESTION_SECONDS * 2 + 2,  # 10 types, 5 at a time: two rounds of questions at most
            first_text="Type a domain name (or an IP address, for its reverse name) and press Look up.",
            context=lambda form, result: {
                "record_types": TYPES,
                "default_types": DEFAULT_TYPES,
                "resolver": resolvers_asked(),
            },
        ),
    ),
)
