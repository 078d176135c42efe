"""IP addresses in every notation (decimal, hex, binary, IPv4-mapped, reverse DNS), ranges to CIDRs, ULAs and MACs."""

from __future__ import annotations

import ipaddress
import re
import secrets
from ipaddress import IPv4Address, IPv6Address, IPv6Network
from typing import Literal

from pydantic import BaseModel, Field

from core.forms import ToolInputError
from core.netaddr import parse_ipv4
from core.operations import Operation
from core.registry import Tool

MODES = ("address", "range", "ula", "mac")
RANGE_SEPARATOR = re.compile(r"\s*(?:-|–|—|\s+to\s+)\s*")
MAC_SEPARATORS = re.compile(r"[\s:.\-]")
HEX12 = re.compile(r"[0-9a-fA-F]{12}")
# RFC 5737 and RFC 3849: addresses for examples, never routed.
DOCUMENTATION = tuple(
    ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")
)


class IpInput(BaseModel):
    mode: Literal[MODES] = Field(
        default="address",
        description="address: one address in every notation; range: start - end to CIDR blocks; ula: a new RFC 4193 "
        "IPv6 prefix (random); mac: a MAC address in every format, or a new random one when input is empty.",
    )
    input: str = Field(
        default="",
        max_length=200,
        title="Address, range or MAC",
        description="192.168.1.1, 2001:db8::1, 3232235777, 0xc0a80101; a range such as 10.0.0.5 - 10.0.0.20 or a "
        "CIDR; a MAC such as 00:1A:2B:3C:4D:5E (any separators). Not used for ula.",
    )


class AddressInfo(BaseModel):
    version: int
    compressed: str
    exploded: str
    decimal: str = Field(description="The address as one integer (a string: IPv6 needs up to 39 digits).")
    hex: str
    binary: str = Field(description="Bits in groups: 8 per octet (IPv4), 16 per group (IPv6).")
    ipv4_mapped: str | None = Field(
        description="IPv4: its IPv4-mapped IPv6 form (::ffff:a.b.c.d); IPv6: the IPv4 address it maps, when it is one."
    )
    reverse_dns: str = Field(description="The PTR name: d.c.b.a.in-addr.arpa or the nibbles under ip6.arpa.")
    kind: str = Field(
        description="What the address is for: global, private, loopback, link-local, multicast, documentation …"
    )


class RangeInfo(BaseModel):
    first: str
    last: str
    count: str = Field(description="How many addresses, first and last included (a string: IPv6 counts are large).")
    cidrs: list[str] = Field(description="The fewest CIDR blocks that cover exactly the range, in order.")


class UlaInfo(BaseModel):
    prefix: str = Field(description="fdXX:XXXX:XXXX::/48: fd, then a 40-bit random Global ID (RFC 4193 §3.2).")
    global_id: str
    first_subnet: str = Field(description="Its first /64 (subnet ID 0); 65,536 of them fit in the /48.")
    example_address: str


class MacInfo(BaseModel):
    colon: str
    dash: str
    dot: str = Field(description="Cisco style: three groups of four hex digits.")
    bare: str
    multicast: bool = Field(description="The I/G bit (bit 0 of the first octet): set for group addresses.")
    locally_administered: bool = Field(
        description="The U/L bit (bit 1 of the first octet): set when not from a vendor."
    )
    ipv6_link_local: str = Field(description="fe80:: with the modified EUI-64 interface ID (RFC 4291 Appendix A).")
    generated: bool


class IpOutput(BaseModel):
    mode: str
    result: str = Field(description="The address compressed, the CIDRs one per line, the ULA prefix or the MAC.")
    address: AddressInfo | None
    range: RangeInfo | None
    ula: UlaInfo | None
    mac: MacInfo | None


def read_address(text: str, field: str = "input") -> IPv4Address | IPv6Address:
    """An address in any usual notation: dotted or colon form, one integer (decimal, 0x hex, 0b binary), 127.1."""
    text = text.strip().strip("[]")
    if not text:
        raise ToolInputError("enter an address such as 192.168.1.1, 2001:db8::1 or 3232235777", field)
    try:
        # The zone of a scoped address (fe80::1%eth0) is not part of the address (and breaks `exploded`).
        return ipaddress.ip_address(text.partition("%")[0] if ":" in text else text)
    except ValueError:
        pass
    try:
        number = int(text, 0) if text[:2].lower() in ("0x", "0b", "0o") or text.isdigit() else None
    except ValueError:
        number = None
    if number is not None:
        if number < 2**32:
            return IPv4Address(number)
        if number < 2**128:
            return IPv6Address(number)
        raise ToolInputError(f"{text} is larger than any IPv6 address (2^128 - 1)", field)
    try:
        return parse_ipv4(text)  # 127.1, 0x7f.1, 0177.0.0.1: what inet_aton and browsers accept
    except (ValueError, IndexError):
        raise ToolInputError(f"'{text}' is not an IPv4 or IPv6 address", field) from None


def kind_of(address: IPv4Address | IPv6Address) -> str:
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return "ipv4-mapped"
    if any(address in network for network in DOCUMENTATION):
        return "documentation"
    for name in ("loopback", "multicast", "link_local", "unspecified", "reserved", "private"):
        if getattr(address, f"is_{name}"):
            return name.replace("_", "-")
    return "global" if address.is_global else "special-purpose"


def describe_address(address: IPv4Address | IPv6Address) -> AddressInfo:
    bits = address.max_prefixlen
    group = 8 if bits == 32 else 16
    binary = format(int(address), f"0{bits}b")
    mapped = None
    if isinstance(address, IPv4Address):
        mapped = f"::ffff:{address}"
    elif address.ipv4_mapped is not None:
        mapped = str(address.ipv4_mapped)
    return AddressInfo(
        version=address.version,
        compressed=address.compressed,
        exploded=address.exploded,
        decimal=str(int(address)),
        hex=f"0x{int(address):0{bits // 4}x}",
        binary=("." if bits == 32 else ":").join(binary[i : i + group] for i in range(0, bits, group)),
        ipv4_mapped=mapped,
        reverse_dns=address.reverse_pointer,
        kind=kind_of(address),
    )


def expand_range(text: str) -> RangeInfo:
    if "/" in text:
        try:
            network = ipaddress.ip_network(text.strip(), strict=False)
        except ValueError as exc:
            raise ToolInputError(f"'{text.strip()}' is not a network: {exc}") from None
        first, last = network.network_address, network.broadcast_address
    else:
        ends = RANGE_SEPARATOR.split(text.strip())
        if len(ends) != 2:
            raise ToolInputError("write a range as start - end, e.g. 10.0.0.5 - 10.0.0.20 (or a CIDR)")
        first, last = read_address(ends[0]), read_address(ends[1])
    if first.version != last.version:
        raise ToolInputError("a range's start and end must both be IPv4 or both IPv6")
    if last < first:
        raise ToolInputError(f"the range ends ({last}) before it starts ({first})")
    cidrs = [str(network) for network in ipaddress.summarize_address_range(first, last)]
    return RangeInfo(first=str(first), last=str(last), count=str(int(last) - int(first) + 1), cidrs=cidrs)


def new_ula() -> UlaInfo:
    """RFC 4193 §3.2: fd00::/8 with L = 1, then a 40-bit pseudo-random Global ID."""
    global_id = secrets.randbits(40)
    prefix = IPv6Network(((0xFD << 120) | (global_id << 80), 48))
    return UlaInfo(
        prefix=str(prefix),
        global_id=f"{global_id:010x}",
        first_subnet=str(IPv6Network((prefix.network_address, 64))),
        example_address=str(prefix.network_address + 1),
    )


def describe_mac(text: str) -> MacInfo:
    generated = not text.strip()
    if generated:
        octets = bytearray(secrets.token_bytes(6))
        octets[0] = (octets[0] | 0x02) & ~0x01  # locally administered, unicast (IEEE 802 U/L and I/G bits)
        digits = octets.hex()
    else:
        digits = MAC_SEPARATORS.sub("", text)
        if not HEX12.fullmatch(digits):
            raise ToolInputError(
                f"'{text.strip()}' is not a MAC address: 12 hex digits, e.g. 00:1A:2B:3C:4D:5E or 001a.2b3c.4d5e"
            )
        digits = digits.lower()
    pairs = [digits[i : i + 2] for i in range(0, 12, 2)]
    first = int(pairs[0], 16)
    interface = f"{first ^ 0x02:02x}{pairs[1]}{pairs[2]}fffe{pairs[3]}{pairs[4]}{pairs[5]}"
    link_local = IPv6Address(int("fe80" + "0" * 12 + interface, 16))
    return MacInfo(
        colon=":".join(pairs),
        dash="-".join(pairs).upper(),
        dot=".".join(digits[i : i + 4] for i in range(0, 12, 4)),
        bare=digits,
        multicast=bool(first & 0x01),
        locally_administered=bool(first & 0x02),
        ipv6_link_local=str(link_local),
        generated=generated,
    )


def run(data: IpInput) -> IpOutput:
    """Convert an address, expand a range to CIDRs, make an IPv6 ULA prefix, or format or make a MAC address."""
    output = IpOutput(mode=data.mode, result="", address=None, range=None, ula=None, mac=None)
    if data.mode == "address":
        output.address = describe_address(read_address(data.input))
        output.result = output.address.compressed
    elif data.mode == "range":
        output.range = expand_range(data.input)
        output.result = "\n".join(output.range.cidrs)
    elif data.mode == "ula":
        output.ula = new_ula()
        output.result = output.ula.prefix
    else:
        output.mac = describe_mac(data.input)
        output.result = output.mac.colon
    return output


def page_context(form, result: IpOutput | None) -> dict:
    # A generated prefix or MAC is new on every view: a link would not show the same one.
    random = result is not None and (result.ula or (result.mac and result.mac.generated))
    return {"share": None} if random else {}


TOOL = Tool(
    slug="ip",
    title="IP and MAC addresses",
    category="Network",
    icon="ethernet-port",
    keywords=("ipv4", "ipv6", "decimal", "reverse dns", "ptr", "range", "ula", "rfc 4193", "mac", "eui-64"),
    examples=(
        ("192.168.1.1 in every notation", {"mode": "address", "input": "192.168.1.1"}),
        ("Range to CIDRs", {"mode": "range", "input": "10.0.0.5 - 10.0.0.20"}),
        ("New IPv6 ULA prefix", {"mode": "ula"}),
        ("Format a MAC address", {"mode": "mac", "input": "001A.2B3C.4D5E"}),
    ),
    operations=(
        Operation(
            IpInput,
            run,
            IpOutput,
            context=page_context,
            # An emptied address or range is a blank form (an empty MAC field makes a new MAC).
            ready=lambda data: data.mode in ("ula", "mac") or bool(data.input.strip()),
        ),
    ),
)
