"""Key pairs in PEM, OpenSSH and JWK, with their OpenSSH SHA-256 fingerprint and RFC 7638 JWK thumbprint (no Quart)."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm

CURVES = {"P-256": ec.SECP256R1, "P-384": ec.SECP384R1, "P-521": ec.SECP521R1}
CURVE_NAMES = {"secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521"}
JWS_ALGORITHMS = {"P-256": "ES256", "P-384": "ES384", "P-521": "ES512"}
# RFC 7638 §3.2: the members that make up the thumbprint of each key type, in lexicographic order.
THUMBPRINT_MEMBERS = {"RSA": ("e", "kty", "n"), "EC": ("crv", "kty", "x", "y"), "OKP": ("crv", "kty", "x")}

PublicKey = rsa.RSAPublicKey | ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey
PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def generate(kind: str) -> PrivateKey:
    """A new private key: "rsa-2048/3072/4096", "ec-p256", "ec-p384" or "ed25519"."""
    if kind.startswith("rsa-"):
        return rsa.generate_private_key(public_exponent=65537, key_size=int(kind.removeprefix("rsa-")))
    if kind.startswith("ec-"):
        return ec.generate_private_key(CURVES["P-" + kind.removeprefix("ec-p")]())
    return ed25519.Ed25519PrivateKey.generate()


def describe(key: PublicKey) -> tuple[str, str]:
    """("RSA 2048", "RS256"), ("EC P-256", "ES256") or ("Ed25519", "EdDSA")."""
    if isinstance(key, rsa.RSAPublicKey):
        return f"RSA {key.key_size}", "RS256"
    if isinstance(key, ec.EllipticCurvePublicKey):
        curve = CURVE_NAMES[key.curve.name]
        return f"EC {curve}", JWS_ALGORITHMS[curve]
    return "Ed25519", "EdDSA"


def jwk_of(key: PublicKey | PrivateKey) -> dict[str, Any]:
    """The key as a JWK (RFC 7517/7518/8037) by PyJWT, private members included for a private key."""
    if isinstance(key, rsa.RSAPrivateKey | rsa.RSAPublicKey):
        return RSAAlgorithm.to_jwk(key, as_dict=True)
    if isinstance(key, ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey):
        return ECAlgorithm.to_jwk(key, as_dict=True)
    return OKPAlgorithm.to_jwk(key, as_dict=True)


def jwk_thumbprint(jwk: dict[str, Any]) -> str:
    """RFC 7638: SHA-256 of the required members as JSON, sorted, without whitespace; base64url."""
    members = THUMBPRINT_MEMBERS[jwk["kty"]]
    canonical = json.dumps({name: jwk[name] for name in members}, separators=(",", ":"), sort_keys=True)
    return b64url(hashlib.sha256(canonical.encode("utf-8")).digest())


def openssh_public(key: PublicKey, comment: str = "") -> str:
    line = key.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode("ascii")
    return f"{line} {comment}" if comment else line


def ssh_fingerprint(openssh_line: str) -> str:
    """What `ssh-keygen -l` shows: SHA256: and the unpadded Base64 of the SHA-256 of the key's wire blob."""
    blob = base64.b64decode(openssh_line.split()[1])
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode("ascii").rstrip("=")


def public_pem(key: PublicKey) -> str:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def private_pem(key: PrivateKey) -> str:
    """PKCS #8, unencrypted."""
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def private_openssh(key: PrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, serialization.NoEncryption()
    ).decode()


def pretty(jwk: dict[str, Any]) -> str:
    return json.dumps(jwk, indent=2)
