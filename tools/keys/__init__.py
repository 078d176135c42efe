"""Generate RSA, EC (P-256/P-384) and Ed25519 key pairs as PEM, OpenSSH and JWK, or read a key; fingerprints of both."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from core.operations import Operation
from core.registry import Tool
from tools.keys import formats
from tools.keys.parse import read_key

Kind = Literal["ed25519", "ec-p256", "ec-p384", "rsa-2048", "rsa-3072", "rsa-4096"]
MAX_KEY = 20_000


class KeysInput(BaseModel):
    mode: Literal["generate", "inspect"] = Field(
        default="generate", description="generate: a new key pair; inspect: the public forms of the key in `input`."
    )
    kind: Kind = Field(default="ed25519", description="mode=generate: Ed25519, EC P-256/P-384, or RSA 2048-4096 bits.")
    comment: str = Field(default="", max_length=100, description="The comment after an OpenSSH public key.")
    input: str = Field(
        default="",
        max_length=MAX_KEY,
        title="Key",
        description="mode=inspect: a PEM public or private key or certificate, an OpenSSH public key, or a JWK. "
        "Only its public half is shown.",
    )


class KeysOutput(BaseModel):
    mode: Literal["generate", "inspect"]
    key_type: str = Field(description='"Ed25519", "EC P-256", "RSA 2048", ...')
    jws_algorithm: str = Field(description="The JWS algorithm for this key: EdDSA, ES256, ES384, RS256.")
    private_given: bool = Field(description="mode=inspect: a private key was given (only its public half is shown).")
    private_pem: str | None = Field(description="mode=generate: the private key, PKCS #8 PEM, unencrypted.")
    private_openssh: str | None = Field(description="mode=generate: the private key in OpenSSH's format.")
    private_jwk: str | None = Field(description="mode=generate: the private key as a JWK (with kid, alg and use).")
    public_pem: str = Field(description="The public key, SubjectPublicKeyInfo PEM.")
    public_openssh: str = Field(description="The public key for authorized_keys, with the comment.")
    public_jwk: str = Field(description="The public key as a JWK (with kid, alg and use).")
    ssh_fingerprint: str = Field(description="SHA256:… as ssh-keygen -l shows it.")
    jwk_thumbprint: str = Field(description="RFC 7638 SHA-256 thumbprint, base64url (also the JWKs' kid).")


def with_metadata(jwk: dict, thumbprint: str, algorithm: str) -> str:
    # "use" and "key_ops" should not both be present (RFC 7517 §4.3): keep "use".
    members = {name: value for name, value in jwk.items() if name != "key_ops"}
    return formats.pretty({**members, "kid": thumbprint, "alg": algorithm, "use": "sig"})


def run(data: KeysInput) -> KeysOutput:
    """Generate a key pair (mode=generate), or show a given key's public forms and fingerprints (mode=inspect)."""
    private = formats.generate(data.kind) if data.mode == "generate" else None
    public, private_given = (private.public_key(), False) if private else read_key(data.input)
    key_type, algorithm = formats.describe(public)
    public_jwk = formats.jwk_of(public)
    thumbprint = formats.jwk_thumbprint(public_jwk)
    openssh = formats.openssh_public(public, data.comment.strip())
    return KeysOutput(
        mode=data.mode,
        key_type=key_type,
        jws_algorithm=algorithm,
        private_given=private_given,
        private_pem=formats.private_pem(private) if private else None,
        private_openssh=formats.private_openssh(private) if private else None,
        private_jwk=with_metadata(formats.jwk_of(private), thumbprint, algorithm) if private else None,
        public_pem=formats.public_pem(public),
        public_openssh=openssh,
        public_jwk=with_metadata(public_jwk, thumbprint, algorithm),
        ssh_fingerprint=formats.ssh_fingerprint(openssh),
        jwk_thumbprint=thumbprint,
    )


def primary_text(output: KeysOutput) -> str:
    """A generated key pair's private PEM (what signing takes); an inspected key's SHA-256 fingerprint."""
    return output.private_pem or output.ssh_fingerprint


def page_context(form, result: KeysOutput | None) -> dict:
    """A link only to an inspected public key: a generated pair would differ, and a private key never goes in one."""
    shareable = result is not None and result.mode == "inspect" and not result.private_given
    return {} if shareable else {"share": None}


# RFC 8037 Appendix A.2: the public half of RFC 8032's test key 1, whose thumbprint A.3 gives.
RFC8037_JWK = '{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}'

TOOL = Tool(
    slug="keys",
    title="Key pairs",
    category="Crypto",
    icon="key-square",
    keywords=("ssh-keygen", "keygen", "rsa", "ecdsa", "ed25519", "pem", "openssh", "jwk", "fingerprint", "thumbprint"),
    examples=(
        ("Ed25519 for SSH", {"mode": "generate", "kind": "ed25519", "comment": "me@laptop"}),
        ("EC P-256 for ES256", {"mode": "generate", "kind": "ec-p256"}),
        ("Fingerprints of the RFC 8037 key", {"mode": "inspect", "input": RFC8037_JWK}),
    ),
    operations=(
        Operation(
            KeysInput,
            run,
            KeysOutput,
            primary=primary_text,
            bounded=True,  # an RSA 4096 key can take a second or more to find
            varies=True,  # a new key pair on every call
            context=page_context,
            response_headers={"Cache-Control": "no-store"},  # a private key must not sit in any cache
        ),
    ),
)
