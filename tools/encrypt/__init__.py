"""Encrypt and decrypt text with a passphrase: AES-256-GCM, the key from scrypt or Argon2id, in a documented format."""

from __future__ import annotations

import os
from typing import Literal

from pydantic import BaseModel, Field

from core.forms import ToolInputError, utf8_bytes
from core.operations import Operation
from core.registry import Tool
from tools.encrypt.envelope import NONCE_BYTES, SALT_BYTES, check_bounds, open_envelope, seal

MAX_TEXT = 100_000
Mode = Literal["encrypt", "decrypt"]
Kdf = Literal["scrypt", "argon2id"]


class EncryptInput(BaseModel):
    mode: Mode = Field(default="encrypt", description="encrypt the text, or decrypt a text this tool encrypted.")
    input: str = Field(
        max_length=MAX_TEXT,
        title="Text",
        description="encrypt: any text (UTF-8); decrypt: the mtenc1$… text.",
    )
    passphrase: str = Field(
        max_length=1_000, description="The passphrase (UTF-8). Never stored, logged or put in a share link."
    )
    kdf: Kdf = Field(
        default="scrypt", title="Key derivation", description="encrypt: how the key is derived, scrypt or argon2id."
    )
    scrypt_ln: int = Field(
        default=15, ge=10, le=16, title="scrypt log2(N)", description="encrypt, scrypt: N = 2^ln (15: 32 MiB), 10-16."
    )
    argon2_memory_kib: int = Field(
        default=65536,
        ge=1024,
        le=65536,
        title="Argon2id memory (KiB)",
        description="encrypt, argon2id: memory in KiB, 1024-65536.",
    )
    argon2_time_cost: int = Field(
        default=3, ge=1, le=10, title="Argon2id passes", description="encrypt, argon2id: passes, 1-10."
    )


class EncryptOutput(BaseModel):
    mode: Mode
    result: str = Field(description="encrypt: the mtenc1$… text; decrypt: the plain text.")
    kdf: Kdf
    parameters: dict[str, int] = Field(description="The KDF's parameters (scrypt ln, r, p; argon2id m, t, p).")
    plaintext_bytes: int = Field(description="The plain text's length in UTF-8 bytes.")


def kdf_parameters(data: EncryptInput) -> dict[str, int]:
    if data.kdf == "scrypt":
        parameters = {"ln": data.scrypt_ln, "r": 8, "p": 1}
    else:
        parameters = {"m": data.argon2_memory_kib, "t": data.argon2_time_cost, "p": 4}
    check_bounds(data.kdf, parameters)
    return parameters


def run(data: EncryptInput) -> EncryptOutput:
    """Encrypt text under a passphrase (AES-256-GCM, scrypt or Argon2id), or decrypt a mtenc1$… text."""
    if not data.passphrase:
        raise ToolInputError("type the passphrase", "passphrase")
    passphrase = utf8_bytes(data.passphrase, "passphrase")
    if data.mode == "decrypt":
        envelope, plaintext = open_envelope(data.input, passphrase)
        try:
            text = plaintext.decode("utf-8")
        except UnicodeDecodeError:
            raise ToolInputError("it decrypts, but to bytes that are not UTF-8 text") from None
        parameters = envelope.parameters
        return EncryptOutput(
            mode="decrypt", result=text, kdf=envelope.kdf, parameters=parameters, plaintext_bytes=len(plaintext)
        )
    plaintext = utf8_bytes(data.input, "input")
    parameters = kdf_parameters(data)
    sealed = seal(plaintext, passphrase, data.kdf, parameters, os.urandom(SALT_BYTES), os.urandom(NONCE_BYTES))
    return EncryptOutput(
        mode="encrypt", result=sealed, kdf=data.kdf, parameters=parameters, plaintext_bytes=len(plaintext)
    )


# Made by this tool (scrypt ln=10 keeps the example quick); passphrase "correct horse battery staple".
EXAMPLE_SEALED = (
    "mtenc1$scrypt$ln=10,r=8,p=1$s3Aw1b_WN8MM-slRlcpOZQ$_WGic3r8kvLr1knX$"
    "bjp5SsWzmKQmwnnJZr6_3oWdnIJmOjYFUae40WzAPggf0jDptRquO1gkcR084ujl"
)

TOOL = Tool(
    slug="encrypt",
    title="Encrypt text",
    category="Crypto",
    icon="lock",
    keywords=("decrypt", "aes", "aes-gcm", "gcm", "passphrase", "scrypt", "argon2", "cipher", "secret message"),
    # The quick decryption first (scrypt ln=10): the first example runs on every view of the empty page.
    examples=(
        (
            "Decrypt",
            {"mode": "decrypt", "input": EXAMPLE_SEALED, "passphrase": "correct horse battery staple"},
        ),
        ("Encrypt with scrypt", {"mode": "encrypt", "input": "Attack at dawn", "passphrase": "correct horse"}),
        (
            "Encrypt with Argon2id",
            {"mode": "encrypt", "input": "Meet me at noon", "passphrase": "battery staple", "kdf": "argon2id"},
        ),
    ),
    operations=(
        Operation(
            EncryptInput,
            run,
            EncryptOutput,
            bounded=True,  # the key derivation is slow on purpose
            varies=True,  # a new salt and nonce on every encryption
            first_load="example",
            ready=lambda data: bool(data.input),
            context=lambda form, result: {"share": None},  # a link would need the passphrase
            share_secret=("passphrase",),
            response_headers={"Cache-Control": "no-store"},
        ),
    ),
)
