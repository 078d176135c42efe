"""Host names and addresses in one canonical form: for comparing hosts (own-site checks, SSRF guards) and
for keying per-address rate limits."""

from __future__ import annotations

import re
from ipaddress import IPv4Address, IPv6Address, IPv6Network, ip_address
from urllib.parse import unquote

IPV6_PREFIX = 64  # one subscriber gets a /64 (RFC 6177): rotating inside it must not reset a limit
DIGITS = re.compile(r"[0-9]+")
HEX_NUMBER = re.compile(r"0[xX][0-9a-fA-F]*")


def parse_ipv4_number(part: str) -> int | None:
    """One dotted part as browsers read it: 0x… hexadecimal, a leading 0 octal, else decimal; None if none."""
    if HEX_NUMBER.fullmatch(part):
        return int(part[2:] or "0", 16)
    if not DIGITS.fullmatch(part):
        return None
    if len(part) > 1 and part.startswith("0"):
        return int(part, 8) if set(part) <= set("01234567") else None
    return int(part)


def ends_in_a_number(host: str) -> bool:
    """WHATWG URL: a host whose last label is numeric must parse as IPv4 (or is invalid)."""
    parts = host.split(".")
    if parts[-1] == "" and len(parts) > 1:
        parts.pop()
    return bool(DIGITS.fullmatch(parts[-1]) or HEX_NUMBER.fullmatch(parts[-1]))


def parse_ipv4(host: str) -> IPv4Address:
    """inet_aton-style IPv4 (what browsers accept): 127.1, 0x7f000001, 2130706433, 0177.0.0.1, 127.0.0.1."""
    parts = host.split(".")
    if parts[-1] == "" and len(parts) > 1:
        parts.pop()  # one trailing dot
    numbers = [parse_ipv4_number(part) for part in parts]
    if len(numbers) > 4 or any(number is None for number in numbers):
        raise ValueError(f"{host!r} is not a valid IPv4 address")
    *leading, last = numbers
    if any(number > 255 for number in leading) or last >= 256 ** (5 - len(numbers)):
        raise ValueError(f"{host!r} is not a valid IPv4 address")
    value = last
    for index, number in enumerate(leading):
        value += number << (8 * (3 - index))
    return IPv4Address(value)


def unmap(address: IPv4Address | IPv6Address) -> IPv4Address | IPv6Address:
    """::ffff:1.2.3.4 is 1.2.3.4: the same host reached over an IPv6 socket."""
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def normalize_host(host: str) -> str | IPv4Address | IPv6Address:
    """The host as one canonical value: an address for any IP spelling, else the lowercase ASCII name
    without its trailing dot. Raises ValueError for a host no browser would accept."""
    host = unquote(host.strip())
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
        if "%" in host:
            raise ValueError("an IPv6 host with a zone id is not accepted")
        return unmap(IPv6Address(host))
    if ":" in host:  # urlsplit().hostname drops the brackets of an IPv6 host
        return unmap(IPv6Address(host))
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")  # also maps full-width digits and dots
        except UnicodeError:
            raise ValueError(f"{host!r} is not a valid host name") from None
    host = host.lower()
    if not host or host == ".":
        raise ValueError("the host is empty")
    if ends_in_a_number(host):
        return parse_ipv4(host)
    return host[:-1] if host.endswith(".") else host


def ip_key(address: str | IPv4Address | IPv6Address) -> str:
    """The rate-limit subject for a client address: IPv4 as is (mapped IPv6 unmapped), IPv6 by its /64."""
    if isinstance(address, str):
        try:
            address = ip_address(address.strip().strip("[]"))
        except ValueError:
            return address  # not an address (e.g. a unix socket's name): count it as given
    address = unmap(address)
    if isinstance(address, IPv6Address):
        return str(IPv6Network((address, IPV6_PREFIX), strict=False))
    return str(address)
