"""IPv4 and IPv6 subnet calculator: masks, host range and count, membership, and splitting into subnets."""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator

from core.operations import Operation
from core.registry import Tool
from core.render import share_url
from tools.subnet.calc import MAX_SPLIT_ROWS, SubnetResult, calculate

MAX_SPLIT = 2**32


class SubnetInput(BaseModel):
    input: str = Field(
        max_length=100,
        description="A network: CIDR (192.168.1.0/24, 2001:db8::/32), address and netmask (10.0.0.0/255.0.0.0), "
        "or a single address. Host bits may be set (192.168.1.5/24).",
    )
    contains: str = Field(
        default="",
        max_length=100,
        description="Optional: an address (or a network, with '/') to test for membership.",
    )
    split: int | None = Field(
        default=None,
        ge=1,
        le=MAX_SPLIT,
        description=f"Optional: split into this many equal subnets (rounded up to a power of two; the first "
        f"{MAX_SPLIT_ROWS} are listed).",
    )

    split_prefix: int | None = Field(
        default=None,
        ge=0,
        le=128,
        description=f"Optional: split into every subnet of this prefix length (26: a /24 becomes 4 × /26; the "
        f"first {MAX_SPLIT_ROWS} are listed). Not together with split.",
    )

    @field_validator("split", "split_prefix", mode="before")
    @classmethod
    def blank_is_none(cls, value):
        # An empty form field means "no split"; a prefix may be written /26.
        if isinstance(value, str):
            value = value.strip().removeprefix("/")
            return value or None
        return value


def run(data: SubnetInput) -> SubnetResult:
    return calculate(data.input, data.contains, data.split, data.split_prefix)


def summary(result: SubnetResult) -> str:
    """One line: "192.168.1.0/24: 192.168.1.1 - 192.168.1.254, 254 hosts"."""
    return f"{result.network}: {result.first_host} - {result.last_host}, {result.host_count} hosts"


def page_context(form, result: SubnetResult | None) -> dict:
    # The link leaves out the optional fields left empty.
    shared = {name: value for name, value in form.values.items() if value}
    return {"max_rows": MAX_SPLIT_ROWS, "share": share_url(TOOL.page_url, shared) if result else None}


TOOL = Tool(
    slug="subnet",
    title="Subnet calculator",
    category="Network",
    icon="network",
    keywords=("cidr", "ip", "ipv4", "ipv6", "netmask", "wildcard", "broadcast", "prefix", "network", "rfc 1918"),
    examples=(
        ("Home network /24", {"input": "192.168.1.10/24", "contains": "192.168.1.200"}),
        ("Split 10.0.0.0/16 in 4", {"input": "10.0.0.0/16", "split": "4"}),
        ("Netmask, split into /26", {"input": "192.168.1.0/255.255.255.0", "split_prefix": "26"}),
        ("IPv6 documentation prefix", {"input": "2001:db8::/32", "contains": "2001:db8:1::1"}),
    ),
    operations=(
        Operation(
            SubnetInput,
            run,
            SubnetResult,
            primary=summary,
            summary="Describe an IPv4 or IPv6 network; optionally test an address and split it into subnets.",
            context=page_context,
        ),
    ),
)
