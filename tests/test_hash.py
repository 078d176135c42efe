"""The hash tool: published known-answer vectors for digest(), then the page and the JSON API."""

from __future__ import annotations

import hashlib
import html
import io
import json
import re
from urllib.parse import urlencode

import pytest

from core.forms import ToolInputError
from tools.hash.digests import ALGORITHMS, CHUNK, MAX_FILE, UploadTooLarge, digest, digest_file, verify
from tools.hash.models import MAX_INPUT

# FIPS 180-2 test messages: "abc" (one block), the 448-bit two-block message, and the 896-bit message that
# FIPS 180-2 uses for the two-block SHA-384 and SHA-512 examples.
ABC = "abc"
MSG_448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
MSG_896 = (
    "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
    + "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"
)

SHA2_VECTORS = [
    # FIPS 180-2, Appendix A.1 (SHA-1, one-block message "abc")
    ("sha1", ABC, "a9993e364706816aba3e25717850c26c9cd0d89d"),
    # FIPS 180-2, Appendix A.2 (SHA-1, 448-bit message)
    ("sha1", MSG_448, "84983e441c3bd26ebaae4aa1f95129e5e54670f1"),
    # FIPS 180-2 Change Notice 1, SHA-224 examples (also NIST CSRC example values, SHA224.pdf): "abc"
    ("sha224", ABC, "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7"),
    # FIPS 180-2 Change Notice 1, SHA-224 examples: 448-bit message
    ("sha224", MSG_448, "75388b16512776cc5dba5da1fd890150b0c6455cb4f58b1952522525"),
    # FIPS 180-2, Appendix B.1 (SHA-256, "abc")
    ("sha256", ABC, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    # FIPS 180-2, Appendix B.2 (SHA-256, 448-bit message)
    ("sha256", MSG_448, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    # FIPS 180-2, Appendix C.1 (SHA-384, "abc")
    (
        "sha384",
        ABC,
        "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7",
    ),
    # FIPS 180-2, Appendix C.2 (SHA-384, 896-bit message)
    (
        "sha384",
        MSG_896,
        "09330c33f71147e83d192fc782cd1b4753111b173b3b05d22fa08086e3b0f712fcc7c71a557e2db966c3e9fa91746039",
    ),
    # FIPS 180 gives no 448-bit example for SHA-384: this value is from Aaron Gifford's SHA-2 test vectors
    # (vector002), as republished in di-mgt.com.au "Test vectors for SHA-1, SHA-2 and SHA-3".
    (
        "sha384",
        MSG_448,
        "3391fdddfc8dc7393707a65b1b4709397cf8b1d162af05abfe8f450de5f36bc6b0455a8520bc4e6f5fe95b1fe3c8452b",
    ),
    # FIPS 180-2, Appendix D.1 (SHA-512, "abc")
    (
        "sha512",
        ABC,
        "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
        "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
    ),
    # FIPS 180-2, Appendix D.2 (SHA-512, 896-bit message)
    (
        "sha512",
        MSG_896,
        "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
        "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909",
    ),
    # As for SHA-384: Aaron Gifford's SHA-2 test vectors (vector002), via di-mgt.com.au's test vector page.
    (
        "sha512",
        MSG_448,
        "204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c335"
        "96fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445",
    ),
]

OTHER_VECTORS = [
    # FIPS 202 example values (NIST CSRC, SHA3-256_Msg0.pdf): the empty message
    ("sha3_256", "", "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a"),
    # FIPS 202 example values (NIST CSRC, SHA3-512_Msg0.pdf): the empty message
    (
        "sha3_512",
        "",
        "a69f73cca23a9ac5c8b567dc185a756e97c982164fe25859e0d1dcc1475c80a6"
        "15b2123af1f5f94c11e3e9402c3ac558f500199d95b6d3e301758586281dcd26",
    ),
    # RFC 7693, Appendix A: BLAKE2b-512("abc")
    (
        "blake2b",
        "abc",
        "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
        "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923",
    ),
    # RFC 7693, Appendix B: BLAKE2s-256("abc")
    ("blake2s", "abc", "508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982"),
]

# RFC 1321, Appendix A.5 (the MD5 test suite), all seven entries.
MD5_VECTORS = [
    ("", "d41d8cd98f00b204e9800998ecf8427e"),
    ("a", "0cc175b9c0f1b6a831c399e269772661"),
    ("abc", "900150983cd24fb0d6963f7d28e17f72"),
    ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
    ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
    ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"),
    ("1234567890" * 8, "57edf4a22be3c955ac49da2e2107b67a"),
]

# RFC 4231, section 4. The tool takes UTF-8 text keys, so only the cases whose key and data are valid
# UTF-8 apply: test case 1 (key 0x0b * 20, i.e. twenty U+000B characters), test case 2 ("Jefe") and
# test case 5 (key 0x0c * 20), whose published values are truncated to 128 bits.
RFC4231_CASE_1 = ("\x0b" * 20, "Hi There")
RFC4231_CASE_2 = ("Jefe", "what do ya want for nothing?")
RFC4231_CASE_5 = ("\x0c" * 20, "Test With Truncation")
HMAC_VECTORS = [
    # RFC 4231 section 4.2, test case 1
    (RFC4231_CASE_1, "sha224", "896fb1128abbdf196832107cd49df33f47b4b1169912ba4f53684b22"),
    (RFC4231_CASE_1, "sha256", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
    (
        RFC4231_CASE_1,
        "sha384",
        "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6",
    ),
    (
        RFC4231_CASE_1,
        "sha512",
        "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
        "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854",
    ),
    # RFC 4231 section 4.3, test case 2
    (RFC4231_CASE_2, "sha224", "a30e01098bc6dbbf45690f3a7e9e6d0f8bbea2a39e6148008fd05e44"),
    (RFC4231_CASE_2, "sha256", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
    (
        RFC4231_CASE_2,
        "sha384",
        "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649",
    ),
    (
        RFC4231_CASE_2,
        "sha512",
        "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
        "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737",
    ),
]
# RFC 4231 section 4.6, test case 5: only the first 128 bits are published.
HMAC_TRUNCATED_VECTORS = [
    (RFC4231_CASE_5, "sha224", "0e2aea68a90c8d37c988bcdb9fca6fa8"),
    (RFC4231_CASE_5, "sha256", "a3b6167473100ee06e0c796c2955552b"),
    (RFC4231_CASE_5, "sha384", "3abf34c3503b2a23a46efc619baef897"),
    (RFC4231_CASE_5, "sha512", "415fad6271580a531d4179bc891d87a6"),
]

SHA256_ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"  # FIPS 180-2, Appendix B.1
MD5_ABC = "900150983cd24fb0d6963f7d28e17f72"  # RFC 1321, Appendix A.5
HMAC_SHA256_CASE_2 = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"  # RFC 4231, 4.3

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
HTMX = {"HX-Request": "true"}


def share_link(page: str) -> str | None:
    found = re.search(r'<p class="share"><a href="([^"]*)">', page)
    return html.unescape(found.group(1)) if found else None


# --- known answers, through the pure function ------------------------------------------------------


@pytest.mark.parametrize(("algorithm", "message", "expected"), SHA2_VECTORS + OTHER_VECTORS)
def test_published_digest(algorithm, message, expected):
    assert digest(message, [algorithm]) == {algorithm: expected}


@pytest.mark.parametrize(("message", "expected"), MD5_VECTORS)
def test_md5_rfc1321_suite(message, expected):
    assert digest(message, ["md5"]) == {"md5": expected}


@pytest.mark.parametrize(("case", "algorithm", "expected"), HMAC_VECTORS)
def test_hmac_rfc4231(case, algorithm, expected):
    key, data = case
    assert digest(data, [algorithm], key=key) == {algorithm: expected}


@pytest.mark.parametrize(("case", "algorithm", "expected"), HMAC_TRUNCATED_VECTORS)
def test_hmac_rfc4231_truncated_output(case, algorithm, expected):
    key, data = case
    assert digest(data, [algorithm], key=key)[algorithm][: len(expected)] == expected


def test_every_algorithm_when_none_is_chosen():
    result = digest("abc")
    assert list(result) == list(ALGORITHMS)
    assert len(ALGORITHMS) == 10
    assert result["sha256"] == SHA256_ABC
    assert result["md5"] == MD5_ABC


def test_text_is_hashed_as_utf8():
    # "é" is C3 A9 in UTF-8, so its digest equals that of those two bytes (hashlib as the reference).
    import hashlib

    assert digest("é", ["sha256"])["sha256"] == hashlib.sha256(b"\xc3\xa9").hexdigest()


# --- JSON API ---------------------------------------------------------------------------------------


async def test_api_returns_the_chosen_algorithms(tool_client):
    response = await tool_client.post("/api/hash", json={"input": "abc", "algorithms": ["sha256", "md5"]})
    assert response.status_code == 200
    assert await response.get_json() == {"hmac": False, "digests": {"md5": MD5_ABC, "sha256": SHA256_ABC}}


async def test_api_uses_all_ten_algorithms_when_none_chosen(tool_client):
    response = await tool_client.post("/api/hash", json={"input": MSG_448})
    body = await response.get_json()
    assert response.status_code == 200
    assert set(body["digests"]) == set(ALGORITHMS)
    # FIPS 180-2, Appendix B.2
    assert body["digests"]["sha256"] == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"


async def test_api_hmac(tool_client):
    key, data = RFC4231_CASE_2
    response = await tool_client.post("/api/hash", json={"input": data, "algorithms": ["sha256"], "key": key})
    assert response.status_code == 200
    assert await response.get_json() == {"hmac": True, "digests": {"sha256": HMAC_SHA256_CASE_2}}


async def test_api_binary_looking_text_key(tool_client):
    # RFC 4231 test case 1: the key 0x0b * 20 is valid UTF-8 (twenty U+000B), so JSON can carry it.
    key, data = RFC4231_CASE_1
    response = await tool_client.post("/api/hash", json={"input": data, "algorithms": ["sha256"], "key": key})
    assert (await response.get_json())["digests"]["sha256"] == (
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"  # RFC 4231, 4.2
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"input": 5}, "input"),
        ({"input": None}, "input"),
        ({}, "input"),
        ({"algorithms": ["sha256"]}, "input"),
        ({"input": "abc", "algorithms": ["sha999"]}, "algorithms"),
        ({"input": "abc", "algorithms": "sha256"}, "algorithms"),
        ({"input": "abc", "key": 42}, "key"),
    ],
)
async def test_api_rejects_bad_fields_naming_the_field(tool_client, body, field):
    response = await tool_client.post("/api/hash", json=body)
    assert response.status_code == 422
    error = (await response.get_json())["error"]
    assert set(error) == {"message", "field"}
    assert error["field"] == field
    assert field in error["message"]


async def test_api_invalid_json_is_400(tool_client):
    response = await tool_client.post(
        "/api/hash", data='{"input": "abc",', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    error = (await response.get_json())["error"]
    assert "not valid JSON" in error["message"]
    assert error["field"] is None


async def test_api_oversize_input_states_the_limit(tool_client):
    response = await tool_client.post("/api/hash", json={"input": "a" * (MAX_INPUT + 1)})
    assert response.status_code in (413, 422)
    error = (await response.get_json())["error"]
    assert error["field"] == "input"
    assert str(MAX_INPUT) in error["message"]


async def test_api_body_over_max_content_length_is_413_with_the_limit(tool_client):
    response = await tool_client.post(
        "/api/hash",
        data=json.dumps({"input": "a" * (13 * 1024 * 1024)}),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert "12 MB" in (await response.get_json())["error"]["message"]


# --- page -------------------------------------------------------------------------------------------


async def test_page_post_without_htmx_returns_the_whole_page(tool_client):
    response = await tool_client.post(
        "/tools/hash/", data=urlencode({"input": "abc", "algorithms": "sha256"}), headers=FORM
    )
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" in page
    assert SHA256_ABC in page
    assert "HX-Request" in response.headers.get("Vary", "")


async def test_page_post_with_htmx_returns_only_the_result(tool_client):
    form = urlencode([("input", "abc"), ("algorithms", "sha256"), ("algorithms", "md5")])
    response = await tool_client.post("/tools/hash/", data=form, headers={**FORM, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in fragment
    assert SHA256_ABC in fragment and MD5_ABC in fragment
    assert "HX-Request" in response.headers.get("Vary", "")


async def test_page_missing_input_is_422(tool_client):
    response = await tool_client.post("/tools/hash/", data=urlencode({"algorithms": "sha256"}), headers=FORM)
    assert response.status_code == 422
    assert "Field required" in await response.get_data(as_text=True)


async def test_get_with_query_reproduces_the_result(tool_client):
    response = await tool_client.get("/tools/hash/?input=abc&algorithms=sha256")
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert SHA256_ABC in page
    assert MD5_ABC not in page
    assert share_link(page) == "/tools/hash/?input=abc&algorithms=sha256"


async def test_first_load_shows_the_first_example(tool_client):
    response = await tool_client.get("/tools/hash/")
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Example — SHA-256 of “abc” (FIPS 180-2)." in page
    assert f'<code id="digest-sha256">{hashlib.sha256(b"abc").hexdigest()}</code>' in page
    assert share_link(page) == "/tools/hash/?input=abc&algorithms=sha256"  # the example's own link
    assert "Field required" not in page and 'data-live-max-bytes="1000000"' in page


async def test_share_link_never_carries_the_hmac_key(tool_client):
    key, data = RFC4231_CASE_2
    form = urlencode({"input": data, "algorithms": "sha256", "key": key})
    page = await (await tool_client.post("/tools/hash/", data=form, headers=FORM)).get_data(as_text=True)
    assert HMAC_SHA256_CASE_2 in page
    link = share_link(page)
    assert link is not None
    assert "key=" not in link and key not in link
    fragment = await (await tool_client.post("/tools/hash/", data=form, headers={**FORM, **HTMX})).get_data(
        as_text=True
    )
    assert HMAC_SHA256_CASE_2 in fragment
    assert key not in fragment


async def test_shared_link_with_a_key_in_the_url_does_not_repeat_it(tool_client):
    response = await tool_client.get("/tools/hash/?input=abc&algorithms=sha256&key=Jefe")
    page = await response.get_data(as_text=True)
    assert "key=" not in share_link(page)


# --- OpenAPI ----------------------------------------------------------------------------------------


def request_properties(spec: dict, operation: dict) -> set[str]:
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    if "$ref" in schema:
        for part in schema["$ref"].lstrip("#/").split("/"):
            spec = spec[part]
        schema = spec
    return set(schema["properties"])


async def test_openapi_lists_hash_and_base64_with_their_fields(tool_client):
    response = await tool_client.get("/api/openapi.json")
    spec = await response.get_json()
    assert response.status_code == 200
    hash_op = spec["paths"]["/api/hash"]["post"]
    base64_op = spec["paths"]["/api/base64"]["post"]
    assert request_properties(spec, hash_op) == {"input", "algorithms", "key", "expected"}
    assert request_properties(spec, base64_op) == {"input", "mode", "alphabet", "output"}
    assert hash_op["summary"].startswith("Hash text")
    assert base64_op["summary"]


async def test_openapi_documents_the_file_upload(tool_client):
    spec = await (await tool_client.get("/api/openapi.json")).get_json()
    operation = spec["paths"]["/api/hash/file"]["post"]
    assert operation["operationId"] == "post_hash_file"
    assert operation["summary"].startswith("Hash an uploaded file")
    assert "10 MB" in operation["summary"]
    schema = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    assert set(schema["properties"]) == {"file", "algorithms", "key", "expected"}
    assert schema["required"] == ["file"]
    assert schema["properties"]["file"]["format"] == "binary"
    response_schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    if "$ref" in response_schema:
        response_schema = spec["components"]["schemas"][response_schema["$ref"].rsplit("/", 1)[1]]
    assert {"hmac", "digests", "verify", "file"} <= set(response_schema["properties"])


# --- files ------------------------------------------------------------------------------------------

# FIPS 180-2, Appendix A.3, B.3, C.3 and D.3 (and Change Notice 1 for SHA-224): one million 'a' characters.
MILLION_A = b"a" * 1_000_000
MILLION_A_DIGESTS = {
    "sha1": "34aa973cd4c4daa4f61eeb2bdbad27316534016f",
    "sha224": "20794655980c91d8bbb4c1ea97618a4bf03f42581948b2ee4ee7ad67",
    "sha256": "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
    "sha384": "9d0e1809716474cb086e834e310a4a1ced149e9c00f248527972cec5704c2a5b07b8b3dc38ecc4ebae97ddd87f3d8985",
    "sha512": (
        "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"
        "de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b"
    ),
}
BOUNDARY = "----mytools-test-boundary-7MA4YWxkTrZu0gW"


def multipart(fields=(), files=()) -> tuple[bytes, dict]:
    """A multipart/form-data body as a browser sends it; `files` holds (name, filename, content) triples."""
    parts = []
    for name, value in fields:
        head = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(head.encode() + value.encode() + b"\r\n")
    for name, filename, content in files:
        head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    body = b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()
    return body, {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}


class ChunkOnlyStream(io.BytesIO):
    """A stream that refuses to be read whole: every read must ask for at most CHUNK bytes."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.reads = 0

    def read(self, size: int | None = -1) -> bytes:
        assert size is not None and 0 < size <= CHUNK, f"read({size}) would take the whole file at once"
        self.reads += 1
        return super().read(size)


def test_file_digest_of_a_million_a_is_read_in_chunks():
    stream = ChunkOnlyStream(MILLION_A)
    digests, size = digest_file(stream, list(MILLION_A_DIGESTS))
    assert digests == MILLION_A_DIGESTS
    assert size == 1_000_000
    assert stream.reads == 1_000_000 // CHUNK + 2  # 15 full chunks, one partial, one empty read at the end


def test_file_digest_matches_the_text_digest():
    digests, size = digest_file(io.BytesIO(b"abc"))
    assert digests == digest("abc")
    assert (digests["sha256"], digests["md5"], size) == (SHA256_ABC, MD5_ABC, 3)


def test_file_hmac_rfc4231():
    key, data = RFC4231_CASE_2
    digests, _ = digest_file(io.BytesIO(data.encode()), ["sha256"], key)
    assert digests == {"sha256": HMAC_SHA256_CASE_2}


def test_file_over_the_limit_is_refused_while_reading():
    stream = ChunkOnlyStream(b"x" * (3 * CHUNK))
    with pytest.raises(UploadTooLarge) as raised:
        digest_file(stream, ["md5"], limit=2 * CHUNK)
    assert raised.value.field == "file"
    assert stream.reads == 3  # it stopped at the chunk that crossed the limit
    assert digest_file(io.BytesIO(b"x" * (2 * CHUNK)), ["md5"], limit=2 * CHUNK)[1] == 2 * CHUNK


async def test_api_file_abc(tool_client):
    body, headers = multipart([("algorithms", "sha256"), ("algorithms", "md5")], [("file", "abc.txt", b"abc")])
    response = await tool_client.post("/api/hash/file", data=body, headers=headers)
    assert response.status_code == 200
    assert await response.get_json() == {
        "hmac": False,
        "digests": {"md5": MD5_ABC, "sha256": SHA256_ABC},
        "file": {"filename": "abc.txt", "byte_length": 3},
    }


async def test_api_file_million_a(tool_client):
    body, headers = multipart([("algorithms", name) for name in MILLION_A_DIGESTS], [("file", "a.bin", MILLION_A)])
    response = await tool_client.post("/api/hash/file", data=body, headers=headers)
    assert response.status_code == 200
    result = await response.get_json()
    assert result["digests"] == MILLION_A_DIGESTS
    assert result["file"] == {"filename": "a.bin", "byte_length": 1_000_000}


async def test_api_file_hmac_and_verify(tool_client):
    key, data = RFC4231_CASE_2
    fields = [("algorithms", "sha256"), ("key", key), ("expected", HMAC_SHA256_CASE_2.upper())]
    body, headers = multipart(fields, [("file", "msg.txt", data.encode())])
    response = await tool_client.post("/api/hash/file", data=body, headers=headers)
    assert await response.get_json() == {
        "hmac": True,
        "digests": {"sha256": HMAC_SHA256_CASE_2},
        "verify": {"expected": HMAC_SHA256_CASE_2.upper(), "matched": True, "algorithm": "sha256"},
        "file": {"filename": "msg.txt", "byte_length": len(data)},
    }


async def test_api_file_of_exactly_10_mb_is_accepted(tool_client):
    body, headers = multipart([("algorithms", "md5")], [("file", "big.bin", b"\0" * MAX_FILE)])
    response = await tool_client.post("/api/hash/file", data=body, headers=headers)
    assert response.status_code == 200
    assert (await response.get_json())["file"]["byte_length"] == 10 * 1024 * 1024


async def test_api_file_over_10_mb_is_413_stating_the_limit(tool_client):
    body, headers = multipart([("algorithms", "md5")], [("file", "big.bin", b"\0" * (MAX_FILE + 1))])
    response = await tool_client.post("/api/hash/file", data=body, headers=headers)
    assert response.status_code == 413
    assert await response.get_json() == {
        "error": {"message": "the file is too large: the limit is 10 MB (10,485,760 bytes)", "field": "file"}
    }


async def test_api_body_over_the_server_limit_is_413_stating_the_file_limit(tool_client):
    body, headers = multipart([], [("file", "huge.bin", b"\0" * (13 * 1024 * 1024))])
    response = await tool_client.post("/api/hash/file", data=body, headers=headers)
    assert response.status_code == 413
    error = (await response.get_json())["error"]
    assert error["field"] == "file"
    assert "the limit is 12 MB" in error["message"] and "10 MB (10,485,760 bytes)" in error["message"]


@pytest.mark.parametrize(
    ("fields", "files", "field", "phrase"),
    [
        ([("algorithms", "sha256")], [], "file", "a part named file is required"),
        ([("file", "abc")], [], "file", "send it as a file"),
        ([("algorithms", "sha999")], [("file", "a", b"abc")], "algorithms", "algorithms"),
        ([("expected", "abc!")], [("file", "a", b"abc")], "expected", "'!' at position 4 (counting from 1)"),
        ([("key", "k" * 10_001)], [("file", "a", b"abc")], "key", "10000"),
    ],
)
async def test_api_file_errors_name_the_field(tool_client, fields, files, field, phrase):
    body, headers = multipart(fields, files)
    response = await tool_client.post("/api/hash/file", data=body, headers=headers)
    assert response.status_code == 422
    error = (await response.get_json())["error"]
    assert error["field"] == field
    assert phrase in error["message"]


async def test_api_file_wants_multipart(tool_client):
    response = await tool_client.post("/api/hash/file", json={"input": "abc"})
    assert response.status_code == 400
    assert await response.get_json() == {
        "error": {"message": "Send the file as multipart/form-data, in a part named file.", "field": "file"}
    }


async def test_page_hashes_an_uploaded_file_without_javascript(tool_client):
    fields = [("input", "ignored when a file is chosen"), ("algorithms", "sha256"), ("key", ""), ("expected", "")]
    body, headers = multipart(fields, [("file", "abc.txt", b"abc")])
    response = await tool_client.post("/tools/hash/", data=body, headers=headers)
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" in page
    assert f'<code id="digest-sha256">{SHA256_ABC}</code>' in page
    assert "<code>abc.txt</code>" in page and "(3 bytes)" in page
    assert share_link(page) is None  # a file cannot travel in a link


async def test_page_with_htmx_and_no_file_chosen_hashes_the_text(tool_client):
    # A browser sends an empty, nameless file part when no file is chosen.
    fields = [("input", "abc"), ("algorithms", "md5"), ("key", ""), ("expected", "")]
    body, headers = multipart(fields, [("file", "", b"")])
    response = await tool_client.post("/tools/hash/", data=body, headers={**headers, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in fragment
    assert f'<code id="digest-md5">{MD5_ABC}</code>' in fragment
    assert "of the text" in fragment
    assert "HX-Request" in response.headers.get("Vary", "")


async def test_page_multipart_text_may_exceed_quarts_default_field_size(tool_client):
    # Quart caps a multipart text field at 500 000 bytes by default; the tool's text limit is 1 000 000 characters.
    body, headers = multipart([("input", "a" * MAX_INPUT), ("algorithms", "sha256")], [("file", "", b"")])
    response = await tool_client.post("/tools/hash/", data=body, headers={**headers, **HTMX})
    assert response.status_code == 200
    assert MILLION_A_DIGESTS["sha256"] in await response.get_data(as_text=True)  # FIPS 180-2, Appendix B.3


async def test_page_file_over_10_mb_shows_the_limit_under_the_file_field(tool_client):
    body, headers = multipart([("input", "")], [("file", "big.bin", b"\0" * (MAX_FILE + 1))])
    response = await tool_client.post("/tools/hash/", data=body, headers={**headers, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 413
    oob = re.search(r'<div id="file-feedback" hx-swap-oob="true">(.*?)</div>', fragment, re.S)
    assert oob and "the limit is 10 MB (10,485,760 bytes)" in oob.group(1)
    assert '<div id="input-feedback" hx-swap-oob="true"></div>' in fragment
    assert "digest-" not in fragment


async def test_page_body_over_the_server_limit_shows_the_file_limit(tool_client):
    body, headers = multipart([("input", "")], [("file", "huge.bin", b"\0" * (13 * 1024 * 1024))])
    response = await tool_client.post("/tools/hash/", data=body, headers=headers)
    page = await response.get_data(as_text=True)
    assert response.status_code == 413
    assert "<html" in page
    assert "a file may be at most 10 MB (10,485,760 bytes)" in page
    assert 'aria-invalid="true" aria-describedby="file-error"' in page


async def test_page_form_uploads_files_and_keeps_the_text_live(tool_client):
    page = await (await tool_client.get("/tools/hash/")).get_data(as_text=True)
    assert 'enctype="multipart/form-data" hx-encoding="multipart/form-data"' in page
    assert '<label for="file">' in page and '<input id="file" name="file" type="file"' in page
    assert '<label for="expected">' in page
    # The text posts on its own without the file; its events do not reach the form (which sends the file).
    assert 'hx-trigger="input delay:300ms consume, change consume" hx-params="not file"' in page
    assert "css/tools/hash.css" in page
    assert "style=" not in page


# --- verify -----------------------------------------------------------------------------------------

# The FIPS 180-2 B.1 digest of "abc" written in Base64 (RFC 4648 section 4; converted with Python's base64).
SHA256_ABC_BASE64 = "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="


@pytest.mark.parametrize(
    ("expected", "algorithm"),
    [
        (SHA256_ABC, "sha256"),
        (SHA256_ABC.upper(), "sha256"),
        (f"  \t{SHA256_ABC}\n", "sha256"),
        (SHA256_ABC_BASE64, "sha256"),
        (SHA256_ABC_BASE64.rstrip("="), "sha256"),
        (SHA256_ABC_BASE64.replace("+", "-").replace("/", "_").rstrip("="), "sha256"),  # base64url
        (MD5_ABC, "md5"),
        ("a9993e364706816aba3e25717850c26c9cd0d89d", "sha1"),  # FIPS 180-2, Appendix A.1
        ("508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982", "blake2s"),  # RFC 7693, Appendix B
    ],
)
def test_verify_names_the_algorithm_that_matched(expected, algorithm):
    check = verify(expected, digest("abc"))
    assert (check.matched, check.algorithm, check.expected) == (True, algorithm, expected.strip())


@pytest.mark.parametrize(
    "expected",
    [
        SHA256_ABC[:-1] + "e",  # one digit off
        SHA256_ABC[:32],  # truncated: equals no whole digest
        "00" * 32,
    ],
)
def test_verify_no_match(expected):
    check = verify(expected, digest("abc"))
    assert (check.matched, check.algorithm) == (False, None)


def test_verify_only_among_the_chosen_algorithms():
    assert verify(MD5_ABC, digest("abc", ["sha256"])).matched is False


@pytest.mark.parametrize(
    ("expected", "phrase"),
    [
        ("sha256:" + SHA256_ABC, "invalid character ':' at position 7 (counting from 1)"),
        (SHA256_ABC[:10] + " " + SHA256_ABC[10:], "U+0020 at position 11"),
        ("abc", "odd number of hex digits (3)"),
        (SHA256_ABC[:-2], "as hex it is 31 bytes long, and the digests here are 16, 20, 28, 32, 48 or 64 bytes"),
        ("Zm9vYmFy", "as Base64 it is 6 bytes long"),
        ("ab=c", "neither hex nor valid Base64"),
    ],
)
def test_verify_refuses_what_is_not_a_digest(expected, phrase):
    with pytest.raises(ToolInputError) as raised:
        verify(expected, digest("abc"))
    assert raised.value.field == "expected"
    assert phrase in raised.value.message


async def test_api_verify_match(tool_client):
    body = {"input": "abc", "algorithms": ["md5", "sha256"], "expected": f" {SHA256_ABC.upper()} "}
    response = await tool_client.post("/api/hash", json=body)
    assert response.status_code == 200
    assert await response.get_json() == {
        "hmac": False,
        "digests": {"md5": MD5_ABC, "sha256": SHA256_ABC},
        "verify": {"expected": SHA256_ABC.upper(), "matched": True, "algorithm": "sha256"},
    }


async def test_api_verify_no_match(tool_client):
    body = {"input": "abd", "algorithms": ["sha256"], "expected": SHA256_ABC}
    response = await tool_client.post("/api/hash", json=body)
    result = await response.get_json()
    assert result["verify"] == {"expected": SHA256_ABC, "matched": False, "algorithm": None}


async def test_api_without_expected_has_no_verify(tool_client):
    for expected in (None, "", "   "):
        body = {"input": "abc", "algorithms": ["md5"]} | ({} if expected is None else {"expected": expected})
        response = await tool_client.post("/api/hash", json=body)
        assert await response.get_json() == {"hmac": False, "digests": {"md5": MD5_ABC}}


async def test_api_verify_bad_digest_is_422_naming_the_field(tool_client):
    response = await tool_client.post("/api/hash", json={"input": "abc", "expected": "xyz?"})
    assert response.status_code == 422
    error = (await response.get_json())["error"]
    assert error["field"] == "expected"
    assert "'?' at position 4 (counting from 1)" in error["message"]


async def test_page_verify_shows_the_verdict_and_keeps_it_in_the_share_link(tool_client):
    query = urlencode({"input": "abc", "algorithms": "sha256", "expected": SHA256_ABC})
    page = await (await tool_client.get(f"/tools/hash/?{query}")).get_data(as_text=True)
    assert "<strong>Match:</strong> the expected digest equals the SHA-256 digest." in page
    assert '<div class="result-row matched">' in page
    assert share_link(page) == f"/tools/hash/?{query}"
    query = urlencode({"input": "abd", "algorithms": "sha256", "expected": SHA256_ABC})
    page = await (await tool_client.get(f"/tools/hash/?{query}")).get_data(as_text=True)
    assert "<strong>No match:</strong> the expected digest equals none of the 1 digest below." in page


async def test_page_verify_error_is_shown_next_to_the_field(tool_client):
    form = urlencode({"input": "abc", "expected": "sha256:abc"})
    response = await tool_client.post("/tools/hash/", data=form, headers={**FORM, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 422
    oob = re.search(r'<div id="expected-feedback" hx-swap-oob="true">(.*?)</div>', fragment, re.S)
    assert oob and "invalid character &#39;:&#39; at position 7" in oob.group(1)
