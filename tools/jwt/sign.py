"""Sign claims as a JWS compact token (HS*, RS*, PS256, ES*, EdDSA) with PyJWT's algorithms; no Quart imports."""

from __future__ import annotations

import base64
import json
import warnings
from typing import Any, Literal

import jwt
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm
from jwt.warnings import InsecureKeyLengthWarning
from pydantic import BaseModel, Field

from core.forms import ToolInputError, utf8_bytes
from tools.jwt.decode import parse_json
from tools.jwt.verify import HMAC_ALGORITHMS, MIN_RSA_BITS, describe_key, expected_key, hmac_secret, key_fits

SignAlgorithm = Literal[
    "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "ES512", "EdDSA"
]
MAX_CLAIMS = 100_000
MAX_KEY = 20_000
MAX_RSA_BITS = 8192  # signing with a larger key costs seconds; none is in common use
JWK_READERS = {"RSA": RSAAlgorithm, "EC": ECAlgorithm, "OKP": OKPAlgorithm}


class SignInput(BaseModel):
    input: str = Field(
        max_length=MAX_CLAIMS,
        title="Claims",
        description='The claims as a JSON object, e.g. {"sub": "1234", "exp": 1900000000}; with exact, any text.',
    )
    algorithm: SignAlgorithm = Field(default="HS256", description="The JWS algorithm (RFC 7518 §3.1, RFC 8037).")
    key: str = Field(
        default="",
        max_length=MAX_KEY,
        description="HS*: the shared secret. Others: the private key as PEM (PKCS #8, PKCS #1, SEC 1), OpenSSH or "
        "JWK. Never stored, logged or put in a share link.",
    )
    key_encoding: Literal["text", "base64url"] = Field(
        default="text", description='How an HMAC secret is written: text (UTF-8) or base64url (a JWK\'s "k").'
    )
    header: str = Field(
        default="",
        max_length=10_000,
        description='More header members as a JSON object, e.g. {"kid": "key-1"}; "alg" comes from algorithm and '
        '"typ" is "JWT" unless given. With exact: the whole header.',
    )
    exact: bool = Field(
        default=False,
        description="Sign the header and claims texts byte for byte, line breaks and all (as the RFC examples do), "
        "instead of as compact JSON; the header must then be complete, with its alg.",
    )


class SignOutput(BaseModel):
    token: str = Field(description="The signed token, header.payload.signature (JWS compact serialization).")
    header: dict[str, Any] = Field(description="The protected header.")
    header_text: str = Field(description="The header exactly as signed.")
    payload_text: str = Field(description="The payload exactly as signed.")
    algorithm: SignAlgorithm
    signature_bytes: int = Field(description="Length of the signature, in bytes.")
    notes: list[str] = Field(description="Warnings, e.g. an HMAC secret shorter than RFC 7518 requires.")


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def json_object(text: str, field: str, what: str) -> dict[str, Any]:
    try:
        value = parse_json(utf8_bytes(text, field))
    except ValueError as exc:
        raise ToolInputError(f"the {what} is not JSON: {exc}", field) from None
    if not isinstance(value, dict):
        raise ToolInputError(f"the {what} must be a JSON object {{…}}", field)
    return value


def compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def header_and_payload(data: SignInput) -> tuple[dict[str, Any], str, str]:
    """(header, header text, payload text) as they will be signed."""
    if data.exact:
        header_text = data.header
        header = json_object(header_text, "header", "header")
        if header.get("alg") != data.algorithm:
            raise ToolInputError(
                f'with exact, the header is the whole header: it needs "alg": "{data.algorithm}"', "header"
            )
        return header, header_text, data.input
    extras = json_object(data.header, "header", "header") if data.header.strip() else {}
    if "alg" in extras and extras["alg"] != data.algorithm:
        raise ToolInputError(f'the header\'s "alg" is set from algorithm ({data.algorithm}): remove it', "header")
    if "crit" in extras:
        raise ToolInputError('"crit" names extensions this tool does not implement (RFC 7515 §4.1.11)', "header")
    header = {"alg": data.algorithm, "typ": "JWT", **{k: v for k, v in extras.items() if k != "alg"}}
    payload = json_object(data.input, "input", "claims")
    return header, compact(header), compact(payload)


def jwk_key(text: str):
    """The key in a JWK (RSA, EC or OKP); ToolInputError without a usable kty, ValueError when it does not load."""
    jwk = json.loads(text)
    kty = jwk.get("kty") if isinstance(jwk, dict) else None
    if not isinstance(kty, str) or kty not in JWK_READERS:
        raise ToolInputError('a JWK key is a JSON object with "kty" RSA, EC or OKP', "key")
    return JWK_READERS[kty].from_jwk(jwk)


def private_key(algorithm: str, text: str):
    """The private key for an asymmetric algorithm; ToolInputError (field `key`) says what does not fit."""
    text = text.strip()
    try:
        if text.startswith("-----BEGIN OPENSSH PRIVATE KEY-----"):
            key = serialization.load_ssh_private_key(text.encode("ascii", "replace"), password=None)
        elif text.startswith("-----BEGIN") and "PRIVATE KEY-----" in text.split("\n", 1)[0]:
            key = serialization.load_pem_private_key(text.encode("ascii", "replace"), password=None)
        elif text.startswith("{"):
            key = jwk_key(text)
        elif text.startswith(("-----BEGIN", "ssh-", "ecdsa-")):
            raise ToolInputError(f"{algorithm} signs with a private key; this is a public key or certificate", "key")
        else:
            raise ToolInputError(
                f"{algorithm} needs a private key (PEM, OpenSSH or JWK); a shared secret only works with HS256/384/512",
                "key",
            )
    except ToolInputError:
        raise
    except TypeError:
        raise ToolInputError("this private key is encrypted: decrypt it first", "key") from None
    except (ValueError, KeyError, UnsupportedAlgorithm, jwt.InvalidKeyError, RecursionError):
        raise ToolInputError("the private key could not be read: is it complete?", "key") from None
    public = key.public_key() if hasattr(key, "public_key") else None
    if public is None:
        raise ToolInputError(f"{algorithm} signs with a private key; this JWK has only the public part", "key")
    if not key_fits(algorithm, public):  # EdDSA: Ed25519 or Ed448 (RFC 8037 §3.1)
        raise ToolInputError(f"{algorithm} needs {expected_key(algorithm).replace('public', 'private')}, "
                             f"but this is {describe_key(public)}", "key")  # fmt: skip
    if isinstance(key, rsa.RSAPrivateKey) and key.key_size > MAX_RSA_BITS:
        raise ToolInputError(f"an RSA key of {key.key_size} bits: this tool signs with up to {MAX_RSA_BITS}", "key")
    return key


def signing_key(data: SignInput) -> tuple[Any, tuple[str, ...]]:
    if not data.key.strip():
        raise ToolInputError("enter the key to sign with", "key")
    if data.algorithm in HMAC_ALGORITHMS:
        return hmac_secret(data.algorithm, data.key, data.key_encoding)
    key = private_key(data.algorithm, data.key)
    notes: tuple[str, ...] = ()
    if isinstance(key, rsa.RSAPrivateKey) and key.key_size < MIN_RSA_BITS:
        notes = (f"the RSA key has {key.key_size} bits; RFC 7518 §3.3 requires {MIN_RSA_BITS} or more",)
    return key, notes


def sign(data: SignInput) -> SignOutput:
    """Sign claims (JSON) as a JWT with a secret (HS*) or a private key (RS*, PS256, ES*, EdDSA)."""
    header, header_text, payload_text = header_and_payload(data)
    key, notes = signing_key(data)
    signing_input = f"{b64url(utf8_bytes(header_text, 'header'))}.{b64url(utf8_bytes(payload_text))}"
    algorithm = jwt.PyJWS().get_algorithm_by_name(data.algorithm)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureKeyLengthWarning)  # reported in `notes` instead
        if data.algorithm in HMAC_ALGORITHMS:
            try:
                key = algorithm.prepare_key(key)
            except jwt.InvalidKeyError as exc:  # a JWK or key pasted as a secret: the algorithm-confusion guard
                raise ToolInputError(f"this cannot be an HMAC secret: {exc}", "key") from None
        signature = algorithm.sign(signing_input.encode("ascii"), key)
    return SignOutput(
        token=f"{signing_input}.{b64url(signature)}",
        header=header,
        header_text=header_text,
        payload_text=payload_text,
        algorithm=data.algorithm,
        signature_bytes=len(signature),
        notes=list(notes),
    )
