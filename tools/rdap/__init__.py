"""Registration data (RDAP, the successor of WHOIS) for a domain, an IP address or network, or an AS number."""

from __future__ import annotations

import json
import re
from ipaddress import ip_address, ip_network

from pydantic import BaseModel, Field

from core.config import Settings, current_settings
from core.forms import ToolInputError
from core.netfetch import fetch
from core.netguard import parse_host
from core.operations import NO_STORE, Operation
from core.registry import Tool
from tools.rdap.answer import RdapAnswer, read_answer
from tools.rdap.bootstrap import rdap_url

AS_NUMBER = re.compile(r"(?:AS)?(\d{1,10})", re.IGNORECASE)
RDAP_ACCEPT = "application/rdap+json, application/json;q=0.9"


class RdapInput(BaseModel):
    query: str = Field(
        max_length=300,
        title="Domain, IP address or AS number",
        description="A domain (example.com, bücher.de), an IPv4 or IPv6 address or network (8.8.8.8, "
        "2001:db8::/32), or an AS number (AS15169; digits alone are an AS number).",
    )


class RdapResult(RdapAnswer):
    query: str = Field(description="What was looked up, in the form sent (punycode domain, address, number).")
    url: str = Field(description="The RDAP URL that answered, after redirects.")
    summary: str = Field(description="One line: the name and the most asked-for facts.")


def classify(query: str) -> tuple[str, str]:
    """("domain" | "ip" | "autnum", the key RFC 9082 puts in the path)."""
    query = query.strip()
    number = AS_NUMBER.fullmatch(query)
    if number:
        if int(number.group(1)) > 0xFFFFFFFF:
            raise ToolInputError("an AS number is at most 4294967295", "query")
        return "autnum", str(int(number.group(1)))
    if "/" in query:
        try:
            network = ip_network(query, strict=False)
        except ValueError:
            raise ToolInputError(f"{query!r} is not a network such as 192.0.2.0/24", "query") from None
        return "ip", f"{network.network_address}/{network.prefixlen}"
    host = parse_host(query.removesuffix("."), field="query")
    if not isinstance(host, str):
        return "ip", str(ip_address(host))
    if "." not in host:
        raise ToolInputError("type a domain with its top-level domain, such as example.com", "query")
    return "domain", host


def failure(status: int, body: bytes, key: str, url: str) -> ToolInputError:
    """A clear message for an RDAP error answer (RFC 9083 §6 gives a title and a description)."""
    try:
        detail = json.loads(body)
        title = detail.get("title") or " ".join(detail.get("description") or []) if isinstance(detail, dict) else ""
    except (ValueError, TypeError, RecursionError):
        title = ""
    said = f" ({str(title)[:200]})" if title else ""
    if status == 404:
        return ToolInputError(f"no registration data for {key} at {url}{said}", "query")
    if status == 429:
        return ToolInputError(f"the RDAP server asks to slow down (429){said}; try again later", "query")
    return ToolInputError(f"the RDAP server answered {status}{said} for {url}", "query")


def summarize(key: str, answer: RdapAnswer) -> str:
    if answer.kind == "domain":
        facts = [f"registrar {answer.registrar}" if answer.registrar else ""]
        facts += [
            f"{label} {date[:10]}"
            for label, date in (("registered", answer.registered), ("expires", answer.expires))
            if date
        ]
        return f"{answer.name or key}: " + (", ".join(fact for fact in facts if fact) or "registered")
    where = f" ({answer.country})" if answer.country else ""
    label = f"AS{key}" if answer.kind == "autnum" else answer.range or key
    return f"{label} {answer.name or answer.handle or ''}{where}".strip()


async def look_up(data: RdapInput, settings: Settings) -> RdapResult:
    """Ask the RDAP server for the domain, address or AS number (every hop through the SSRF guard)."""
    kind, key = classify(data.query)
    fetched = await fetch(rdap_url(kind, key, settings.rdap_bootstrap_url), settings, accept=RDAP_ACCEPT, field="query")
    final = fetched.hops[-1]
    if final.status != 200:
        raise failure(final.status, fetched.body, key, final.url)
    if fetched.truncated:
        raise ToolInputError(f"the RDAP answer from {final.url} is larger than 1 MiB", "query")
    try:
        answer = read_answer(json.loads(fetched.body))
    except (ValueError, RecursionError) as error:
        raise ToolInputError(f"{final.url} did not answer RDAP JSON: {error}", "query") from None
    return RdapResult(**answer.model_dump(), query=key, url=final.url, summary=summarize(key, answer))


TOOL = Tool(
    slug="rdap",
    title="RDAP / WHOIS lookup",
    category="Network",
    icon="id-card",
    keywords=("whois", "registrar", "domain", "expiry", "asn", "ip owner", "abuse contact", "nameservers"),
    examples=(
        ("example.com", {"query": "example.com"}),
        ("An IP address", {"query": "8.8.8.8"}),
        ("An AS number", {"query": "AS15169"}),
    ),
    operations=(
        Operation(
            RdapInput,
            look_up,
            RdapResult,
            primary="summary",
            primary_input="query",
            network=True,
            seconds=20,
            request_args=lambda: (current_settings(),),
            response_headers=NO_STORE,
            first_text="Type a domain, an IP address or an AS number and press Look up.",
        ),
    ),
)
