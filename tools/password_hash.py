"""Hash a password with bcrypt or Argon2id (chosen cost), or verify a password against a stored hash."""

from __future__ import annotations

import re
from typing import Literal

import argon2
import bcrypt
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from pydantic import BaseModel, Field

from core.forms import ToolInputError, utf8_bytes
from core.operations import Operation
from core.registry import Tool

MAX_PASSWORD = 1_000
MAX_HASH = 500
BCRYPT_MAX_BYTES = 72  # bcrypt reads at most 72 bytes; bcrypt 5 refuses longer passwords rather than cut them
# Caps that keep one call well under the work time limit (5 s): bcrypt cost 13 takes about 0.5 s on one
# core, Argon2id t=10, m=64 MiB, p=4 about 0.4 s; 64 MiB stays inside the bounded executor's memory limit.
BCRYPT_COSTS = (4, 13)
ARGON2_TIME = (1, 10)
ARGON2_MEMORY_KIB = (1024, 65536)
ARGON2_PARALLELISM = (1, 16)
BCRYPT_HASH = re.compile(r"\$2[abxy]\$(\d\d)\$[./A-Za-z0-9]{53}")
Mode = Literal["hash", "verify"]
Algorithm = Literal["bcrypt", "argon2id"]


class PasswordHashInput(BaseModel):
    mode: Mode = Field(default="hash", description="hash: make a new hash of the password; verify: check `hash`.")
    input: str = Field(
        max_length=MAX_PASSWORD,
        title="Password",
        description="The password (UTF-8). Never stored, logged or put in a share link.",
    )
    algorithm: Algorithm = Field(default="bcrypt", description="mode=hash: bcrypt or argon2id (RFC 9106).")
    cost: int = Field(
        default=12,
        title="Cost (bcrypt)",
        ge=BCRYPT_COSTS[0],
        le=BCRYPT_COSTS[1],
        description="bcrypt: log2 of the rounds, 4-13.",
    )
    time_cost: int = Field(default=3, ge=ARGON2_TIME[0], le=ARGON2_TIME[1], description="argon2id: passes, 1-10.")
    memory_kib: int = Field(
        default=65536,
        title="Memory (KiB)",
        ge=ARGON2_MEMORY_KIB[0],
        le=ARGON2_MEMORY_KIB[1],
        description="argon2id: memory in KiB, 1024-65536 (64 MiB, RFC 9106's second recommended option).",
    )
    parallelism: int = Field(default=4, ge=1, le=4, description="argon2id: lanes, 1-4.")
    hash: str = Field(
        default="",
        max_length=MAX_HASH,
        description="mode=verify: the stored hash, $2a$/$2b$/$2y$ (bcrypt) or $argon2id$/$argon2i$/$argon2d$.",
    )


class PasswordHashOutput(BaseModel):
    mode: Mode
    algorithm: str = Field(description="bcrypt, argon2id, argon2i or argon2d.")
    hash: str = Field(description="mode=hash: the new hash (a random salt each time); verify: the hash checked.")
    parameters: dict[str, int] = Field(description="The cost parameters in the hash (bcrypt cost; argon2 t, m, p).")
    matches: bool | None = Field(description="mode=verify: whether the password matches; null for mode=hash.")
    summary: str = Field(description='One line: "bcrypt hash, cost 12" or "The password matches this bcrypt hash."')


def password_bytes(text: str) -> bytes:
    if not text:
        raise ToolInputError("type the password", "input")
    return utf8_bytes(text)


def bcrypt_password(text: str) -> bytes:
    raw = password_bytes(text)
    if len(raw) > BCRYPT_MAX_BYTES:
        raise ToolInputError(
            f"bcrypt uses at most {BCRYPT_MAX_BYTES} bytes of a password and this one has {len(raw)} in UTF-8: "
            "shorten it, or choose argon2id",
        )
    return raw


def make_hash(data: PasswordHashInput) -> PasswordHashOutput:
    if data.algorithm == "bcrypt":
        hashed = bcrypt.hashpw(bcrypt_password(data.input), bcrypt.gensalt(data.cost)).decode("ascii")
        return PasswordHashOutput(
            mode="hash",
            algorithm="bcrypt",
            hash=hashed,
            parameters={"cost": data.cost},
            matches=None,
            summary=f"bcrypt hash, cost {data.cost} (2^{data.cost} rounds)",
        )
    hasher = argon2.PasswordHasher(
        time_cost=data.time_cost, memory_cost=data.memory_kib, parallelism=data.parallelism, type=argon2.Type.ID
    )
    hashed = hasher.hash(password_bytes(data.input))
    parameters = {"time_cost": data.time_cost, "memory_kib": data.memory_kib, "parallelism": data.parallelism}
    summary = f"argon2id hash, t={data.time_cost}, m={data.memory_kib} KiB, p={data.parallelism}"
    return PasswordHashOutput(
        mode="hash", algorithm="argon2id", hash=hashed, parameters=parameters, matches=None, summary=summary
    )


def check_bcrypt(password: str, stored: str) -> tuple[bool, dict[str, int]]:
    found = BCRYPT_HASH.fullmatch(stored)
    if not found:
        raise ToolInputError("this is not a bcrypt hash: $2b$, two digits of cost, $, then 53 characters", "hash")
    cost = int(found.group(1))
    if not BCRYPT_COSTS[0] <= cost <= BCRYPT_COSTS[1]:
        raise ToolInputError(
            f"the hash's cost is {cost}; this tool verifies costs {BCRYPT_COSTS[0]}-{BCRYPT_COSTS[1]} "
            "(each step doubles the time)",
            "hash",
        )
    try:
        return bcrypt.checkpw(bcrypt_password(password), stored.encode("ascii")), {"cost": cost}
    except ValueError:
        raise ToolInputError("this bcrypt hash cannot be read (its salt or checksum is malformed)", "hash") from None


def check_argon2(password: str, stored: str) -> tuple[str, bool, dict[str, int]]:
    try:
        found = argon2.extract_parameters(stored)
    except InvalidHashError:
        raise ToolInputError("this Argon2 hash cannot be read: $argon2id$v=19$m=…,t=…,p=…$salt$hash", "hash") from None
    parameters = {"time_cost": found.time_cost, "memory_kib": found.memory_cost, "parallelism": found.parallelism}
    bounds = {"time_cost": ARGON2_TIME, "memory_kib": ARGON2_MEMORY_KIB, "parallelism": ARGON2_PARALLELISM}
    for name, (low, high) in bounds.items():
        if not low <= parameters[name] <= high:
            raise ToolInputError(
                f"the hash's {name} is {parameters[name]}; this tool verifies {name} {low}-{high}", "hash"
            )
    try:
        matches = argon2.PasswordHasher().verify(stored, password_bytes(password))
    except VerifyMismatchError:
        matches = False
    except (InvalidHashError, VerificationError):
        raise ToolInputError("this Argon2 hash cannot be checked: is it complete?", "hash") from None
    return f"argon2{found.type.name.lower()}", matches, parameters


def verify(data: PasswordHashInput) -> PasswordHashOutput:
    stored = data.hash.strip()
    if not stored:
        raise ToolInputError("paste the stored hash to verify the password against", "hash")
    if stored.startswith("$2"):
        algorithm = "bcrypt"
        matches, parameters = check_bcrypt(data.input, stored)
    elif stored.startswith("$argon2"):
        algorithm, matches, parameters = check_argon2(data.input, stored)
    else:
        raise ToolInputError("the hash must start with $2a$, $2b$, $2y$ (bcrypt) or $argon2 (Argon2)", "hash")
    said = "matches" if matches else "does NOT match"
    return PasswordHashOutput(
        mode="verify",
        algorithm=algorithm,
        hash=stored,
        parameters=parameters,
        matches=matches,
        summary=f"The password {said} this {algorithm} hash.",
    )


def run(data: PasswordHashInput) -> PasswordHashOutput:
    """Hash a password with bcrypt or Argon2id (mode=hash), or check it against a stored hash (mode=verify)."""
    return verify(data) if data.mode == "verify" else make_hash(data)


def primary_text(output: PasswordHashOutput) -> str:
    """The new hash; for a check, "match" or "no match"."""
    if output.mode == "hash":
        return output.hash
    return "match" if output.matches else "no match"


TOOL = Tool(
    slug="password-hash",
    title="Password hash",
    category="Crypto",
    icon="shield-check",
    keywords=("bcrypt", "argon2", "argon2id", "hash password", "verify", "salt", "kdf", "crypt"),
    # The cheap checks first: the first example runs on every view of the empty page.
    examples=(
        (
            # Openwall crypt_blowfish's test vector (also in John the Ripper and passlib).
            "Verify a bcrypt vector",
            {"mode": "verify", "input": "U*U", "hash": "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"},
        ),
        (
            # The Argon2 reference implementation's test vector (phc-winner-argon2, src/test.c).
            "Verify an Argon2id vector",
            {
                "mode": "verify",
                "input": "password",
                "hash": "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
            },
        ),
        ("bcrypt, cost 10", {"mode": "hash", "input": "correct horse battery staple", "cost": "10"}),
        ("Argon2id, RFC 9106 defaults", {"mode": "hash", "input": "hunter2", "algorithm": "argon2id"}),
    ),
    operations=(
        Operation(
            PasswordHashInput,
            run,
            PasswordHashOutput,
            primary=primary_text,
            bounded=True,  # deliberately slow: it runs where it can be stopped
            varies=True,  # a new salt on every hash
            first_load="example",
            ready=lambda data: bool(data.input),
            context=lambda form, result: {"share": None},  # a link without the password shows nothing
            share_secret=("input",),
            response_headers={"Cache-Control": "no-store"},
        ),
    ),
)
