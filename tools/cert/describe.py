"""What a certificate, request or key says: names, validity, key, extensions and fingerprints."""

from __future__ import annotations

import base64
import hashlib
import math
from datetime import datetime
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa, x448, x25519
from pydantic import BaseModel

from tools.cert.names import (
    NIST_CURVES,
    WEAK_HASHES,
    access_method,
    eku_name,
    extension_name,
    general_name,
    key_usages,
    signature_name,
)
from tools.cert.read import Kind, Loaded

DAY_SECONDS = 86_400
MAX_TLS_DAYS = 398  # the CA/Browser Forum's limit for publicly trusted TLS certificates (since 2020)


class CertKey(BaseModel):
    type: str  # RSA, EC, Ed25519, Ed448, X25519, X448, DSA
    size: int | None  # bits
    curve: str | None = None  # "secp256r1 (P-256)"
    exponent: int | None = None  # an RSA key's public exponent
    spki_sha256: str  # Base64 SHA-256 of the SubjectPublicKeyInfo: an HPKP / pinning "pin-sha256"
    spki_fingerprint_sha256: str  # the same digest as colon-separated hex
    public_key_pem: str


class CertExtension(BaseModel):
    name: str
    oid: str
    critical: bool
    value: str


class CertItem(BaseModel):
    number: int  # 1, 2, … in the order pasted
    kind: Kind
    source: str  # PEM, DER (Base64), DER (hex), OpenSSH
    title: str  # one line: "Certificate CN=example.com"
    key: CertKey
    fingerprints: dict[str, str] = {}  # sha256, sha1 over the certificate's (request's) DER, colon-separated hex
    subject: str | None = None  # RFC 4514
    issuer: str | None = None
    serial: str | None = None  # colon-separated hex
    serial_decimal: str | None = None  # a string: serials are up to 20 bytes, past JSON's safe integers
    not_before: str | None = None  # ISO 8601, UTC
    not_after: str | None = None
    days_left: int | None = None  # whole days until not_after (negative once expired)
    validity: str | None = None  # valid, expired, not yet valid
    validity_text: str | None = None
    signature_algorithm: str | None = None
    signature: str | None = None  # what checking the signature found (self-signed, issued by item N, a request's own)
    subject_alt_names: list[str] = []
    is_ca: bool | None = None
    path_length: int | None = None
    key_usage: list[str] = []
    extended_key_usage: list[str] = []
    extensions: list[CertExtension] = []
    same_key_as: list[int] = []  # the other items holding the same public key (a key and its certificate)
    notes: list[str] = []


def colon_hex(data: bytes) -> str:
    return ":".join(f"{byte:02X}" for byte in data)


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def fingerprints(der: bytes) -> dict[str, str]:
    return {"sha256": colon_hex(hashlib.sha256(der).digest()), "sha1": colon_hex(hashlib.sha1(der).digest())}


def key_kind(public_key: Any) -> tuple[str, int | None, str | None, int | None]:
    """(type, size in bits, curve, RSA exponent)."""
    if isinstance(public_key, rsa.RSAPublicKey):
        return "RSA", public_key.key_size, None, public_key.public_numbers().e
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        name = public_key.curve.name
        curve = f"{name} ({NIST_CURVES[name]})" if name in NIST_CURVES else name
        return "EC", public_key.curve.key_size, curve, None
    if isinstance(public_key, dsa.DSAPublicKey):
        return "DSA", public_key.key_size, None, None
    fixed = {
        ed25519.Ed25519PublicKey: ("Ed25519", 256),
        ed448.Ed448PublicKey: ("Ed448", 456),
        x25519.X25519PublicKey: ("X25519", 256),
        x448.X448PublicKey: ("X448", 448),
    }
    for cls, (name, size) in fixed.items():
        if isinstance(public_key, cls):
            return name, size, name, None
    return type(public_key).__name__.removesuffix("PublicKey"), None, None, None


def describe_key(public_key: Any) -> CertKey:
    spki = public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    digest = hashlib.sha256(spki).digest()
    kind, size, curve, exponent = key_kind(public_key)
    pem = public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return CertKey(
        type=kind,
        size=size,
        curve=curve,
        exponent=exponent,
        spki_sha256=base64.b64encode(digest).decode(),
        spki_fingerprint_sha256=colon_hex(digest),
        public_key_pem=pem.decode(),
    )


def key_notes(key: CertKey) -> list[str]:
    if key.type == "RSA" and key.size is not None and key.size < 2048:
        return [f"A {key.size}-bit RSA key is weak: use 2048 bits or more."]
    if key.type == "DSA":
        return ["DSA is deprecated (FIPS 186-5 no longer approves it for signatures)."]
    if key.type == "RSA" and key.exponent is not None and key.exponent < 65537:
        return [f"The public exponent {key.exponent} is unusually small (65537 is the norm)."]
    return []


def extension_value(value: Any) -> str:
    """An extension as one line of text."""
    if isinstance(value, x509.BasicConstraints):
        if not value.ca:
            return "not a CA"
        return "CA" + (f", path length {value.path_length}" if value.path_length is not None else "")
    if isinstance(value, x509.KeyUsage):
        return ", ".join(key_usages(value))
    if isinstance(value, x509.ExtendedKeyUsage):
        return ", ".join(eku_name(oid) for oid in value)
    if isinstance(value, x509.SubjectAlternativeName | x509.IssuerAlternativeName):
        return ", ".join(general_name(name) for name in value)
    if isinstance(value, x509.SubjectKeyIdentifier):
        return colon_hex(value.digest)
    if isinstance(value, x509.AuthorityKeyIdentifier):
        return colon_hex(value.key_identifier) if value.key_identifier else "(no key identifier)"
    if isinstance(value, x509.CRLDistributionPoints):
        return ", ".join(general_name(name) for point in value for name in point.full_name or ())
    if isinstance(value, x509.AuthorityInformationAccess):
        return ", ".join(f"{access_method(a.access_method)}: {general_name(a.access_location)}" for a in value)
    if isinstance(value, x509.CertificatePolicies):
        return ", ".join(policy.policy_identifier.dotted_string for policy in value)
    if isinstance(value, x509.PrecertificateSignedCertificateTimestamps):
        return f"{len(value)} signed certificate timestamp{'s' if len(value) != 1 else ''}"
    if isinstance(value, x509.UnrecognizedExtension):
        return f"{len(value.value)} bytes"
    return type(value).__name__


def read_extensions(item: CertItem, extensions: x509.Extensions) -> None:
    """Fill the item's extension fields: the whole list, and the ones shown on their own."""
    for extension in extensions:
        value = extension.value
        item.extensions.append(
            CertExtension(
                name=extension_name(extension.oid),
                oid=extension.oid.dotted_string,
                critical=extension.critical,
                value=extension_value(value),
            )
        )
        if isinstance(value, x509.SubjectAlternativeName):
            item.subject_alt_names = [general_name(name) for name in value]
        elif isinstance(value, x509.BasicConstraints):
            item.is_ca, item.path_length = value.ca, value.path_length
        elif isinstance(value, x509.KeyUsage):
            item.key_usage = key_usages(value)
        elif isinstance(value, x509.ExtendedKeyUsage):
            item.extended_key_usage = [eku_name(oid) for oid in value]


def safe_extensions(item: CertItem, owner: Any) -> None:
    try:
        read_extensions(item, owner.extensions)
    except (ValueError, UnsupportedAlgorithm) as error:  # duplicate or malformed extensions
        item.notes.append(f"Its extensions could not be read: {str(error)[:200]}")


def validity(item: CertItem, certificate: x509.Certificate, now: datetime) -> None:
    start, end = certificate.not_valid_before_utc, certificate.not_valid_after_utc
    item.not_before, item.not_after = iso(start), iso(end)
    item.days_left = math.floor((end - now).total_seconds() / DAY_SECONDS)
    if now < start:
        item.validity = "not yet valid"
        item.validity_text = f"Not valid yet: it starts on {iso(start)}."
    elif now > end:
        ago = math.floor((now - end).total_seconds() / DAY_SECONDS)
        item.validity = "expired"
        item.validity_text = f"Expired {plural(ago, 'day')} ago, on {iso(end)}." if ago else f"Expired on {iso(end)}."
    else:
        item.validity = "valid"
        item.validity_text = f"Valid: {plural(item.days_left, 'day')} left, until {iso(end)}."
    lifetime = (end - start).days
    if item.is_ca is not True and lifetime > MAX_TLS_DAYS:
        item.notes.append(
            f"It lasts {lifetime} days: a publicly trusted TLS certificate may last at most {MAX_TLS_DAYS} days."
        )


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def signature_notes(item: CertItem, owner: Any) -> None:
    item.signature_algorithm = signature_name(owner.signature_algorithm_oid)
    if any(weak in item.signature_algorithm.upper().replace("-", "") for weak in WEAK_HASHES):
        item.notes.append("It is signed with a broken hash (MD5 or SHA-1): browsers and most clients refuse it.")


def describe_signed(loaded: Loaded, number: int, **fields: Any) -> CertItem:
    """What a certificate and a request share: subject, key, fingerprints, extensions, signature algorithm."""
    signed = loaded.value
    subject = signed.subject.rfc4514_string()
    item = CertItem(
        number=number,
        kind=loaded.kind,
        source=loaded.source,
        title=f"{loaded.kind.capitalize()} {subject or '(empty subject)'}",
        key=describe_key(signed.public_key()),
        fingerprints=fingerprints(loaded.der),
        subject=subject,
        **fields,
    )
    safe_extensions(item, signed)
    signature_notes(item, signed)
    item.notes += key_notes(item.key)
    return item


def describe_certificate(loaded: Loaded, number: int, now: datetime) -> CertItem:
    certificate: x509.Certificate = loaded.value
    serial = certificate.serial_number
    item = describe_signed(
        loaded,
        number,
        issuer=certificate.issuer.rfc4514_string(),
        serial=colon_hex(serial.to_bytes(max(1, (serial.bit_length() + 7) // 8), "big")),
        serial_decimal=str(serial),
    )
    validity(item, certificate, now)
    return item


def describe_request(loaded: Loaded, number: int) -> CertItem:
    request: x509.CertificateSigningRequest = loaded.value
    item = describe_signed(loaded, number)
    item.signature = (
        "The request's signature is valid: whoever made it holds the private key."
        if request.is_signature_valid
        else "The request's signature does NOT verify with its own public key."
    )
    return item


def describe_key_item(loaded: Loaded, number: int) -> CertItem:
    private = loaded.kind == "private key"
    public_key = loaded.value.public_key() if private else loaded.value
    key = describe_key(public_key)
    item = CertItem(
        number=number, kind=loaded.kind, source=loaded.source, title=f"{key_title(key)} {loaded.kind}", key=key
    )
    if private:
        item.notes.append(
            "The private key itself is not shown, stored or logged; its public half is below."
            + (" It was encrypted; the passphrase decrypted it for this answer only." if loaded.encrypted else "")
        )
    item.notes += key_notes(key)
    return item


def key_title(key: CertKey) -> str:
    if key.type in ("RSA", "DSA"):
        return f"{key.type} {key.size}-bit"
    if key.type == "EC":
        return f"EC {key.curve}"
    return key.type


def check_signature(certificate: x509.Certificate, issuer: x509.Certificate) -> bool | None:
    """Whether `issuer`'s key signed `certificate`; None when the names differ or the algorithm is not supported."""
    try:
        certificate.verify_directly_issued_by(issuer)
    except InvalidSignature:
        return False
    except (ValueError, TypeError, UnsupportedAlgorithm):
        return None
    return True
