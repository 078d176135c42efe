"""Digests of text and of streams read in chunks, and the constant-time check of an expected digest."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import BinaryIO

from core.forms import ToolInputError

ALGORITHMS = ("md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha3_256", "sha3_512", "blake2b", "blake2s")
LABELS = {
    "md5": "MD5",
    "sha1": "SHA-1",
    "sha224": "SHA-224",
    "sha256": "SHA-256",
    "sha384": "SHA-384",
    "sha512": "SHA-512",
    "sha3_256": "SHA3-256",
    "sha3_512": "SHA3-512",
    "blake2b": "BLAKE2b",
    "blake2s": "BLAKE2s",
}
DIGEST_SIZES = sorted({hashlib.new(a).digest_size for a in ALGORITHMS})  # bytes: 16, 20, 28, 32, 48, 64
MAX_FILE = 10 * 1024 * 1024
CHUNK = 64 * 1024


def size_text(n: int) -> str:
    """10485760 -> "10 MB (10,485,760 bytes)", in the units of the app's other limits (1 MB = 2**20 bytes)."""
    return f"{n / (1024 * 1024):g} MB ({n:,} bytes)" if n >= 1024 * 1024 else f"{n:,} bytes"


class UploadTooLarge(ToolInputError):
    """A file over the size limit: the views answer it with 413."""


@dataclass(frozen=True)
class Verification:
    expected: str  # as given, without surrounding whitespace
    matched: bool
    algorithm: str | None  # the algorithm whose digest matched


def chosen(algorithms: Iterable[str]) -> list[str]:
    """The chosen algorithms in the tool's order; all of them when none is chosen."""
    algorithms = list(algorithms)
    return [a for a in ALGORITHMS if a in algorithms] if algorithms else list(ALGORITHMS)


def new_hashers(algorithms: Iterable[str], key: str = "") -> dict:
    if key:
        return {a: hmac.new(key.encode(), digestmod=a) for a in chosen(algorithms)}
    return {a: hashlib.new(a) for a in chosen(algorithms)}


def digest(text: str, algorithms: list[str] | tuple[str, ...] = (), key: str = "") -> dict[str, str]:
    """Hex digests of the UTF-8 text; HMAC-<algorithm> when a key is given."""
    hashers = new_hashers(algorithms, key)
    data = text.encode()
    for hasher in hashers.values():
        hasher.update(data)
    return {a: h.hexdigest() for a, h in hashers.items()}


def digest_file(
    stream: BinaryIO, algorithms: list[str] | tuple[str, ...] = (), key: str = "", limit: int = MAX_FILE
) -> tuple[dict[str, str], int]:
    """Hex digests of a binary stream read CHUNK bytes at a time, and its length; UploadTooLarge past `limit`."""
    hashers = new_hashers(algorithms, key)
    size = 0
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise UploadTooLarge(f"the file is too large: the limit is {size_text(limit)}", "file")
        for hasher in hashers.values():
            hasher.update(chunk)
    return {a: h.hexdigest() for a, h in hashers.items()}, size


_NOT_DIGEST = re.compile(r"[^0-9A-Za-z+/=_-]")
_HEX = re.compile(r"[0-9A-Fa-f]*")


def base64_reading(text: str) -> bytes | None:
    """The bytes of canonical Base64 (standard or URL-safe, '=' optional), or None."""
    data = text.rstrip("=").replace("-", "+").replace("_", "/")
    if "=" in data or len(data) % 4 == 1:
        return None
    try:
        raw = base64.b64decode(data + "=" * (-len(data) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None
    # Only the canonical form counts: its unused low bits are zero, as an encoder writes them.
    return raw if base64.b64encode(raw).decode().rstrip("=") == data else None


def expected_bytes(expected: str) -> list[bytes]:
    """Every reading of a pasted digest, as hex (any case) or Base64, that has the length of a digest."""
    text = expected.strip()
    bad = _NOT_DIGEST.search(text)
    if bad:
        char = bad.group()
        shown = f"'{char}'" if char.isprintable() and not char.isspace() else f"U+{ord(char):04X}"
        raise ToolInputError(
            f"invalid character {shown} at position {bad.start() + 1} (counting from 1) of the expected digest: "
            "paste only the digest, as hex digits (0-9, a-f) or Base64",
            "expected",
        )
    is_hex = bool(_HEX.fullmatch(text))
    candidates = [bytes.fromhex(text)] if is_hex and len(text) % 2 == 0 else []
    candidates.append(base64_reading(text))
    readings = [raw for raw in candidates if raw is not None and len(raw) in DIGEST_SIZES]
    if readings:
        return readings
    sizes = ", ".join(map(str, DIGEST_SIZES[:-1])) + f" or {DIGEST_SIZES[-1]} bytes"
    if is_hex and len(text) % 2:
        problem = f"it has an odd number of hex digits ({len(text)}), and a digest has two per byte"
    elif is_hex:
        problem = f"as hex it is {len(text) // 2} bytes long, and the digests here are {sizes}"
    elif candidates[-1] is not None:
        problem = f"as Base64 it is {len(candidates[-1])} bytes long, and the digests here are {sizes}"
    else:
        problem = "it is neither hex nor valid Base64"
    raise ToolInputError(
        f"the expected digest cannot be a digest: {problem}; check that it was copied whole", "expected"
    )


def verify(expected: str, digests: dict[str, str]) -> Verification:
    """Compare the expected digest with each computed one in constant time; names the algorithm that matched."""
    readings = expected_bytes(expected)
    matched = None
    for algorithm, value in digests.items():
        computed = bytes.fromhex(value)
        # Every reading is compared with every digest (no early exit), each with hmac.compare_digest.
        hits = [hmac.compare_digest(reading, computed) for reading in readings]
        if any(hits) and matched is None:
            matched = algorithm
    return Verification(expected=expected.strip(), matched=matched is not None, algorithm=matched)
