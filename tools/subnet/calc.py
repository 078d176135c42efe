"""IPv4 and IPv6 subnet arithmetic on the standard library's ipaddress module (no Quart here)."""

from __future__ import annotations

import ipaddress
import re
from itertools import islice

from pydantic import BaseModel, Field

from core.forms import ToolInputError

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

MAX_SPLIT_ROWS = 256
_ADDRESS_CHARACTERS = re.compile(r"[0-9A-Fa-f.:]+")

# IANA IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890 and the RFCs each entry names), plus the
# multicast and reserved blocks that the registries leave to other RFCs. The most specific match is shown.
SPECIAL_BLOCKS: tuple[tuple[str, str, str], ...] = (
    ("0.0.0.0/8", "“This network”", "RFC 791 §3.2"),
    ("0.0.0.0/32", "“This host on this network”", "RFC 1122 §3.2.1.3"),
    ("10.0.0.0/8", "Private-Use", "RFC 1918"),
    ("100.64.0.0/10", "Shared Address Space (carrier-grade NAT)", "RFC 6598"),
    ("127.0.0.0/8", "Loopback", "RFC 1122 §3.2.1.3"),
    ("169.254.0.0/16", "Link Local", "RFC 3927"),
    ("172.16.0.0/12", "Private-Use", "RFC 1918"),
    ("192.0.0.0/24", "IETF Protocol Assignments", "RFC 6890"),
    ("192.0.2.0/24", "Documentation (TEST-NET-1)", "RFC 5737"),
    ("192.88.99.0/24", "Deprecated (6to4 Relay Anycast)", "RFC 7526"),
    ("192.168.0.0/16", "Private-Use", "RFC 1918"),
    ("198.18.0.0/15", "Benchmarking", "RFC 2544"),
    ("198.51.100.0/24", "Documentation (TEST-NET-2)", "RFC 5737"),
    ("203.0.113.0/24", "Documentation (TEST-NET-3)", "RFC 5737"),
    ("224.0.0.0/4", "Multicast", "RFC 5771"),
    ("240.0.0.0/4", "Reserved for future use", "RFC 1112 §4"),
    ("255.255.255.255/32", "Limited Broadcast", "RFC 919 §7"),
    ("::/128", "Unspecified Address", "RFC 4291 §2.5.2"),
    ("::1/128", "Loopback Address", "RFC 4291 §2.5.3"),
    ("::ffff:0:0/96", "IPv4-mapped Address", "RFC 4291 §2.5.5.2"),
    ("64:ff9b::/96", "IPv4-IPv6 Translation", "RFC 6052"),
    ("64:ff9b:1::/48", "Local-use IPv4/IPv6 Translation", "RFC 8215"),
    ("100::/64", "Discard-Only Address Block", "RFC 6666"),
    ("2001::/23", "IETF Protocol Assignments", "RFC 2928"),
    ("2001::/32", "TEREDO", "RFC 4380"),
    ("2001:2::/48", "Benchmarking", "RFC 5180"),
    ("2001:20::/28", "ORCHIDv2", "RFC 7343"),
    ("2001:db8::/32", "Documentation", "RFC 3849"),
    ("2002::/16", "6to4", "RFC 3056"),
    ("3fff::/20", "Documentation", "RFC 9637"),
    ("fc00::/7", "Unique-Local", "RFC 4193"),
    ("fe80::/10", "Link-Local Unicast", "RFC 4291 §2.5.6"),
    ("fec0::/10", "Site-Local (deprecated)", "RFC 3879"),
    ("ff00::/8", "Multicast", "RFC 4291 §2.7"),
)
_SPECIAL = tuple((ipaddress.ip_network(block), name, ref) for block, name, ref in SPECIAL_BLOCKS)
# Historic classful addressing: RFC 791 §3.2 (classes A, B, C) and RFC 1112 §4 (D, E): (class, first octet, bits).
CLASSES = (("A", 0, 1), ("B", 128, 2), ("C", 192, 3), ("D", 224, 4), ("E", 240, 4))


class SpecialBlock(BaseModel):
    block: str
    name: str
    reference: str


class Membership(BaseModel):
    address: str = Field(description="The address or network that was checked.")
    belongs: bool
    note: str | None = None


class SubnetRow(BaseModel):
    network: str
    first_host: str
    last_host: str
    broadcast: str | None


class Split(BaseModel):
    requested: int | None = Field(description="The number of subnets asked for; null when split by prefix length.")
    count: int = Field(description="The number made: the request rounded up to a power of two.")
    prefix_length: int
    hosts_each: int = Field(description="Usable host addresses in each subnet.")
    subnets: list[SubnetRow] = Field(description=f"The first {MAX_SPLIT_ROWS} subnets at most.")
    last: SubnetRow | None = Field(description="The last subnet, when the list stops before it.")


class SubnetResult(BaseModel):
    note: str | None = Field(description="How the input was read, e.g. host bits set or a single address.")
    version: int
    network: str = Field(description="The network in CIDR notation.")
    network_address: str
    prefix_length: int
    netmask: str
    wildcard: str | None = Field(description="Inverse mask (IPv4 only).")
    broadcast: str | None = Field(description="IPv4 only; none on a /31 or /32 (RFC 3021).")
    first_host: str
    last_host: str
    address_count: int = Field(description="Every address in the network (exact).")
    host_count: int = Field(description="Usable host addresses (exact).")
    host_note: str
    address_class: str | None = Field(description="Historic IPv4 class (A-E), when the network fits in one.")
    special: SpecialBlock | None = Field(description="The IANA special-purpose block holding the network.")
    flags: dict[str, bool] = Field(description="The ipaddress module's is_private, is_global, ... properties.")
    contains: Membership | None = None
    split: Split | None = None


def parse_address(text: str, field: str) -> Address:
    """One IPv4 or IPv6 address, with the ipaddress module's reason when it is not one."""
    if "%" in text:
        raise ToolInputError(f"'{text}' has a zone index (after '%'): leave it out", field)
    if not _ADDRESS_CHARACTERS.fullmatch(text):
        raise ToolInputError(f"'{text}' is not an IPv4 or IPv6 address", field)
    kind = ipaddress.IPv6Address if ":" in text else ipaddress.IPv4Address
    try:
        return kind(text)
    except ValueError as exc:
        version = 4 if kind is ipaddress.IPv4Address else 6
        raise ToolInputError(f"'{text}' is not a valid IPv{version} address: {exc}", field) from None


def parse_network(text: str, field: str = "input") -> tuple[Network, str | None]:
    """A network from CIDR, address + netmask, or a single address; host bits are allowed (with a note)."""
    raw = text.strip()
    if not raw:
        raise ToolInputError("enter a network such as 192.168.1.0/24 or 2001:db8::/32", field)
    pieces = raw.split()
    if len(pieces) == 2 and "/" not in raw:
        raw = "/".join(pieces)  # "192.168.1.0 255.255.255.0"
    elif len(pieces) > 1:
        raise ToolInputError(f"unexpected space in '{raw}': write the network as address/prefix", field)
    address_text, slash, prefix_text = raw.partition("/")
    address = parse_address(address_text, field)
    top = address.max_prefixlen
    if not slash:
        network = ipaddress.ip_network(address)
        return network, f"a single address: read as {network} (one address)"
    if not prefix_text:
        raise ToolInputError(f"nothing after the '/': add a prefix length from 0 to {top}, e.g. /24", field)
    if prefix_text.isascii() and prefix_text.isdigit():
        prefix = int(prefix_text)
        if prefix > top:
            raise ToolInputError(
                f"prefix length /{prefix} is too long: IPv{address.version} allows /0 to /{top}", field
            )
    elif address.version == 4 and prefix_text.count(".") == 3:
        try:
            prefix = ipaddress.IPv4Network(f"0.0.0.0/{prefix_text}").prefixlen
        except ValueError:
            raise ToolInputError(
                f"'{prefix_text}' is not a netmask (contiguous ones, e.g. 255.255.255.0) or a wildcard mask", field
            ) from None
    else:
        raise ToolInputError(
            f"'{prefix_text}' after the '/' is not a prefix length (0 to {top})"
            + (" or a netmask" if address.version == 4 else ""),
            field,
        )
    network = ipaddress.ip_network((address, prefix), strict=False)
    if network.network_address != address:
        return network, (
            f"host bits set: {address}/{prefix} is an address inside the network {network}; the network is shown"
        )
    return network, None


def host_range(network: Network) -> tuple[Address, Address, int, Address | None, str]:
    """First and last usable host, their count, the broadcast address (IPv4), and why."""
    size = network.num_addresses
    spare = network.max_prefixlen - network.prefixlen
    if spare == 0:
        return network[0], network[0], 1, None, "a single address (a host route)"
    if spare == 1:
        rfc = "RFC 3021" if network.version == 4 else "RFC 6164"
        return network[0], network[1], 2, None, f"a point-to-point link ({rfc}): both addresses are hosts"
    if network.version == 4:
        return network[1], network[-2], size - 2, network[-1], "the network and broadcast addresses are not hosts"
    return (
        network[1],
        network[-1],
        size - 1,
        None,
        "the first address is the Subnet-Router anycast address (RFC 4291 §2.6.1); IPv6 has no broadcast",
    )


def address_class(network: Network) -> str | None:
    """The historic class, when the whole network lies in one class."""
    if network.version != 4:
        return None
    first_octet = int(network.network_address) >> 24
    for name, start, bits in reversed(CLASSES):
        if first_octet >= start:
            return name if network.prefixlen >= bits else None
    return None


def special_block(network: Network) -> SpecialBlock | None:
    """The most specific special-purpose block that contains the network."""
    holders = [
        (block, name, ref)
        for block, name, ref in _SPECIAL
        if block.version == network.version and network.subnet_of(block)
    ]
    if not holders:
        return None
    block, name, ref = max(holders, key=lambda h: h[0].prefixlen)
    return SpecialBlock(block=str(block), name=name, reference=ref)


def flags(network: Network) -> dict[str, bool]:
    names = ["private", "global", "reserved", "loopback", "link_local", "multicast", "unspecified"]
    if network.version == 6:
        names.append("site_local")
    return {name: bool(getattr(network, f"is_{name}")) for name in names}


def membership(network: Network, text: str) -> Membership:
    """Whether an address (or a whole network, given with '/') lies inside the network."""
    wanted = text.strip()
    if "/" in wanted:
        other, _ = parse_network(wanted, "contains")
        shown = str(other)
        inside = other.version == network.version and other.subnet_of(network)
    else:
        address = parse_address(wanted, "contains")
        shown = str(address)
        inside = address.version == network.version and address in network
        other = address
    note = None
    if other.version != network.version:
        note = f"an IPv{other.version} address is never inside an IPv{network.version} network"
    return Membership(address=shown, belongs=inside, note=note)


def subnet_row(network: Network) -> SubnetRow:
    first, last, _, broadcast, _ = host_range(network)
    return SubnetRow(
        network=str(network),
        first_host=str(first),
        last_host=str(last),
        broadcast=str(broadcast) if broadcast else None,
    )


def split(network: Network, requested: int) -> Split:
    """Split into `requested` equal subnets, rounded up to a power of two; lists the first MAX_SPLIT_ROWS."""
    bits = (requested - 1).bit_length()
    prefix = network.prefixlen + bits
    if prefix > network.max_prefixlen:
        most = 2 ** (network.max_prefixlen - network.prefixlen)
        raise ToolInputError(
            f"a /{network.prefixlen} cannot be split into {requested} subnets: that needs /{prefix}, longer than "
            f"/{network.max_prefixlen}; the most is {most}",
            "split",
        )
    return subnets_of(network, prefix, requested)


def split_by_prefix(network: Network, prefix: int) -> Split:
    """Split into every subnet of the given prefix length (/26 of a /24: 4 subnets); lists the first MAX_SPLIT_ROWS."""
    top, own = network.max_prefixlen, network.prefixlen
    if prefix > top:
        raise ToolInputError(
            f"/{prefix} is longer than /{top}, the longest IPv{network.version} prefix", "split_prefix"
        )
    if prefix < own:
        raise ToolInputError(
            f"/{prefix} is shorter than the network's own /{own}: its subnets have a prefix from /{own} to /{top}",
            "split_prefix",
        )
    return subnets_of(network, prefix, None)


def subnets_of(network: Network, prefix: int, requested: int | None) -> Split:
    """The 2^(prefix - network prefix) subnets of that length: the first MAX_SPLIT_ROWS, and the last one."""
    count = 2 ** (prefix - network.prefixlen)
    rows = [subnet_row(s) for s in islice(network.subnets(new_prefix=prefix), MAX_SPLIT_ROWS)]
    last = None
    if count > MAX_SPLIT_ROWS:
        size = 2 ** (network.max_prefixlen - prefix)
        last_start = network.network_address + (count - 1) * size
        last = subnet_row(ipaddress.ip_network((last_start, prefix)))
    first = ipaddress.ip_network((network.network_address, prefix))
    return Split(
        requested=requested,
        count=count,
        prefix_length=prefix,
        hosts_each=host_range(first)[2],
        subnets=rows,
        last=last,
    )


def split_of(network: Network, split_into: int | None, split_prefix: int | None) -> Split | None:
    """The split asked for: by a count or by a prefix length (not both), or none."""
    if split_into and split_prefix is not None:
        raise ToolInputError(
            "give either split (a number of subnets) or split_prefix (their prefix length), not both", "split_prefix"
        )
    if split_prefix is not None:
        return split_by_prefix(network, split_prefix)
    return split(network, split_into) if split_into else None


def calculate(
    text: str, contains: str = "", split_into: int | None = None, split_prefix: int | None = None
) -> SubnetResult:
    """Everything about the network in `text`; raises ToolInputError naming the field at fault."""
    network, note = parse_network(text)
    first, last, hosts, broadcast, host_note = host_range(network)
    return SubnetResult(
        note=note,
        version=network.version,
        network=str(network),
        network_address=str(network.network_address),
        prefix_length=network.prefixlen,
        netmask=str(network.netmask),
        wildcard=str(network.hostmask) if network.version == 4 else None,
        broadcast=str(broadcast) if broadcast else None,
        first_host=str(first),
        last_host=str(last),
        address_count=network.num_addresses,
        host_count=hosts,
        host_note=host_note,
        address_class=address_class(network),
        special=special_block(network),
        flags=flags(network),
        contains=membership(network, contains) if contains.strip() else None,
        split=split_of(network, split_into, split_prefix),
    )
