"""Generate and decode UUIDs (RFC 9562) and ULIDs: pure functions, no web framework."""

from __future__ import annotations

import re
import secrets
import uuid

import ulid
import uuid_utils
from pydantic import BaseModel, Field

from core.forms import ToolInputError

MAX_COUNT = 1000
# 100-ns intervals from the Gregorian epoch (1582-10-15T00:00:00Z) to the Unix epoch (RFC 9562, section 5.1).
GREGORIAN_TO_UNIX_100NS = 0x01B21DD213814000
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CROCKFORD_CHARACTERS = frozenset(CROCKFORD + CROCKFORD.lower())  # ULIDs are case-insensitive
HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
HYPHEN_POSITIONS = (8, 13, 18, 23)  # 8-4-4-4-12 (RFC 9562, section 4)

VERSION_NAMES = {
    1: "Gregorian time-based",
    2: "DCE Security",
    3: "name-based (MD5)",
    4: "random",
    5: "name-based (SHA-1)",
    6: "reordered Gregorian time-based",
    7: "Unix Epoch time-based",
    8: "custom (vendor-specific)",
}
UNIT_GREGORIAN = "100-ns intervals since 1582-10-15T00:00:00Z"
UNIT_UNIX_MS = "milliseconds since 1970-01-01T00:00:00Z"


class Decoded(BaseModel):
    kind: str = Field(description="uuid or ulid.")
    canonical: str = Field(description="Canonical text: lowercase 8-4-4-4-12 for a UUID, 26 uppercase for a ULID.")
    hex: str = Field(description="The 128 bits as 32 lowercase hex digits.")
    integer: str = Field(description="The 128 bits as a decimal integer (a string: JSON numbers lose precision).")
    version: int | None = Field(description="The version field of an RFC 9562 UUID; null for ULIDs and other variants.")
    version_name: str = Field(description="What the version means, or 'Nil UUID', 'Max UUID', 'ULID'.")
    variant: str | None = Field(description="The variant (RFC 9562, section 4.1); null for a ULID.")
    timestamp: str | None = Field(description="Embedded time, UTC ISO 8601 (v1, v6, v7, ULID).")
    timestamp_raw: int | None = Field(description="The embedded time as stored, in timestamp_unit.")
    timestamp_unit: str | None
    clock_sequence: int | None = Field(description="The 14-bit clock sequence of a v1 or v6 UUID.")
    node: str | None = Field(description="The 48-bit node of a v1 or v6 UUID, as colon-separated hex.")
    node_multicast: bool | None = Field(
        description="True when the node's multicast bit is set: a random node, not a MAC address (RFC 9562, 6.10)."
    )
    equivalent: str = Field(description="The same 128 bits in the other notation: ULID for a UUID, UUID for a ULID.")


# --- generation -------------------------------------------------------------------------------------


def random_node() -> int:
    """A random 48-bit node with the multicast bit set, so it cannot be a real MAC (RFC 9562, section 6.10)."""
    return secrets.randbits(48) | (1 << 40)


def raw_values(version: str, count: int) -> list[str]:
    """`count` new identifiers of one kind, in canonical form, in generation order."""
    if version == "ulid":
        # A generator of our own: monotonic within this call, independent of other requests.
        generator = ulid.ULIDGenerator()
        return [str(generator.generate()) for _ in range(count)]
    if version == "v7":
        # uuid-utils keeps v7 values monotonic within a millisecond (a counter in rand_a, RFC 9562, 6.2).
        return [str(uuid_utils.uuid7()) for _ in range(count)]
    if version == "v1":
        node = random_node()  # never the server's MAC address
        return [str(uuid_utils.uuid1(node=node)) for _ in range(count)]
    return [str(uuid.uuid4()) for _ in range(count)]


def generate(version: str = "v4", count: int = 1, case: str = "canonical", hyphens: bool = True) -> list[str]:
    """New UUIDs (v1, v4, v7) or ULIDs; case lower/upper/canonical, hyphens only apply to UUIDs."""
    if not 1 <= count <= MAX_COUNT:
        raise ToolInputError(f"count must be between 1 and {MAX_COUNT}", "count")
    values = raw_values(version, count)
    if version != "ulid" and not hyphens:
        values = [v.replace("-", "") for v in values]
    if case == "upper":
        return [v.upper() for v in values]
    if case == "lower":
        return [v.lower() for v in values]
    return values  # canonical: lowercase UUIDs (RFC 9562, section 4), uppercase ULIDs (ULID spec)


# --- time -------------------------------------------------------------------------------------------


def civil_from_days(days: int) -> tuple[int, int, int]:
    """(year, month, day) of a day count since 1970-01-01 (H. Hinnant's algorithm; any year, unlike datetime)."""
    days += 719468
    era = days // 146097
    day_of_era = days - era * 146097
    year_of_era = (day_of_era - day_of_era // 1460 + day_of_era // 36524 - day_of_era // 146096) // 365
    day_of_year = day_of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    shifted_month = (5 * day_of_year + 2) // 153
    day = day_of_year - (153 * shifted_month + 2) // 5 + 1
    month = shifted_month + 3 if shifted_month < 10 else shifted_month - 9
    return year_of_era + era * 400 + (month <= 2), month, day


def iso_utc(units: int, per_second: int) -> str:
    """A time `units` (of 1/per_second s) after the Unix epoch as ISO 8601 UTC; exact, trailing zeros dropped."""
    seconds, fraction = divmod(units, per_second)
    days, second_of_day = divmod(seconds, 86400)
    year, month, day = civil_from_days(days)
    hours, rest = divmod(second_of_day, 3600)
    minutes, secs = divmod(rest, 60)
    digits = len(str(per_second)) - 1
    fraction_text = f"{fraction:0{digits}d}".rstrip("0") if digits else ""
    year_text = f"{year:04d}" if year <= 9999 else f"+{year}"  # ISO 8601 expanded year after 9999
    return (
        f"{year_text}-{month:02d}-{day:02d}T{hours:02d}:{minutes:02d}:{secs:02d}"
        + (f".{fraction_text}" if fraction_text else "")
        + "Z"
    )


def gregorian_iso(ticks: int) -> str:
    """A v1/v6 timestamp (100-ns intervals since 1582-10-15) as ISO 8601 UTC."""
    return iso_utc(ticks - GREGORIAN_TO_UNIX_100NS, 10_000_000)


def unix_ms_iso(milliseconds: int) -> str:
    return iso_utc(milliseconds, 1000)


# --- parsing ----------------------------------------------------------------------------------------


def describe(char: str) -> str:
    return f"'{char}'" if char.isprintable() and not char.isspace() else f"U+{ord(char):04X}"


def at(position: int) -> str:
    return f"at position {position + 1} (counting from 1)"


def check_ulid_text(text: str, offset: int) -> None:
    """Refuse characters outside Crockford's base32 and values above 2^128 - 1, naming the place."""
    for index, char in enumerate(text):
        if char not in CROCKFORD_CHARACTERS:
            hint = " (Crockford's base32 leaves out I, L, O and U)" if char in "ILOUilou" else ""
            raise ToolInputError(
                f"invalid character {describe(char)} {at(offset + index)}: a ULID uses only 0-9 and A-Z{hint}"
            )
    if CROCKFORD.index(text[0].upper()) > 7:
        raise ToolInputError(
            f"{describe(text[0])} {at(offset)} is too large: a ULID holds 128 bits, so its first character is "
            "0-7 (the largest ULID is 7ZZZZZZZZZZZZZZZZZZZZZZZZZ)"
        )


def strip_uuid_wrapping(text: str, offset: int) -> tuple[str, int]:
    """Remove a urn:uuid: prefix or {braces}, keeping track of where the rest starts."""
    if text[:9].lower() == "urn:uuid:":
        return text[9:], offset + 9
    if text.startswith("{") and text.endswith("}"):
        return text[1:-1], offset + 1
    return text, offset


def check_uuid_text(text: str, offset: int) -> None:
    """Accept 32 hex digits, or 36 characters with hyphens at the 8-4-4-4-12 places; say where it is wrong."""
    hyphenated = len(text) == 36
    for index, char in enumerate(text):
        if hyphenated and index in HYPHEN_POSITIONS:
            if char != "-":
                raise ToolInputError(
                    f"expected '-' {at(offset + index)}, found {describe(char)}: "
                    "a UUID is written 8-4-4-4-12 hex digits"
                )
        elif char not in HEX_DIGITS:
            where = "where a hex digit belongs" if char == "-" else "a UUID uses only 0-9, a-f and hyphens"
            raise ToolInputError(f"invalid character {describe(char)} {at(offset + index)}: {where}")


def variant_of(value: int) -> str:
    """The variant from the top bits of octet 8 (RFC 9562, section 4.1, table 1)."""
    octet = (value >> 56) & 0xFF
    if octet >> 7 == 0b0:
        return "NCS (reserved)"
    if octet >> 6 == 0b10:
        return "RFC 9562"
    if octet >> 5 == 0b110:
        return "Microsoft (reserved)"
    return "reserved for future definition"


def decode_uuid(parsed: uuid.UUID) -> Decoded:
    value = parsed.int
    variant = variant_of(value)
    version = (value >> 76) & 0xF if variant == "RFC 9562" else None
    fields: dict = {}
    if value == 0:
        name = "Nil UUID"
    elif value == (1 << 128) - 1:
        name = "Max UUID"
    elif version is None:
        name = f"not an RFC 9562 UUID ({variant} variant)"
    else:
        name = VERSION_NAMES.get(version, "not defined by RFC 9562")
    if version in (1, 6):
        if version == 1:  # time_low (32) | time_mid (16) | version | time_high (12)
            ticks = ((value >> 64) & 0x0FFF) << 48 | ((value >> 80) & 0xFFFF) << 32 | value >> 96
        else:  # time_high (32) | time_mid (16) | version | time_low (12) (RFC 9562, section 5.6)
            ticks = (value >> 96) << 28 | ((value >> 80) & 0xFFFF) << 12 | (value >> 64) & 0x0FFF
        node = value & 0xFFFFFFFFFFFF
        fields = {
            "timestamp": gregorian_iso(ticks),
            "timestamp_raw": ticks,
            "timestamp_unit": UNIT_GREGORIAN,
            "clock_sequence": (value >> 48) & 0x3FFF,
            "node": ":".join(f"{b:02x}" for b in node.to_bytes(6, "big")),
            "node_multicast": bool(node >> 40 & 1),
        }
    elif version == 7:
        milliseconds = value >> 80  # unix_ts_ms, the first 48 bits (RFC 9562, section 5.7)
        fields = {"timestamp": unix_ms_iso(milliseconds), "timestamp_raw": milliseconds, "timestamp_unit": UNIT_UNIX_MS}
    return Decoded(
        kind="uuid",
        canonical=str(parsed),
        hex=parsed.hex,
        integer=str(value),
        version=version,
        version_name=name,
        variant=variant,
        timestamp=fields.get("timestamp"),
        timestamp_raw=fields.get("timestamp_raw"),
        timestamp_unit=fields.get("timestamp_unit"),
        clock_sequence=fields.get("clock_sequence"),
        node=fields.get("node"),
        node_multicast=fields.get("node_multicast"),
        equivalent=str(ulid.ULID.from_bytes(parsed.bytes)),
    )


def decode_ulid(text: str) -> Decoded:
    parsed = ulid.ULID.from_str(text.upper())
    return Decoded(
        kind="ulid",
        canonical=str(parsed),
        hex=parsed.hex,
        integer=str(int(parsed)),
        version=None,
        version_name="ULID",
        variant=None,
        timestamp=unix_ms_iso(parsed.milliseconds),
        timestamp_raw=parsed.milliseconds,
        timestamp_unit=UNIT_UNIX_MS,
        clock_sequence=None,
        node=None,
        node_multicast=None,
        equivalent=str(parsed.to_uuid()),
    )


SURROUNDING_SPACE = re.compile(r"^\s*(.*?)\s*$", re.DOTALL)


def decode(text: str) -> Decoded:
    """Decode a UUID (any version; hyphens, braces or urn:uuid: optional) or a 26-character ULID."""
    match = SURROUNDING_SPACE.match(text)
    core, offset = match.group(1), match.start(1)
    if not core:
        raise ToolInputError("enter a UUID or a ULID to decode")
    if len(core) == 26:
        check_ulid_text(core, offset)
        return decode_ulid(core)
    core, offset = strip_uuid_wrapping(core, offset)
    if len(core) not in (32, 36):
        raise ToolInputError(
            f"not a UUID or a ULID: {len(core)} characters; a UUID has 32 hex digits (36 characters with "
            "hyphens, optionally in {braces} or after urn:uuid:), a ULID has 26 characters"
        )
    check_uuid_text(core, offset)
    return decode_uuid(uuid.UUID(core))  # the standard library does the parsing once the text is checked
