"""Split a JWS compact token, decode its segments and read its time claims (no Quart imports)."""

from __future__ import annotations

import base64
import binascii
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from core.forms import ToolInputError
from core.timefmt import relative

BASE64URL = re.compile(r"[A-Za-z0-9_-]*")
WHITESPACE = re.compile(r"\s+")
SEGMENT_NAMES = ("header", "payload", "signature")
MAX_DEPTH = 64  # deeper JSON is refused rather than risking recursion limits further on
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Token(NamedTuple):
    """A JWS compact token taken apart; `signing_input` is what the signature covers."""

    text: str
    header: dict[str, Any]
    payload: Any  # the JSON value, the UTF-8 text, or the bytes as hex (see payload_format)
    payload_format: str  # json | text | hex
    signature: bytes
    signing_input: bytes


def base64url_bytes(segment: str, what: str, field: str = "input", show_characters: bool = True) -> bytes:
    """Strict base64url (RFC 7515 §2: padding optional, no other characters), with the position of a fault.

    show_characters=False keeps the offending character out of the message (for secrets).
    """
    data = segment.rstrip("=")
    padding = len(segment) - len(data)
    bad = re.search(r"[^A-Za-z0-9_-]", data)
    if bad:
        char = bad.group()
        hint = " ('+' and '/' belong to standard Base64, not base64url)" if char in "+/" and show_characters else ""
        shown = f", {char!r}," if char.isprintable() else f", U+{ord(char):04X},"
        raise ToolInputError(
            f"{what} is not valid base64url: its character {bad.start() + 1} (counting from 1)"
            f"{shown if show_characters else ''} is not one of A-Z, a-z, 0-9, '-', '_'{hint}",
            field,
        )
    if padding > 2 or (padding and len(segment) % 4):
        raise ToolInputError(f"{what} is not valid base64url: it has misplaced '=' padding", field)
    if len(data) % 4 == 1:
        raise ToolInputError(
            f"{what} is not valid base64url: its length ({len(data)} character{'' if len(data) == 1 else 's'}) "
            "leaves one character over, "
            "which cannot encode a byte (is it cut short?)",
            field,
        )
    try:
        raw = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
    except (binascii.Error, ValueError):  # the checks above make this unreachable; kept as a guard
        raise ToolInputError(f"{what} is not valid base64url", field) from None
    if base64.urlsafe_b64encode(raw).rstrip(b"=").decode() != data:
        raise ToolInputError(
            f"{what} is not valid base64url: its last character carries bits that must be zero "
            "(not the canonical encoding of any bytes)",
            field,
        )
    return raw


def refuse_constant(name: str):
    raise ValueError(f"{name} is not a JSON value")


def unique_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    names = [name for name, _ in pairs]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"duplicate member name {duplicates[0]!r} (RFC 7515 §4 / RFC 7519 §4: names must be unique)")
    return dict(pairs)


def depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((depth(v) for v in value), default=0)
    return 0


def parse_json(raw: bytes) -> Any:
    """Strict JSON: UTF-8, no NaN/Infinity, no duplicate member names; raises ValueError saying why."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"byte {exc.start + 1} (0x{raw[exc.start]:02x}) is not UTF-8") from None
    try:
        value = json.loads(text, object_pairs_hook=unique_members, parse_constant=refuse_constant)
    except RecursionError:
        raise ValueError(f"nested deeper than {MAX_DEPTH} levels") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    if depth(value) > MAX_DEPTH:
        raise ValueError(f"nested deeper than {MAX_DEPTH} levels")
    return value


def decode_payload(raw: bytes) -> tuple[Any, str]:
    """(value, format): JSON when it is JSON, else UTF-8 text, else hex (a JWS may sign any bytes: RFC 8037 A.4)."""
    try:
        return parse_json(raw), "json"
    except ValueError as exc:
        if "duplicate member name" in str(exc):
            raise ToolInputError(f"segment 2 (payload) is not usable JSON: {exc}") from None
        try:
            return raw.decode("utf-8"), "text"
        except UnicodeDecodeError:
            return raw.hex(), "hex"


def clean_token(text: str) -> str:
    """Drop whitespace (tokens are often pasted line-wrapped) and a leading "Bearer "."""
    compact = WHITESPACE.sub("", text.strip().removeprefix("Bearer ").removeprefix("bearer "))
    if not compact:
        raise ToolInputError("paste a token: three base64url segments separated by '.'")
    return compact


def split_token(text: str) -> Token:
    """Take a JWS compact token apart; ToolInputError (field `input`) says which segment is wrong and how."""
    token = clean_token(text)
    segments = token.split(".")
    if len(segments) != 3:
        extra = " — a 5-segment token is an encrypted JWE, which this tool cannot decrypt" if len(segments) == 5 else ""
        raise ToolInputError(
            f"a JWS compact token has 3 segments (header.payload.signature) separated by '.', "
            f"but this one has {len(segments)}{extra}"
        )
    header_raw = base64url_bytes(segments[0], "segment 1 (header)")
    try:
        header = parse_json(header_raw)
    except ValueError as exc:
        raise ToolInputError(f"segment 1 (header) is not JSON: {exc}") from None
    if not isinstance(header, dict):
        raise ToolInputError(f"segment 1 (header) must be a JSON object, not {json_kind(header)}")
    payload, payload_format = decode_payload(base64url_bytes(segments[1], "segment 2 (payload)"))
    signature = base64url_bytes(segments[2], "segment 3 (signature)")
    return Token(
        text=token,
        header=header,
        payload=payload,
        payload_format=payload_format,
        signature=signature,
        signing_input=f"{segments[0]}.{segments[1]}".encode("ascii"),
    )


def json_kind(value: Any) -> str:
    kinds = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return kinds.get(type(value), "a number")


def pretty_json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


# --- time claims (RFC 7519 §4.1.4-4.1.6) ----------------------------------------------------------


class ClaimTime(NamedTuple):
    claim: str
    value: Any
    utc: str | None  # ISO 8601 in UTC, or None when the value is not a usable NumericDate
    status: str  # expired | valid | not_yet_valid | in_effect | issued | issued_in_future | invalid
    text: str


def numeric_date(value: Any) -> datetime | None:
    """A NumericDate (seconds since the epoch, RFC 7519 §2) as a UTC datetime; None if not one or out of range."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return EPOCH + timedelta(seconds=value)
    except (OverflowError, ValueError):
        return None


def iso_utc(moment: datetime) -> str:
    text = moment.isoformat(timespec="microseconds" if moment.microsecond else "seconds")
    return text.replace("+00:00", "Z")


def claim_time(claim: str, value: Any, now: datetime) -> ClaimTime:
    """What `exp`, `nbf` or `iat` means at `now`: "expired 3 h ago", "valid for another 2 days", ..."""
    moment = numeric_date(value)
    if moment is None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            text = f"{claim} is not a NumericDate: RFC 7519 §2 expects a number of seconds since 1970-01-01T00:00:00Z"
        else:
            text = f"{claim} = {value} is outside the dates this tool can show (years 1 to 9999)"
        return ClaimTime(claim, value, None, "invalid", text)
    when = relative(moment, now)
    if claim == "exp":
        # RFC 7519 §4.1.4: the token must not be accepted on or after the expiration time.
        if now >= moment:
            return ClaimTime(claim, value, iso_utc(moment), "expired", f"expired {when_text(when, past=True)}")
        return ClaimTime(claim, value, iso_utc(moment), "valid", f"valid for another {when_text(when)}")
    if claim == "nbf":
        # RFC 7519 §4.1.5: the token must not be accepted before the not-before time.
        if now < moment:
            return ClaimTime(
                claim, value, iso_utc(moment), "not_yet_valid", f"not valid before {iso_utc(moment)} ({when})"
            )
        return ClaimTime(claim, value, iso_utc(moment), "in_effect", f"valid since {iso_utc(moment)} ({when})")
    if moment > now:
        return ClaimTime(
            claim, value, iso_utc(moment), "issued_in_future", f"issued in the future ({when}): clock skew?"
        )
    return ClaimTime(claim, value, iso_utc(moment), "issued", f"issued {when_text(when, past=True)}")


def when_text(when: str, past: bool = False) -> str:
    """relative()'s "in 2 days" as "2 days"; "now" as "just now" / "less than a second"."""
    if when == "now":
        return "just now" if past else "less than a second"
    return when if past else when.removeprefix("in ")


def claim_times(payload: Any, now: datetime) -> list[ClaimTime]:
    """The time claims present in a JSON object payload, in the order exp, nbf, iat."""
    if not isinstance(payload, dict):
        return []
    return [claim_time(name, payload[name], now) for name in ("exp", "nbf", "iat") if name in payload]
