"""The encrypt tool's text format: AES-256-GCM under a passphrase-derived key, every parameter written in it.

    mtenc1$<kdf>$<parameters>$<salt>$<nonce>$<ciphertext>

`mtenc1` is the format and its version; `kdf` is `scrypt` (parameters `ln=15,r=8,p=1`: N = 2^ln) or
`argon2id` (RFC 9106; `m=65536,t=3,p=4`: KiB, passes, lanes); salt (16 bytes), nonce (12 bytes) and the
ciphertext with its 16-byte GCM tag at the end are base64url without padding. The key is the KDF's 32-byte
output; the associated data is everything before the last `$` (ASCII), so no header field can be changed
without the tag failing. Pure functions, no Quart.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import NamedTuple

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from core.forms import ToolInputError

FORMAT = "mtenc1"
SALT_BYTES, NONCE_BYTES, KEY_BYTES, TAG_BYTES = 16, 12, 32, 16
# What a blob may ask of the KDF: a hostile blob must not buy minutes of work or gigabytes of memory.
# scrypt takes 128 * N * r bytes (2^16 * 8: 64 MiB, about 0.2 s); Argon2id m KiB (64 MiB at most).
BOUNDS = {
    "scrypt": {"ln": (10, 16), "r": (1, 8), "p": (1, 4)},
    "argon2id": {"m": (1024, 65536), "t": (1, 10), "p": (1, 4)},
}
PARAMETER = re.compile(r"([a-z]+)=(\d{1,9})")
BASE64URL = re.compile(r"[A-Za-z0-9_-]*")


class Envelope(NamedTuple):
    kdf: str
    parameters: dict[str, int]
    salt: bytes
    nonce: bytes
    ciphertext: bytes  # with the GCM tag at its end
    header: str  # the associated data: the text before the ciphertext, with its `$`


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def from_b64url(text: str, what: str) -> bytes:
    if not BASE64URL.fullmatch(text) or len(text) % 4 == 1:
        raise ToolInputError(f"the {what} is not base64url (A-Z, a-z, 0-9, '-', '_')")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):  # pragma: no cover - the checks above leave nothing to fail
        raise ToolInputError(f"the {what} is not base64url") from None


def check_bounds(kdf: str, parameters: dict[str, int], field: str = "input") -> None:
    bounds = BOUNDS[kdf]
    if set(parameters) != set(bounds):
        raise ToolInputError(f"{kdf} takes the parameters {', '.join(bounds)}", field)
    for name, (low, high) in bounds.items():
        if not low <= parameters[name] <= high:
            raise ToolInputError(f"{kdf} parameter {name}={parameters[name]} is outside {low}-{high}", field)


def derive_key(passphrase: bytes, kdf: str, parameters: dict[str, int], salt: bytes) -> bytes:
    """The 32-byte AES key: scrypt(N = 2^ln, r, p) or Argon2id(m KiB, t passes, p lanes)."""
    if kdf == "scrypt":
        n = 2 ** parameters["ln"]
        return Scrypt(salt=salt, length=KEY_BYTES, n=n, r=parameters["r"], p=parameters["p"]).derive(passphrase)
    return Argon2id(
        salt=salt, length=KEY_BYTES, iterations=parameters["t"], lanes=parameters["p"], memory_cost=parameters["m"]
    ).derive(passphrase)


def header_text(kdf: str, parameters: dict[str, int], salt: bytes, nonce: bytes) -> str:
    written = ",".join(f"{name}={value}" for name, value in parameters.items())
    return f"{FORMAT}${kdf}${written}${b64url(salt)}${b64url(nonce)}$"


def seal(plaintext: bytes, passphrase: bytes, kdf: str, parameters: dict[str, int], salt: bytes, nonce: bytes) -> str:
    """Encrypt: the whole text of the format, header and ciphertext."""
    header = header_text(kdf, parameters, salt, nonce)
    key = derive_key(passphrase, kdf, parameters, salt)
    return header + b64url(AESGCM(key).encrypt(nonce, plaintext, header.encode("ascii")))


def parse(text: str) -> Envelope:
    """Take a blob apart, refusing a malformed one or parameters past BOUNDS before any work."""
    parts = "".join(text.split()).split("$")  # line breaks from pasting are dropped
    if len(parts) != 6 or parts[0] != FORMAT:
        raise ToolInputError(f"this is not encrypted text of this tool: it starts {FORMAT}$ and has six $-parts")
    _, kdf, written, salt, nonce, ciphertext = parts
    if kdf not in BOUNDS:
        raise ToolInputError(f"unknown key derivation {kdf[:20]!r}: {' or '.join(BOUNDS)}")
    pairs = [PARAMETER.fullmatch(item) for item in written.split(",")]
    if not all(pairs):
        raise ToolInputError("the parameters are not name=number pairs separated by commas")
    parameters = {found.group(1): int(found.group(2)) for found in pairs}
    check_bounds(kdf, parameters)
    envelope = Envelope(
        kdf,
        parameters,
        from_b64url(salt, "salt"),
        from_b64url(nonce, "nonce"),
        from_b64url(ciphertext, "ciphertext"),
        "$".join(parts[:5]) + "$",
    )
    if len(envelope.salt) < 8 or len(envelope.nonce) != NONCE_BYTES or len(envelope.ciphertext) < TAG_BYTES:
        raise ToolInputError("the salt, nonce or ciphertext is too short: is the text complete?")
    return envelope


def open_envelope(text: str, passphrase: bytes) -> tuple[Envelope, bytes]:
    """Decrypt: (the envelope, the plaintext bytes); a wrong passphrase or any change is a ToolInputError."""
    envelope = parse(text)
    key = derive_key(passphrase, envelope.kdf, envelope.parameters, envelope.salt)
    try:
        plaintext = AESGCM(key).decrypt(envelope.nonce, envelope.ciphertext, envelope.header.encode("ascii"))
    except InvalidTag:
        raise ToolInputError(
            "wrong passphrase, or the encrypted text was altered (the GCM tag does not match)", "passphrase"
        ) from None
    return envelope, plaintext
