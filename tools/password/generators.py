"""Passwords, passphrases and tokens from the `secrets` module, with their entropy in bits."""

from __future__ import annotations

import base64
import math
import secrets
import string
from functools import cache
from pathlib import Path

from core.forms import ToolInputError

WORDLIST_PATH = Path(__file__).resolve().parent.parent / "data" / "eff_large_wordlist.txt"
WORDLIST_SIZE = 7776  # 6^5: five dice per word (EFF)
BITS_PER_WORD = math.log2(WORDLIST_SIZE)  # 12.925
CLASSES = {
    "lower": string.ascii_lowercase,
    "upper": string.ascii_uppercase,
    "digits": string.digits,
    "symbols": string.punctuation,  # the 32 printable ASCII symbols: 26 + 26 + 10 + 32 = 94 in all
}
LOOKALIKES = "Il1|O0o"  # capital i, small L, one and pipe; capital O, zero and small o
MAX_ATTEMPTS = 10_000  # the worst case (4 characters, 4 classes) succeeds 1 time in 15 on average


def round_bits(bits: float) -> float:
    return round(bits, 2)


def password_alphabet(classes: list[str], exclude_lookalikes: bool = False) -> dict[str, str]:
    """The characters of each chosen class, without the look-alikes when asked."""
    chosen = {name: CLASSES[name] for name in CLASSES if name in classes}
    if exclude_lookalikes:
        chosen = {name: "".join(c for c in chars if c not in LOOKALIKES) for name, chars in chosen.items()}
    return chosen


def make_password(length: int, classes: list[str], exclude_lookalikes: bool = False) -> tuple[str, int, float]:
    """(password, alphabet size, entropy bits): uniform over the alphabet, at least one of each chosen class.

    Rejection sampling keeps every acceptable password equally likely (picking one of each class first and
    shuffling would not). The entropy shown is length * log2(alphabet), the usual figure; the at-least-one
    rule removes a small share of the space, which the figure ignores.
    """
    chosen = password_alphabet(classes, exclude_lookalikes)
    if not chosen:
        raise ToolInputError("choose at least one kind of character", "lower")
    if length < len(chosen):
        raise ToolInputError(
            f"a password with one of each of {len(chosen)} kinds needs at least {len(chosen)} characters", "length"
        )
    alphabet = "".join(chosen.values())
    for _ in range(MAX_ATTEMPTS):
        candidate = "".join(secrets.choice(alphabet) for _ in range(length))
        if all(any(c in chars for c in candidate) for chars in chosen.values()):
            return candidate, len(alphabet), round_bits(length * math.log2(len(alphabet)))
    raise ToolInputError("could not build a password with these settings: try again", "length")  # pragma: no cover


@cache
def wordlist() -> tuple[str, ...]:
    """The EFF large word list (tools/data/eff_large_wordlist.txt), one word a line."""
    words = tuple(line.strip() for line in WORDLIST_PATH.read_text(encoding="utf-8").splitlines() if line.strip())
    if len(words) != WORDLIST_SIZE or len(set(words)) != WORDLIST_SIZE:
        raise RuntimeError(f"{WORDLIST_PATH} must hold {WORDLIST_SIZE} distinct words")
    return words


def make_passphrase(
    words: int, separator: str = "-", capitalize: bool = False, add_digit: bool = False
) -> tuple[str, float]:
    """(passphrase, entropy bits): words drawn uniformly from the EFF list, 12.925 bits each.

    add_digit appends one random digit to one randomly chosen word: log2(10 * words) more bits.
    """
    chosen = [secrets.choice(wordlist()) for _ in range(words)]
    if capitalize:
        chosen = [w[:1].upper() + w[1:] for w in chosen]
    bits = words * BITS_PER_WORD
    if add_digit:
        position = secrets.randbelow(words)
        chosen[position] += str(secrets.randbelow(10))
        bits += math.log2(10 * words)
    return separator.join(chosen), round_bits(bits)


def make_token(size: int, token_format: str = "hex") -> tuple[str, float]:
    """(token, entropy bits) from `size` random bytes: 8 bits per byte whatever the notation."""
    raw = secrets.token_bytes(size)
    if token_format == "base64url":
        text = base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")  # as secrets.token_urlsafe
    elif token_format == "bytes":
        text = ", ".join(f"0x{b:02x}" for b in raw)  # ready to paste into an array literal
    else:
        text = raw.hex()
    return text, round_bits(8 * size)
