"""Reading and amending the raw header lists of ASGI messages (lower-case byte names, as servers send them)."""

from __future__ import annotations


def header(headers, name: bytes) -> bytes | None:
    """The first value of a header, or None."""
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


def with_vary(headers: list, token: bytes) -> list:
    """The headers with `token` in their Vary header: added to the one there is, or a new one."""
    vary = header(headers, b"vary")
    if vary is None:
        return [*headers, (b"vary", token)]
    if token.lower() in [part.strip().lower() for part in vary.split(b",")]:
        return headers
    return [(name, value + b", " + token if name.lower() == b"vary" else value) for name, value in headers]
