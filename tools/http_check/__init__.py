"""Fetch a URL and see its status, headers, redirect chain with timings and a graded check of its security headers."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from core.config import Settings, current_settings
from core.netfetch import Fetched, Hop, fetch
from core.operations import NO_STORE, Operation
from core.registry import Tool
from tools.http_check.grade import Check, letter, security_checks

MAX_URL = 2048


class HttpInput(BaseModel):
    url: str = Field(
        max_length=MAX_URL,
        title="URL",
        description="An http:// or https:// URL (https:// is assumed without a scheme). Redirects are followed, "
        "each one checked; addresses inside private networks are refused.",
    )
    method: Literal["GET", "HEAD"] = Field(default="GET", description="HEAD asks for the headers only.")


class Header(BaseModel):
    name: str
    value: str


class HopResult(BaseModel):
    url: str
    address: str = Field(description="The address connected to: the one the guard checked.")
    status: int
    reason: str
    http_version: str
    tls_version: str | None = Field(description="e.g. TLSv1.3; null over plain HTTP.")
    cipher: str | None
    connect_ms: float = Field(description="Milliseconds to resolve, connect and (HTTPS) finish the handshake.")
    first_byte_ms: float = Field(description="Milliseconds from the hop's start to the answer's head.")
    total_ms: float = Field(description="Milliseconds from the hop's start to the end of the answer.")
    location: str | None = Field(description="Where a redirect points (absolute); null otherwise.")
    headers: list[Header]


class HttpResult(BaseModel):
    url: str = Field(description="The final URL, after redirects.")
    status: int = Field(description="The final answer's status.")
    summary: str = Field(description="One line: status, final URL, redirects, grade.")
    hops: list[HopResult] = Field(description="Every request in order: the first URL, then each redirect.")
    checks: list[Check] = Field(description="The security headers of the final answer, each graded.")
    grade: str = Field(description="A (nothing bad, at most one warning), B (nothing bad), C, D, F (1, 2, 3+ bad).")
    body_bytes: int = Field(description="Bytes of the final answer's body that were read.")
    truncated: bool = Field(description="The body was longer than the 1 MiB read and was cut.")
    stopped: str | None = Field(description="Why a redirect was not followed (too many); null otherwise.")


def with_scheme(url: str) -> str:
    url = url.strip()
    return url if "://" in url else f"https://{url}"


def hop_result(hop: Hop) -> HopResult:
    headers = [Header(name=name, value=value) for name, value in hop.headers]
    return HopResult(**{**hop.__dict__, "headers": headers})


def describe(fetched: Fetched) -> HttpResult:
    """The fetched chain as the tool's result: the final answer graded, cookies from every hop."""
    final = fetched.hops[-1]
    cookies = [value for hop in fetched.hops for name, value in hop.headers if name.lower() == "set-cookie"]
    checks = security_checks(final.headers, final.url.startswith("https:"), cookies)
    grade = letter(checks)
    redirects = len(fetched.hops) - 1
    moved = f", after {redirects} redirect{'s' * (redirects != 1)}" if redirects else ""
    return HttpResult(
        url=final.url,
        status=final.status,
        summary=f"{final.status} {final.reason} {final.url}{moved}; security headers: {grade}",
        hops=[hop_result(hop) for hop in fetched.hops],
        checks=checks,
        grade=grade,
        body_bytes=len(fetched.body),
        truncated=fetched.truncated,
        stopped=fetched.stopped,
    )


async def check_url(data: HttpInput, settings: Settings) -> HttpResult:
    """Fetch the URL (GET or HEAD) through the SSRF guard; show the chain, headers and a security grade."""
    return describe(await fetch(with_scheme(data.url), settings, method=data.method, field="url"))


TOOL = Tool(
    slug="http",
    title="HTTP headers check",
    category="Network",
    icon="scan-search",
    keywords=("headers", "redirect", "hsts", "csp", "security headers", "curl", "status", "cookies", "fetch"),
    examples=(
        ("example.com", {"url": "https://example.com/"}),
        ("HEAD of a page", {"url": "https://www.iana.org/help/example-domains", "method": "HEAD"}),
    ),
    operations=(
        Operation(
            HttpInput,
            check_url,
            HttpResult,
            primary="summary",
            primary_input="url",
            network=True,
            seconds=25,
            request_args=lambda: (current_settings(),),
            response_headers=NO_STORE,  # an answer about another site, now: not for caches
            first_text="Type a URL (https://example.com) and press Check: the request goes out from this server.",
        ),
    ),
)
