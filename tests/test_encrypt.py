"""The encrypt tool: round trips, a fixed vector computed independently with cryptography's primitives,
tampering and wrong passphrases refused, hostile parameters refused before any work, HTTP."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from core.forms import ToolInputError
from tools.encrypt import EXAMPLE_SEALED, EncryptInput, run
from tools.encrypt.envelope import open_envelope, parse, seal

PASSPHRASE = "correct horse battery staple"
# A hand-made vector: salt 00 01 … 0f, nonce a0 a1 … ab, scrypt N=2^10 r=8 p=1, plaintext "Hello, GCM!".
SALT = bytes(range(16))
NONCE = bytes(range(0xA0, 0xAC))
PLAINTEXT = b"Hello, GCM!"


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def independent_scrypt_blob() -> str:
    """The format computed step by step from its description, without the tool's code."""
    header = f"mtenc1$scrypt$ln=10,r=8,p=1${b64url(SALT)}${b64url(NONCE)}$"
    assert header == "mtenc1$scrypt$ln=10,r=8,p=1$AAECAwQFBgcICQoLDA0ODw$oKGio6Slpqeoqaqr$"
    key = Scrypt(salt=SALT, length=32, n=1024, r=8, p=1).derive(PASSPHRASE.encode())
    return header + b64url(AESGCM(key).encrypt(NONCE, PLAINTEXT, header.encode()))


def test_the_fixed_scrypt_vector_matches_an_independent_computation():
    sealed = seal(PLAINTEXT, PASSPHRASE.encode(), "scrypt", {"ln": 10, "r": 8, "p": 1}, SALT, NONCE)
    assert sealed == independent_scrypt_blob()
    assert len(sealed.rsplit("$", 1)[1]) == 36  # 11 bytes of text + 16 of tag = 27 bytes in base64url
    assert open_envelope(sealed, PASSPHRASE.encode())[1] == PLAINTEXT


def test_the_fixed_argon2id_vector_matches_an_independent_computation():
    header = f"mtenc1$argon2id$m=1024,t=1,p=1${b64url(SALT)}${b64url(NONCE)}$"
    key = Argon2id(salt=SALT, length=32, iterations=1, lanes=1, memory_cost=1024).derive(PASSPHRASE.encode())
    expected = header + b64url(AESGCM(key).encrypt(NONCE, PLAINTEXT, header.encode()))
    assert seal(PLAINTEXT, PASSPHRASE.encode(), "argon2id", {"m": 1024, "t": 1, "p": 1}, SALT, NONCE) == expected


@pytest.mark.parametrize("kdf", ["scrypt", "argon2id"])
def test_round_trip_with_unicode(kdf):
    text = "Grüße, 世界 🌍\n"
    sealed = run(EncryptInput(input=text, passphrase="pässword", kdf=kdf, scrypt_ln=10, argon2_memory_kib=1024))
    assert sealed.result.startswith(f"mtenc1${kdf}$")
    opened = run(EncryptInput(mode="decrypt", input=sealed.result, passphrase="pässword"))
    assert (opened.result, opened.kdf, opened.plaintext_bytes) == (text, kdf, len(text.encode()))
    again = run(EncryptInput(input=text, passphrase="pässword", kdf=kdf, scrypt_ln=10, argon2_memory_kib=1024))
    assert again.result != sealed.result  # a new salt and nonce


def test_the_tools_example_decrypts():
    assert run(EncryptInput(mode="decrypt", input=EXAMPLE_SEALED, passphrase=PASSPHRASE)).result == (
        "The example of the encrypt tool."
    )


def test_a_wrong_passphrase_is_a_clear_error_on_the_passphrase():
    with pytest.raises(ToolInputError, match="wrong passphrase") as error:
        run(EncryptInput(mode="decrypt", input=independent_scrypt_blob(), passphrase="Correct horse battery staple"))
    assert error.value.field == "passphrase"


def flip(text: str, index: int) -> str:
    swapped = "B" if text[index] != "B" else "C"
    return text[:index] + swapped + text[index + 1 :]


@pytest.mark.parametrize("where", ["ciphertext", "tag", "nonce", "salt"])
def test_tampering_is_detected(where):
    blob = independent_scrypt_blob()
    parts = blob.split("$")
    index = {"salt": 3, "nonce": 4}.get(where, 5)
    position = -2 if where == "tag" else 1
    parts[index] = flip(parts[index], position % len(parts[index]))
    with pytest.raises(ToolInputError, match="altered"):
        open_envelope("$".join(parts), PASSPHRASE.encode())


def test_changing_a_parameter_within_bounds_is_detected_too():
    blob = independent_scrypt_blob().replace("ln=10,r=8,p=1", "ln=10,r=8,p=2")
    with pytest.raises(ToolInputError, match="altered"):
        open_envelope(blob, PASSPHRASE.encode())


@pytest.mark.parametrize(
    ("blob", "message"),
    [
        ("mtenc1$scrypt$ln=30,r=8,p=1$AAAA$oKGio6Slpqeoqaqr$AAAA", "ln=30 is outside 10-16"),  # 2^30: 1 TiB
        ("mtenc1$argon2id$m=4194304,t=1,p=1$AAAA$oKGio6Slpqeoqaqr$AAAA", "m=4194304 is outside"),
        ("mtenc1$scrypt$ln=10,r=8$AAAA$AAAA$AAAA", "takes the parameters"),
        ("mtenc1$pbkdf2$i=1$AAAA$AAAA$AAAA", "unknown key derivation"),
        ("gAAAAABh-fernet-token", "not encrypted text of this tool"),
        ("mtenc1$scrypt$ln=10,r=8,p=1$A+A/$oKGio6Slpqeoqaqr$AAAA", "salt is not base64url"),
        ("mtenc1$scrypt$ln=10,r=8,p=1$AAECAwQFBgcICQoLDA0ODw$oKGi$AAAA", "too short"),
    ],
)
def test_malformed_or_hostile_blobs_are_refused_before_any_work(blob, message):
    with pytest.raises(ToolInputError, match=message):
        parse(blob)


async def test_api_and_page(tool_client):
    body = {"mode": "decrypt", "input": independent_scrypt_blob(), "passphrase": PASSPHRASE}
    api = await tool_client.post("/api/encrypt", json=body)
    assert (await api.get_json())["result"] == "Hello, GCM!"
    assert api.headers["Cache-Control"] == "no-store"
    wrong = await tool_client.post("/api/encrypt", json={**body, "passphrase": "nope"})
    assert wrong.status_code == 422 and (await wrong.get_json())["error"]["field"] == "passphrase"
    page = await tool_client.post("/tools/encrypt/", form={**body, "passphrase": PASSPHRASE})
    html = await page.get_data(as_text=True)
    assert "Hello, GCM!" in html and "Link to this result" not in html
