"""Compress: RFC 1950/1952/8878 headers and checksums, hand-decoded frames, round trips, and bombs refused while
they expand."""

from __future__ import annotations

import base64
import gzip
import struct
import time
import tracemalloc
import zlib

import brotli
import pytest
import zstandard

from core.forms import ToolInputError
from tools.compress import HELLO_GZIP, MAX_DECOMPRESSED, CompressInput, compress_or_decompress
from tools.compress.codecs import decompress

ALGORITHMS = ("gzip", "zlib", "deflate", "brotli", "zstd")


def run(text: str, **options):
    return compress_or_decompress(CompressInput(input=text, **options))


def packed(text: str, **options) -> bytes:
    return base64.b64decode(run(text, **options).result)


def test_gzip_of_hello_has_the_rfc_1952_header_and_trailer():
    data = packed("hello", algorithm="gzip")
    # RFC 1952, 2.3: ID1 ID2 = 1f 8b, CM = 8 (deflate), FLG = 0, MTIME = 0, XFL = 2 (best compression), OS = 3 (Unix).
    assert data[:10] == bytes.fromhex("1f8b0800000000000203")
    # CRC32 and ISIZE, little-endian: CRC-32 of "hello" is 0x3610a686 (zlib.crc32), its length 5.
    assert struct.unpack("<II", data[-8:]) == (0x3610A686, 5)
    assert data == gzip.compress(b"hello", mtime=0)  # what Python's gzip module writes


def test_gzip_of_hello_decompresses():
    answer = run(HELLO_GZIP, mode="decompress", algorithm="auto")
    assert (answer.result, answer.algorithm, answer.result_is_text) == ("hello", "gzip", True)
    assert (answer.compressed_bytes, answer.decompressed_bytes) == (25, 5)


def test_zlib_of_hello_rfc_1950():
    # RFC 1950, 2.2: CMF 0x78 (deflate, 32 KB window), FLG 0x9c (0x789c is a multiple of 31, default level);
    # the trailer is the Adler-32 of "hello", 0x062c0215 (big-endian).
    data = bytes.fromhex(run("hello", algorithm="zlib", encoding="hex").result)
    assert data == bytes.fromhex("789ccb48cdc9c90700062c0215")
    assert (0x78 * 256 + 0x9C) % 31 == 0 and zlib.adler32(b"hello") == 0x062C0215
    assert (
        run("789c cb48 cdc9 c907 0006 2c02 15", mode="decompress", algorithm="auto", encoding="hex").result == "hello"
    )


def test_zstd_frame_decoded_by_hand_rfc_8878():
    # RFC 8878, 3.1.1: magic 28 b5 2f fd; frame header descriptor 0x20 (Single_Segment, 1-byte content size);
    # content size 5; block header 0x000029 = Last_Block 1, Block_Type 0 (raw), Block_Size 5; then "hello".
    frame = "28b52ffd" + "20" + "05" + "290000" + b"hello".hex()
    assert run(frame, mode="decompress", algorithm="auto", encoding="hex").result == "hello"
    assert run("hello", algorithm="zstd", encoding="hex").result == frame


def test_brotli_empty_stream_and_hello():
    # RFC 7932, 9.1-9.2: the one byte 0x3b is WBITS 22 and an empty last meta-block (ISLAST, ISLASTEMPTY).
    assert run(base64.b64encode(b"\x3b").decode(), mode="decompress", algorithm="brotli").decompressed_bytes == 0
    assert brotli.decompress(packed("hello", algorithm="brotli")) == b"hello"


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_round_trip_with_sizes_and_ratio(algorithm):
    text = "to be or not to be, " * 50 + "é🙂"
    answer = run(text, algorithm=algorithm)
    size = len(text.encode())
    assert answer.input_bytes == answer.decompressed_bytes == size
    assert answer.compressed_bytes < size / 5
    assert answer.ratio == round(size / answer.compressed_bytes, 3)
    assert answer.saving == f"{(1 - answer.compressed_bytes / size) * 100:.1f} %"
    back = run(answer.result, mode="decompress", algorithm=algorithm)
    assert back.result == text and back.input_bytes == answer.compressed_bytes


def test_binary_results_come_back_in_base64():
    answer = run(base64.b64encode(gzip.compress(b"\xff\x00\xfe")).decode(), mode="decompress")
    assert (answer.result, answer.result_is_text) == ("/wD+", False)


def test_levels_change_the_size_and_are_checked():
    text = "abcabcabd" * 1000
    assert len(packed(text, algorithm="zlib", level=0)) > len(packed(text, algorithm="zlib", level=9))
    with pytest.raises(ToolInputError, match="from 0 to 11") as error:
        run("x", algorithm="brotli", level=12)
    assert error.value.field == "level"


def test_url_safe_base64_and_whitespace_are_read():
    data = gzip.compress(b"\xfb\xff" * 40 + b"ok", mtime=0)
    urlsafe = base64.urlsafe_b64encode(data).decode().rstrip("=")
    spaced = " ".join(urlsafe[i : i + 10] for i in range(0, len(urlsafe), 10))
    assert run(spaced, mode="decompress").decompressed_bytes == 82


# --- bombs ------------------------------------------------------------------------------------------------


def gzip_zeros(size: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(2**20)
    return b"".join(packer.compress(block) for _ in range(size // len(block))) + packer.flush()


BOMBS = {
    "gzip": lambda: gzip_zeros(10 * 2**20),
    "brotli": lambda: brotli.compress(bytes(10 * 2**20)),
    "zstd": lambda: zstandard.ZstdCompressor().compress(bytes(10 * 2**20)),
}


@pytest.mark.parametrize("algorithm", sorted(BOMBS))
def test_ten_megabytes_of_zeros_are_refused_with_a_clear_message(algorithm):
    bomb = base64.b64encode(BOMBS[algorithm]()).decode()
    with pytest.raises(ToolInputError) as error:
        run(bomb, mode="decompress", algorithm=algorithm)
    assert error.value.field == "input"
    assert error.value.message.startswith(f"The data decompresses to more than {MAX_DECOMPRESSED // 2**20} MB")
    assert "decompression bomb" in error.value.message


def test_a_bomb_is_refused_while_it_expands_not_after():
    bomb = gzip_zeros(256 * 2**20)  # 256 MB of zeros in about 250 KB
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(ToolInputError, match="decompression bomb"):
            decompress(bomb, "gzip", MAX_DECOMPRESSED)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * MAX_DECOMPRESSED  # never the 256 MB
    assert time.perf_counter() - started < 2


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"input": "!!!", "mode": "decompress"}, "input", "Not valid Base64"),
        ({"input": "abc", "mode": "decompress", "encoding": "hex"}, "input", "Not valid hex"),
        ({"input": HELLO_GZIP[:20], "mode": "decompress"}, "input", "ends too early"),
        ({"input": "aGVsbG8=", "mode": "decompress", "algorithm": "auto"}, "algorithm", "No gzip, zlib or zstd header"),
        ({"input": "aGVsbG8=", "mode": "decompress", "algorithm": "zstd"}, "input", "Not valid zstd data"),
        ({"input": "aGVsbG8=", "mode": "decompress", "algorithm": "gzip"}, "input", "Not valid gzip data"),
        ({"input": "x", "algorithm": "auto"}, "algorithm", "Choose the algorithm"),
        ({"input": " ", "mode": "decompress"}, "input", "nothing to decompress"),
    ],
)
def test_bad_input_names_the_field(body, field, message):
    with pytest.raises(ToolInputError) as error:
        compress_or_decompress(CompressInput(**body))
    assert error.value.field == field and message in error.value.message


def test_trailing_garbage_is_reported():
    data = gzip.compress(b"hello", mtime=0) + b"junk"
    with pytest.raises(ToolInputError, match="4 bytes follow the end of the gzip data"):
        run(base64.b64encode(data).decode(), mode="decompress")


def test_two_gzip_members_are_one_stream():
    data = gzip.compress(b"hel", mtime=0) + gzip.compress(b"lo", mtime=0)  # RFC 1952, 2.2: members in a row
    assert run(data.hex(), mode="decompress", encoding="hex").result == "hello"


async def test_api_refuses_a_bomb_with_422(tool_client):
    bomb = base64.b64encode(gzip_zeros(10 * 2**20)).decode()
    response = await tool_client.post("/api/compress", json={"input": bomb, "mode": "decompress"})
    assert response.status_code == 422
    assert "decompression bomb" in (await response.get_json())["error"]["message"]


async def test_the_page_form_with_an_empty_level_uses_the_default(tool_client):
    form = {"input": "hello", "mode": "compress", "algorithm": "gzip", "encoding": "hex", "level": ""}
    page = await (await tool_client.post("/tools/compress/", form=form)).get_data(as_text=True)
    assert gzip.compress(b"hello", mtime=0).hex() in page and "field-error" not in page
