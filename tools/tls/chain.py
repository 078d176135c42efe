"""A server's certificate chain as the handshake sent it, and each certificate described (cryptography)."""

from __future__ import annotations

from datetime import UTC, datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
from cryptography.x509.oid import SignatureAlgorithmOID
from pydantic import BaseModel, Field

SIGNATURE_NAMES = {
    value: name for name, value in vars(SignatureAlgorithmOID).items() if isinstance(value, x509.ObjectIdentifier)
}


class CertificateInfo(BaseModel):
    subject: str = Field(description="The subject's distinguished name (RFC 4514).")
    issuer: str
    names: list[str] = Field(description="The subject alternative names: DNS names and addresses.")
    serial: str = Field(description="The serial number in hexadecimal.")
    not_before: str = Field(description="Valid from (UTC, ISO 8601).")
    not_after: str = Field(description="Valid until (UTC, ISO 8601).")
    days_left: int = Field(description="Whole days until not_after; negative once expired.")
    key: str = Field(description="The public key: e.g. 'RSA 2048 bits', 'EC secp256r1 (256 bits)', 'Ed25519'.")
    signature_algorithm: str = Field(description="e.g. 'ECDSA with SHA256', 'RSA with SHA256'.")
    sha256: str = Field(description="SHA-256 fingerprint of the DER certificate, colon-separated hex.")
    sha1: str = Field(description="SHA-1 fingerprint (still shown by browsers and older tools).")
    self_signed: bool = Field(description="The issuer is the subject itself (a root, or a home-made certificate).")
    is_ca: bool = Field(description="Basic constraints say it may issue certificates.")


def fingerprint(der: bytes, algorithm: hashes.HashAlgorithm) -> str:
    digest = hashes.Hash(algorithm)
    digest.update(der)
    return digest.finalize().hex(":").upper()


def describe_key(key) -> str:
    if isinstance(key, rsa.RSAPublicKey):
        return f"RSA {key.key_size} bits"
    if isinstance(key, ec.EllipticCurvePublicKey):
        return f"EC {key.curve.name} ({key.curve.key_size} bits)"
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "Ed25519"
    if isinstance(key, ed448.Ed448PublicKey):
        return "Ed448"
    if isinstance(key, dsa.DSAPublicKey):
        return f"DSA {key.key_size} bits"
    return type(key).__name__


def alternative_names(certificate: x509.Certificate) -> list[str]:
    try:
        extension = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return []
    return [*extension.get_values_for_type(x509.DNSName), *map(str, extension.get_values_for_type(x509.IPAddress))]


def is_ca(certificate: x509.Certificate) -> bool:
    try:
        return certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return False


def describe_certificate(der: bytes, now: datetime | None = None) -> CertificateInfo:
    certificate = x509.load_der_x509_certificate(der)
    now = now or datetime.now(UTC)
    not_after = certificate.not_valid_after_utc
    signature = SIGNATURE_NAMES.get(
        certificate.signature_algorithm_oid, certificate.signature_algorithm_oid.dotted_string
    )
    return CertificateInfo(
        subject=certificate.subject.rfc4514_string(),
        issuer=certificate.issuer.rfc4514_string(),
        names=alternative_names(certificate),
        serial=format(certificate.serial_number, "X"),
        not_before=certificate.not_valid_before_utc.isoformat(),
        not_after=not_after.isoformat(),
        days_left=(not_after - now).days,
        key=describe_key(certificate.public_key()),
        signature_algorithm=signature.replace("_WITH_", " with ").replace("_", "-"),
        sha256=fingerprint(der, hashes.SHA256()),
        sha1=fingerprint(der, hashes.SHA1()),
        self_signed=certificate.subject == certificate.issuer,
        is_ca=is_ca(certificate),
    )
