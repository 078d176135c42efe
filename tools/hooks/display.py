"""Pure functions that turn a captured request into what the owner reads: body views (curl: core.curl)."""

from __future__ import annotations

import base64
import codecs
import json
from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import parse_qsl

from core.curl import UNSAFE_IN_TERMINAL, body_text
from core.limits import join_capped

HEXDUMP_LIMIT = 4096  # bytes shown as hex on the page; the API and base64 view carry everything stored
FORM_VALUE_LIMIT = 2000  # characters of a multipart text field shown in the table
PREVIEW_CHARS = 80  # characters of a body shown in the request list


def decode_text(raw: bytes) -> str:
    """Header, path and query bytes as text: UTF-8 when valid, else Latin-1 (never fails, never loses bytes)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    return text.replace("\x00", "\ufffd")  # PostgreSQL text cannot hold NUL


def header(headers: list[tuple[str, str]], name: str) -> str | None:
    """The first value of a header, by case-insensitive name."""
    wanted = name.lower()
    return next((value for key, value in headers if key.lower() == wanted), None)


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def body_preview(head: bytes, size: int, limit: int = PREVIEW_CHARS) -> str:
    """A one-line look at a body from its first bytes: text with runs of whitespace as one space, cut with "…";
    "(binary)" when it is not UTF-8 text, "" when empty."""
    if not size:
        return ""
    try:
        # Incremental: a character cut in half at the end of `head` is left out, not taken for binary.
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "(binary)"
    if "\x00" in text:
        return "(binary)"
    text = " ".join(UNSAFE_IN_TERMINAL.sub(" ", text).split())
    cut = len(text) > limit or len(head) < size
    return text[:limit] + ("…" if cut else "")


def pretty_json(text: str | None, content_type: str | None) -> str | None:
    """Indented JSON when the body is JSON (by its Content-Type, or by its look), else None."""
    if text is None:
        return None
    kind = media_type(content_type)
    looks_like_json = text.lstrip()[:1] in ("{", "[")
    if not (kind.endswith("json") or kind.endswith("+json") or looks_like_json):
        return None
    try:
        value = json.loads(text)
        # Indenting a deeply nested body grows as the square of its depth: capped while it is written.
        return join_capped(json.JSONEncoder(indent=2, ensure_ascii=False).iterencode(value))
    except (ValueError, RecursionError):
        return None


def form_fields(body: bytes, content_type: str | None, truncated: bool) -> list[tuple[str, str]] | None:
    """(name, value) pairs of a URL-encoded or multipart form body, else None."""
    kind = media_type(content_type)
    if kind == "application/x-www-form-urlencoded":
        text = body_text(body)
        if text is None:
            return None
        return parse_qsl(text, keep_blank_values=True)
    if kind == "multipart/form-data" and not truncated:
        return multipart_fields(body, content_type or "")
    return None


def multipart_fields(body: bytes, content_type: str) -> list[tuple[str, str]] | None:
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
    )
    if not message.is_multipart():
        return None
    fields = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition") or ""
        filename = part.get_filename()
        data = part.get_payload(decode=True) or b""
        text = None if filename else body_text(data)
        if text is None:
            label = f"file {filename!r}, " if filename else ""
            value = f"({label}{len(data)} bytes, {part.get_content_type()})"
        else:
            value = text if len(text) <= FORM_VALUE_LIMIT else text[:FORM_VALUE_LIMIT] + "…"
        fields.append((str(name), value))
    return fields


def hexdump(data: bytes, limit: int = HEXDUMP_LIMIT) -> str:
    """Classic offset / 16 hex bytes / ASCII lines, for the first `limit` bytes."""
    lines = []
    for offset in range(0, min(len(data), limit), 16):
        chunk = data[offset : offset + 16]
        hex_part = " ".join(f"{byte:02x}" for byte in chunk)
        ascii_part = "".join(chr(byte) if 32 <= byte < 127 else "." for byte in chunk)
        lines.append(f"{offset:08x}  {hex_part:<47}  |{ascii_part}|")
    if len(data) > limit:
        lines.append(f"… {len(data) - limit} more bytes (see base64)")
    return "\n".join(lines)


def body_view(body: bytes, body_size: int, content_type: str | None) -> dict:
    """Everything the pages and the API show of a body, but its pretty-printed JSON (see pretty_json)."""
    truncated = body_size > len(body)
    text = body_text(body)
    return {
        "size": body_size,
        "stored": len(body),
        "truncated": truncated,
        "text": text,
        "base64": base64.b64encode(body).decode(),
        "hex": hexdump(body) if text is None and body else None,
        "form": form_fields(body, content_type, truncated),
    }
