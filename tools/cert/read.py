"""Read what was pasted: PEM blocks (a chain: several at once), DER as Base64 or hex, OpenSSH keys."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization

from core.forms import ToolInputError

Kind = Literal["certificate", "certificate request", "public key", "private key"]

MAX_BLOCKS = 100
PEM_BLOCK = re.compile(r"-----BEGIN ([A-Z0-9 ]{1,40})-----\r?\n(.*?)-----END \1-----", re.S)
PEM_BEGIN = re.compile(r"-----BEGIN ([A-Z0-9 ]{1,40})-----")
SSH_PUBLIC = re.compile(r"^(?:ssh-(?:rsa|dss|ed25519|ed448)|ecdsa-sha2-nistp\d{3}) [A-Za-z0-9+/=]+(?: .*)?$", re.M)
HEX = re.compile(r"(?:[0-9a-fA-F]{2}:?)+")
BASE64 = re.compile(r"[A-Za-z0-9+/_-]+={0,2}")

CERTIFICATE_LABELS = {"CERTIFICATE", "X509 CERTIFICATE"}
REQUEST_LABELS = {"CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"}
PUBLIC_LABELS = {"PUBLIC KEY", "RSA PUBLIC KEY"}
PRIVATE_LABELS = {"PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "DSA PRIVATE KEY", "ENCRYPTED PRIVATE KEY"}
SKIPPED_LABELS = {"EC PARAMETERS"}  # `openssl ecparam -genkey` writes it before the key: nothing to show
READABLE = (
    "CERTIFICATE, CERTIFICATE REQUEST, PUBLIC KEY, PRIVATE KEY (PKCS#8, RSA, EC, encrypted) or OPENSSH PRIVATE KEY"
)


@dataclass(frozen=True)
class Loaded:
    """One thing read from the input: its kind, the cryptography object and how it was written."""

    kind: Kind
    value: Any  # x509.Certificate, x509.CertificateSigningRequest, or a public or private key
    source: str  # "PEM", "DER (Base64)", "DER (hex)", "OpenSSH"
    der: bytes = b""  # the certificate's or request's DER (what fingerprints are taken over)
    encrypted: bool = False


@dataclass(frozen=True)
class Secrets:
    """What reading a private key may use: its passphrase, and whether the input came from a link."""

    passphrase: str = ""
    from_link: bool = False


def read_input(text: str, secrets: Secrets = Secrets()) -> list[Loaded]:
    """Everything in the pasted text, in order; a ToolInputError naming the field when something cannot be read."""
    if not text.strip():
        raise ToolInputError("Paste a certificate, certificate request or key (PEM, or DER as Base64 or hex).")
    if PEM_BEGIN.search(text):
        return read_pem(text, secrets)
    if SSH_PUBLIC.search(text):
        return [read_ssh_public(line) for line in SSH_PUBLIC.findall(text)[:MAX_BLOCKS]]
    data, source = decode_der_text(text)
    return [read_der(data, source, secrets)]


def read_pem(text: str, secrets: Secrets) -> list[Loaded]:
    blocks = list(PEM_BLOCK.finditer(text))
    complete = {match.start() for match in blocks}
    for begin in PEM_BEGIN.finditer(text):
        if begin.start() not in complete and not any(m.start() < begin.start() < m.end() for m in blocks):
            raise ToolInputError(f"The block that begins with 'BEGIN {begin.group(1)}' has no matching END line.")
    if len(blocks) > MAX_BLOCKS:
        raise ToolInputError(f"Too many PEM blocks: at most {MAX_BLOCKS} at once.")
    loaded = []
    for number, match in enumerate(blocks, 1):
        label = match.group(1)
        if label not in SKIPPED_LABELS:
            loaded.append(read_pem_block(number, label, match.group(0), secrets))
    if not loaded:
        raise ToolInputError(f"There is no certificate or key here: the tool reads {READABLE}.")
    return loaded


def read_pem_block(number: int, label: str, block: str, secrets: Secrets) -> Loaded:
    where = f"PEM block {number} ({label})"
    if label in PRIVATE_LABELS:
        return read_private(partial(serialization.load_pem_private_key, block.encode()), where, "PEM", secrets)
    if label == "OPENSSH PRIVATE KEY":
        return read_private(partial(serialization.load_ssh_private_key, block.encode()), where, "OpenSSH", secrets)
    if label not in CERTIFICATE_LABELS | REQUEST_LABELS | PUBLIC_LABELS:
        raise ToolInputError(f"{where} is not something this tool reads: it reads {READABLE}.")
    body = "".join(line for line in block.splitlines()[1:-1] if ":" not in line)  # RFC 7468 allows no headers here
    try:
        der = base64.b64decode(body, validate=True)
    except binascii.Error:
        raise ToolInputError(f"{where} is not valid Base64.") from None
    if label in CERTIFICATE_LABELS:
        return load(lambda: Loaded("certificate", x509.load_der_x509_certificate(der), "PEM", der), where)
    if label in REQUEST_LABELS:
        return load(lambda: Loaded("certificate request", x509.load_der_x509_csr(der), "PEM", der), where)
    return load(lambda: Loaded("public key", serialization.load_der_public_key(der), "PEM"), where)


def load(reader, where: str) -> Loaded:
    """reader() with cryptography's refusals as a 422 that says which block failed."""
    try:
        return reader()
    except UnsupportedAlgorithm:
        raise ToolInputError(f"{where} uses an algorithm this tool cannot read.") from None
    except ValueError as error:
        raise ToolInputError(f"{where} could not be read: {reason(error)}") from None


def reason(error: Exception) -> str:
    """cryptography's message, short (it never holds the input's bytes)."""
    text = str(error).strip() or type(error).__name__
    return text[:200]


def read_private(loader, where: str, source: str, secrets: Secrets) -> Loaded:
    """A private key: refused from a link (links end up in logs and browser history), decrypted when it must be."""
    if secrets.from_link:
        raise ToolInputError(
            "A private key is never read from a link: links end up in server logs and browser history. "
            "Paste it into the form instead."
        )
    try:
        return Loaded("private key", loader(None), source)
    except TypeError:
        pass  # encrypted: it needs the passphrase
    except UnsupportedAlgorithm:
        raise ToolInputError(f"{where} uses an algorithm this tool cannot read.") from None
    except ValueError as error:
        raise ToolInputError(f"{where} could not be read: {reason(error)}") from None
    if not secrets.passphrase:
        raise ToolInputError(
            f"{where} is encrypted: type its passphrase (it is used for this answer only, never stored).",
            "passphrase",
        )
    try:
        return Loaded("private key", loader(secrets.passphrase.encode()), source, encrypted=True)
    except (TypeError, ValueError):
        raise ToolInputError(f"The passphrase does not decrypt {where}.", "passphrase") from None
    except UnsupportedAlgorithm:
        raise ToolInputError(f"{where} is encrypted with an algorithm this tool cannot read.") from None


def read_ssh_public(line: str) -> Loaded:
    return load(lambda: Loaded("public key", serialization.load_ssh_public_key(line.encode()), "OpenSSH"), "The key")


def decode_der_text(text: str) -> tuple[bytes, str]:
    """DER written as hex (spaces and colons allowed) or as Base64 (standard or URL-safe, padding optional)."""
    compact = "".join(text.split())
    # A DER structure is a SEQUENCE: hex begins "30", Base64 begins "M". Hex letters are also Base64.
    if HEX.fullmatch(compact) and compact.startswith("30"):
        return bytes.fromhex(compact.replace(":", "")), "DER (hex)"
    if BASE64.fullmatch(compact):
        padded = compact.rstrip("=") + "=" * (-len(compact.rstrip("=")) % 4)
        try:
            data = base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
        except binascii.Error:
            data = b""
        if data.startswith(b"\x30"):
            return data, "DER (Base64)"
    raise ToolInputError(
        "This is neither PEM (-----BEGIN …-----) nor DER written as Base64 or hex, nor an OpenSSH public key."
    )


def read_der(data: bytes, source: str, secrets: Secrets) -> Loaded:
    """DER bytes of unknown kind: a certificate, a request, a public key, else a private key."""
    readers = (
        lambda: Loaded("certificate", x509.load_der_x509_certificate(data), source, data),
        lambda: Loaded("certificate request", x509.load_der_x509_csr(data), source, data),
        lambda: Loaded("public key", serialization.load_der_public_key(data), source),
    )
    for reader in readers:
        try:
            return reader()
        except (ValueError, UnsupportedAlgorithm):
            continue
    try:
        serialization.load_der_private_key(data, None)
    except TypeError:
        pass  # an encrypted private key: read_private asks for the passphrase
    except (ValueError, UnsupportedAlgorithm):
        raise ToolInputError(
            f"The {source} decodes to {len(data)} bytes that are not a certificate, certificate request or key."
        ) from None
    return read_private(partial(serialization.load_der_private_key, data), f"The {source}", source, secrets)
