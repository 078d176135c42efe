"""The SSRF guard: which addresses the app may connect to, and a name resolved once to an address it may use.

Every outbound connection the app makes goes to the address `checked_address` returned, never to a name:
the name is resolved here (core.resolvers, the configured servers), every answer is checked, and the
caller connects to the checked address itself, so a second lookup (DNS rebinding) cannot switch it.
Only the networks in MYTOOLS_NETWORK_ALLOW are exempt.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import ssl
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

import dns.exception
import dns.resolver

from core.config import Settings
from core.forms import ToolInputError
from core.netaddr import normalize_host
from core.resolvers import make_resolver

Address = IPv4Address | IPv6Address

# Ranges no tool may reach, with what they are (IANA special-purpose registries, RFC 6890 and successors).
REFUSED_IPV4 = tuple(
    (IPv4Network(cidr), reason)
    for cidr, reason in (
        ("0.0.0.0/8", "an unspecified ('this network') address"),
        ("10.0.0.0/8", "a private address (RFC 1918)"),
        ("100.64.0.0/10", "a shared carrier-grade NAT address (RFC 6598)"),
        ("127.0.0.0/8", "a loopback address"),
        ("169.254.0.0/16", "a link-local address (cloud metadata lives there)"),
        ("172.16.0.0/12", "a private address (RFC 1918)"),
        ("192.0.0.0/24", "a reserved address (IETF protocol assignments)"),
        ("192.0.2.0/24", "a documentation address (RFC 5737)"),
        ("192.88.99.0/24", "a reserved address (6to4 relay anycast)"),
        ("192.168.0.0/16", "a private address (RFC 1918)"),
        ("198.18.0.0/15", "a benchmarking address (RFC 2544)"),
        ("198.51.100.0/24", "a documentation address (RFC 5737)"),
        ("203.0.113.0/24", "a documentation address (RFC 5737)"),
        ("224.0.0.0/4", "a multicast address"),
        ("240.0.0.0/4", "a reserved address (240/4 and broadcast)"),
    )
)
REFUSED_IPV6 = tuple(
    (IPv6Network(cidr), reason)
    for cidr, reason in (
        ("::/128", "an unspecified address"),
        ("::1/128", "a loopback address"),
        ("64:ff9b:1::/48", "a local-use NAT64 address (RFC 8215)"),
        ("100::/64", "a discard-only address (RFC 6666)"),
        ("2001::/32", "a Teredo tunnel address"),
        ("2001:2::/48", "a benchmarking address (RFC 5180)"),
        ("2001:db8::/32", "a documentation address (RFC 3849)"),
        ("2001:10::/28", "a reserved address (ORCHID)"),
        ("3fff::/20", "a documentation address (RFC 9637)"),
        ("fc00::/7", "a private address (unique local, fc00::/7)"),
        ("fe80::/10", "a link-local address"),
        ("fec0::/10", "a site-local address (deprecated, fec0::/10)"),
        ("ff00::/8", "a multicast address"),
    )
)
# IPv6 forms that carry an IPv4 address: the IPv4 address inside is what would be reached.
IPV4_COMPATIBLE = IPv6Network("::/96")
NAT64 = IPv6Network("64:ff9b::/96")
SIX_TO_FOUR = IPv6Network("2002::/16")


class NetworkRefused(ToolInputError):
    """The guard refused an address: nothing was connected to. A 422 naming the reason."""


class CertificateNotTrusted(ToolInputError):
    """The TLS handshake's verification failed (`reason`: OpenSSL's words, e.g. "Hostname mismatch")."""

    def __init__(self, message: str, field: str, reason: str) -> None:
        super().__init__(message, field)
        self.reason = reason


def embedded_ipv4(address: IPv6Address) -> IPv4Address | None:
    """The IPv4 address an IPv6 address stands for: mapped, compatible (::a.b.c.d), NAT64 or 6to4."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in IPV4_COMPATIBLE and int(address) > 1:
        return IPv4Address(int(address) & 0xFFFFFFFF)
    if address in NAT64:
        return IPv4Address(int(address) & 0xFFFFFFFF)
    if address.sixtofour is not None:
        return address.sixtofour
    return None


def address_problem(address: Address) -> str | None:
    """Why the guard refuses this address ("a loopback address"), or None when it is a public one."""
    if isinstance(address, IPv6Address):
        inner = embedded_ipv4(address)
        if inner is not None:
            problem = address_problem(inner)
            return f"{problem} ({inner}) in IPv6 form" if problem else None
        ranges = REFUSED_IPV6
    else:
        ranges = REFUSED_IPV4
    for network, reason in ranges:
        if address in network:
            return reason
    if not address.is_global:  # anything else the standard library knows is not globally reachable
        return "not a globally reachable address"
    return None


def allowed_by_settings(address: Address, settings: Settings) -> bool:
    """MYTOOLS_NETWORK_ALLOW exempts its networks (e.g. 127.0.0.1/32 for the tests' local servers)."""
    plain = address.ipv4_mapped if isinstance(address, IPv6Address) and address.ipv4_mapped else address
    return any(plain.version == network.version and plain in network for network in settings.network_allow)


def check_address(address: Address, settings: Settings, *, field: str = "input", name: str = "") -> Address:
    """The address when the app may connect to it; else NetworkRefused naming why."""
    problem = None if allowed_by_settings(address, settings) else address_problem(address)
    if problem:
        subject = f"{name} resolves to {address}, which is" if name else f"{address} is"
        raise NetworkRefused(f"{subject} {problem}: it is not contacted", field)
    return address


def parse_host(host: str, *, field: str = "input") -> str | Address:
    """A host as an address (any spelling: 2130706433, 0x7f.1, [::ffff:127.0.0.1]) or a lowercase ASCII name."""
    try:
        parsed = normalize_host(host)
    except ValueError as error:
        raise ToolInputError(f"{host!r} is not a valid host name or address: {error}", field) from None
    if isinstance(parsed, str) and (len(parsed) > 253 or any(not 0 < len(label) < 64 for label in parsed.split("."))):
        raise ToolInputError(f"{host!r} is not a valid host name", field)
    return parsed


async def lookup(name: str, settings: Settings, *, field: str = "input") -> list[Address]:
    """Every A and AAAA answer for the name from the configured resolvers (ToolInputError when none)."""
    resolver = make_resolver(settings)
    answers = await asyncio.gather(*(resolver.resolve(name, kind) for kind in ("A", "AAAA")), return_exceptions=True)
    found = [answer for answer in answers if not isinstance(answer, BaseException)]
    addresses = [ip_address(record.address) for answer in found for record in answer]
    if addresses:
        return addresses
    errors = [answer for answer in answers if isinstance(answer, BaseException)]
    if any(isinstance(error, dns.resolver.NXDOMAIN) for error in errors):
        raise ToolInputError(f"{name} does not exist (the DNS answered NXDOMAIN)", field)
    if any(isinstance(error, dns.exception.Timeout) for error in errors):
        raise ToolInputError(f"no DNS answer for {name} in time", field)
    if any(isinstance(error, dns.resolver.NoNameservers) for error in errors):
        raise ToolInputError(f"the DNS servers failed to answer for {name}", field)
    unexpected = [error for error in errors if not isinstance(error, dns.exception.DNSException)]
    if unexpected:
        raise unexpected[0]
    raise ToolInputError(f"{name} has no address (no A or AAAA record)", field)


async def checked_address(host: str, settings: Settings, *, field: str = "input") -> Address:
    """The one address to connect to for this host, resolved once and checked: every answer must pass
    (a name with one private answer among public ones is refused). IPv4 first, as not every server has IPv6."""
    parsed = parse_host(host, field=field)
    if not isinstance(parsed, str):
        return check_address(parsed, settings, field=field)
    addresses = await lookup(parsed, settings, field=field)
    for address in addresses:
        check_address(address, settings, field=field, name=parsed)
    return min(addresses, key=lambda address: address.version)


CONNECT_SECONDS = 5.0


def tls_client_context() -> ssl.SSLContext:
    """The context of a verified TLS connection: the system's trust store, the name checked (tests add their CA)."""
    return ssl.create_default_context()


async def connect_checked(
    host: str,
    port: int,
    settings: Settings,
    *,
    tls: ssl.SSLContext | None = None,
    field: str = "input",
    seconds: float = CONNECT_SECONDS,
    address: Address | None = None,
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter, Address]:
    """A connection to the checked address of host:port (TLS with SNI and verification against the name).

    Failures are ToolInputErrors naming the host: a refused connection is the target's answer, not an
    outage of this site (core/errors.py would take a bare ConnectionError for one). `address`: the one a first
    connection to this host used (checked again, not resolved again), for a second look at the same server."""
    if address is None:
        address = await checked_address(host, settings, field=field)
    else:
        check_address(address, settings, field=field)
    parsed = parse_host(host, field=field)
    name = parsed if isinstance(parsed, str) else str(address)
    where = f"{name}:{port}" if name == str(address) else f"{name}:{port} ({address})"
    try:
        async with asyncio.timeout(seconds):
            reader, writer = await asyncio.open_connection(
                str(address), port, ssl=tls, server_hostname=name if tls else None
            )
    except TimeoutError:
        raise ToolInputError(f"no connection to {where} within {seconds:g} s", field) from None
    except ssl.SSLCertVerificationError as error:
        reason = error.verify_message or str(error)
        raise CertificateNotTrusted(f"{where}: the certificate is not trusted: {reason}", field, reason) from None
    except ssl.SSLError as error:
        raise ToolInputError(f"{where}: the TLS handshake failed: {error.reason or error}", field) from None
    except OSError as error:
        reason = os.strerror(error.errno) if error.errno else str(error)
        raise ToolInputError(f"could not connect to {where}: {reason}", field) from None
    return reader, writer, address


async def close_connection(writer: asyncio.StreamWriter) -> None:
    """Close without waiting long for a peer that does not answer the close (a TLS close_notify)."""
    writer.close()
    with contextlib.suppress(OSError, TimeoutError):
        async with asyncio.timeout(1):
            await writer.wait_closed()
