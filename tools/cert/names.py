"""Words for what certificates hold: signature algorithms, extensions, key usages, general names."""

from __future__ import annotations

from cryptography import x509
from cryptography.x509.oid import (
    AuthorityInformationAccessOID,
    ExtendedKeyUsageOID,
    ExtensionOID,
    ObjectIdentifier,
    SignatureAlgorithmOID,
)


def _constants(namespace) -> dict[ObjectIdentifier, str]:
    return {
        value: name
        for name, value in vars(namespace).items()
        if not name.startswith("_") and isinstance(value, ObjectIdentifier)
    }


SIGNATURE_NAMES = {
    oid: name.replace("_WITH_", " with ").replace("_", "-") for oid, name in _constants(SignatureAlgorithmOID).items()
}
EXTENSION_NAMES = {oid: name.replace("_", " ").lower() for oid, name in _constants(ExtensionOID).items()}
EKU_NAMES = {
    ExtendedKeyUsageOID.SERVER_AUTH: "TLS server (serverAuth)",
    ExtendedKeyUsageOID.CLIENT_AUTH: "TLS client (clientAuth)",
    ExtendedKeyUsageOID.CODE_SIGNING: "code signing (codeSigning)",
    ExtendedKeyUsageOID.EMAIL_PROTECTION: "e-mail protection (emailProtection)",
    ExtendedKeyUsageOID.TIME_STAMPING: "time stamping (timeStamping)",
    ExtendedKeyUsageOID.OCSP_SIGNING: "OCSP signing (OCSPSigning)",
    ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE: "any (anyExtendedKeyUsage)",
}
KEY_USAGES = (
    ("digital_signature", "digital signature"),
    ("content_commitment", "non-repudiation"),
    ("key_encipherment", "key encipherment"),
    ("data_encipherment", "data encipherment"),
    ("key_agreement", "key agreement"),
    ("key_cert_sign", "certificate signing"),
    ("crl_sign", "CRL signing"),
)
NAME_PREFIXES = (
    (x509.DNSName, "DNS"),
    (x509.IPAddress, "IP Address"),
    (x509.RFC822Name, "email"),
    (x509.UniformResourceIdentifier, "URI"),
)
WEAK_HASHES = ("MD5", "SHA1")
NIST_CURVES = {f"secp{bits}r1": f"P-{bits}" for bits in (192, 224, 256, 384, 521)}


def signature_name(oid: ObjectIdentifier) -> str:
    """ "RSA with SHA256 (1.2.840.113549.1.1.11)"; an unknown algorithm by its dotted OID."""
    name = SIGNATURE_NAMES.get(oid)
    return f"{name} ({oid.dotted_string})" if name else oid.dotted_string


def extension_name(oid: ObjectIdentifier) -> str:
    return EXTENSION_NAMES.get(oid, oid.dotted_string)


def access_method(oid: ObjectIdentifier) -> str:
    return {AuthorityInformationAccessOID.OCSP: "OCSP", AuthorityInformationAccessOID.CA_ISSUERS: "CA Issuers"}.get(
        oid, oid.dotted_string
    )


def eku_name(oid: ObjectIdentifier) -> str:
    return EKU_NAMES.get(oid, oid.dotted_string)


def key_usages(usage: x509.KeyUsage) -> list[str]:
    names = [label for attribute, label in KEY_USAGES if getattr(usage, attribute)]
    if usage.key_agreement:  # these two are defined only with key agreement (RFC 5280 4.2.1.3)
        names += [f"{which} only" for which in ("encipher", "decipher") if getattr(usage, f"{which}_only")]
    return names


def general_name(name: x509.GeneralName) -> str:
    """One subjectAltName entry as OpenSSL writes it: "DNS:example.com", "IP Address:192.0.2.1"."""
    if isinstance(name, x509.DirectoryName):
        return f"DirName:{name.value.rfc4514_string()}"
    if isinstance(name, x509.RegisteredID):
        return f"Registered ID:{name.value.dotted_string}"
    if isinstance(name, x509.OtherName):
        return f"othername:{name.type_id.dotted_string}"
    prefix = next((prefix for cls, prefix in NAME_PREFIXES if isinstance(name, cls)), None)
    return f"{prefix}:{name.value}" if prefix else str(name)
