"""Copy-as-curl: a POSIX-shell curl command that sends a given request, safe to paste into a terminal."""

from __future__ import annotations

import base64
import re
import shlex

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
JSON_HEADER = ("Content-Type", "application/json")
BEARER_PLACEHOLDER = ("Authorization", "Bearer <token>")


def body_text(body: bytes) -> str | None:
    """The body as text when it is UTF-8 (and holds no NUL byte, which no shell argument can carry)."""
    if b"\x00" in body:
        return None
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


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
    """A POSIX-shell curl command that sends the same method, headers and body to `url`."""
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


def api_curl(url: str, method: str, json_body: str | None = None, *, owner_only: bool = False) -> str:
    """A call of this site's JSON API: the body as JSON text, and a token placeholder for owner-only routes."""
    headers = [BEARER_PLACEHOLDER] if owner_only else []
    if json_body is not None:
        headers.append(JSON_HEADER)
    return curl_command(url, method, headers, (json_body or "").encode())
