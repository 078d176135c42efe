"""The password-hash tool: published bcrypt and Argon2id vectors, round trips, bounds on hostile hashes, HTTP."""

from __future__ import annotations

import argon2
import bcrypt
import pytest

from core.forms import ToolInputError
from tools.password_hash import PasswordHashInput, primary_text, run

# Openwall crypt_blowfish's wrapper.c test vectors (also John the Ripper's and passlib's bcrypt vectors).
OPENWALL_BCRYPT = (
    ("U*U", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"),
    ("U*U*", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.VGOzA784oUp/Z0DY336zx7pLYAy0lwK"),
    ("U*U*U", "$2a$05$XXXXXXXXXXXXXXXXXXXXXOAcXxm9kjPGEMsLznoKqmqw7tc8WCx4a"),
)
# The Argon2 reference implementation's test vector (phc-winner-argon2, src/test.c, Argon2id v=0x13):
# password "password", salt "somesalt" (c29tZXNhbHQ), t=2, m=65536 KiB, p=1.
REFERENCE_ARGON2ID = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"


def check(password: str, stored: str):
    return run(PasswordHashInput(mode="verify", input=password, hash=stored))


@pytest.mark.parametrize(("password", "stored"), OPENWALL_BCRYPT)
def test_openwall_bcrypt_vectors_verify_and_a_changed_password_does_not(password, stored):
    assert check(password, stored).matches is True
    assert check(password + "x", stored).matches is False
    assert check(password, stored).parameters == {"cost": 5}


def test_the_openwall_vector_is_what_the_bcrypt_library_computes_from_its_salt():
    assert bcrypt.hashpw(b"U*U", b"$2a$05$CCCCCCCCCCCCCCCCCCCCC.").decode() == OPENWALL_BCRYPT[0][1]


def test_argon2id_reference_vector():
    result = check("password", REFERENCE_ARGON2ID)
    assert (result.algorithm, result.matches) == ("argon2id", True)
    assert result.parameters == {"time_cost": 2, "memory_kib": 65536, "parallelism": 1}
    assert check("Password", REFERENCE_ARGON2ID).matches is False
    assert primary_text(check("Password", REFERENCE_ARGON2ID)) == "no match"


def test_bcrypt_round_trip_with_the_chosen_cost():
    made = run(PasswordHashInput(input="correct horse battery staple", cost=4))
    assert made.hash.startswith("$2b$04$") and len(made.hash) == 60
    assert bcrypt.checkpw(b"correct horse battery staple", made.hash.encode())
    assert check("correct horse battery staple", made.hash).matches is True
    assert run(PasswordHashInput(input="correct horse battery staple", cost=4)).hash != made.hash  # a new salt


def test_argon2id_round_trip_with_the_chosen_parameters():
    made = run(PasswordHashInput(input="hunter2", algorithm="argon2id", time_cost=1, memory_kib=1024, parallelism=1))
    assert made.hash.startswith("$argon2id$v=19$m=1024,t=1,p=1$")
    assert argon2.PasswordHasher().verify(made.hash, "hunter2")
    assert check("hunter2", made.hash).matches is True
    assert primary_text(made) == made.hash


def test_bcrypt_refuses_a_password_over_72_bytes_instead_of_cutting_it():
    with pytest.raises(ToolInputError, match="at most 72 bytes") as error:
        run(PasswordHashInput(input="é" * 37, cost=4))  # 74 bytes in UTF-8
    assert error.value.field == "input"


@pytest.mark.parametrize(
    ("stored", "message"),
    [
        ("$2b$31$" + "a" * 53, "cost is 31"),  # 2^31 rounds: days of work
        ("$argon2id$v=19$m=4194304,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc", "memory_kib"),
        ("$argon2id$v=19$m=65536,t=1000,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc", "time_cost"),
        ("$2b$04$short", "not a bcrypt hash"),
        ("$argon2id$garbage", "cannot be read"),
        ("5f4dcc3b5aa765d61d8327deb882cf99", "must start with"),
    ],
)
def test_hostile_hashes_are_refused_before_any_work(stored, message):
    with pytest.raises(ToolInputError, match=message) as error:
        check("password", stored)
    assert error.value.field == "hash"


def test_a_lone_surrogate_is_a_field_error_even_past_the_schema():
    with pytest.raises(ToolInputError, match="lone surrogate"):
        run(PasswordHashInput.model_construct(mode="hash", input="\ud800", algorithm="bcrypt", cost=4))


async def test_api_and_page(tool_client):
    body = {"mode": "verify", "input": "U*U", "hash": OPENWALL_BCRYPT[0][1]}
    api = await tool_client.post("/api/password-hash", json=body)
    assert api.status_code == 200
    assert (await api.get_json())["matches"] is True
    assert api.headers["Cache-Control"] == "no-store"
    bad = await tool_client.post("/api/password-hash", json={"input": "x", "cost": 14})
    assert bad.status_code == 422 and (await bad.get_json())["error"]["field"] == "cost"
    page = await tool_client.post("/tools/password-hash/", form={"mode": "hash", "input": "s3cret", "cost": "4"})
    html = await page.get_data(as_text=True)
    assert "$2b$04$" in html and "bcrypt hash, cost 4" in html
    assert "Link to this result" not in html  # the password never goes into a link
