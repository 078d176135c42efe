"""Pure functions that turn a captured request into what the owner reads: body views and curl."""

from __future__ import annotations

import base64
import codecs
import json
import re
import shlex
from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import parse_qsl

from core.limits import join_capped

# Not part of what the sender sent, or recomputed by curl itself: left out of "copy as curl".
CURL_SKIPPED_HEADERS = frozenset(
    {
        "host",
        "content-length",
        "connection",
        "transfer-encoding",
        # Added by Heroku's router (or another proxy) on the way in; sending them again would duplicate them.
        "x-forwarded-for",
        "x-forwarded-proto",
        "x-forwarded-port",
        "x-request-id",
        "x-request-start",
        "via",
        "connect-time",
        "total-route-time",
    }
)
# Raw in a pasted command, a control character can end a terminal's bracketed paste early (ESC [201~) and run
# what follows: C0, DEL, C1 (U+009B is a one-character CSI), the Unicode line and paragraph separators, and the
# bidirectional controls that make a command read differently from what the shell runs.
UNSAFE_IN_TERMINAL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028-\u202e\u2066-\u2069]")
ANSI_C_ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\t": "\\t", "\r": "\\r"}
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


def body_text(body: bytes) -> str | None:
    """The body as text when it is UTF-8 (and holds no NUL byte, which no shell argument can carry)."""
    if b"\x00" in body:
        return None
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


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


def shell_quote(arg: str) -> str:
    """One POSIX shell word: '…' when printable, else ANSI-C $'…' with each unsafe character as \\xNN bytes."""
    if not UNSAFE_IN_TERMINAL.search(arg):
        return shlex.quote(arg)
    escaped = []
    for char in arg:
        if char in ANSI_C_ESCAPES:
            escaped.append(ANSI_C_ESCAPES[char])
        elif UNSAFE_IN_TERMINAL.match(char):
            # The UTF-8 bytes, which is what the request carried (\u would depend on the shell's locale).
            escaped.append("".join(f"\\x{byte:02x}" for byte in char.encode()))
        else:
            escaped.append(char)
    return "$'" + "".join(escaped) + "'"


def curl_command(url: str, method: str, headers: list[tuple[str, str]], body: bytes) -> str:
    """A POSIX-shell curl command that sends the same method, headers and (stored) body to `url`."""
    args = ["curl"]
    if method == "HEAD":
        args.append("--head")
    elif method != "GET" or body:
        args += ["-X", method]
    args.append(url)
    for name, value in headers:
        if name.lower() not in CURL_SKIPPED_HEADERS:
            args += ["-H", f"{name}: {value}"]
    text = body_text(body)
    prefix = ""
    if body and text is not None:
        args += ["--data-raw", text]  # --data-raw: a leading "@" is data, not a file name
    elif body:
        prefix = f"printf %s {base64.b64encode(body).decode()} | base64 -d | "
        args += ["--data-binary", "@-"]
    return prefix + " ".join(shell_quote(arg) for arg in args)


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
