"""gzip, zlib, raw deflate, Brotli and Zstandard: compress bytes, and decompress them as a stream that stops at
a size limit (a decompression bomb is refused while it expands, never after)."""

from __future__ import annotations

import binascii
import io
import zlib
from collections.abc import Callable, Iterator

import brotli
import zstandard

from core.forms import ToolInputError, human_size

CHUNK = 64 * 1024
# zlib's window bits (zlib module docs, "decompressobj"): 16 + 15 gzip (RFC 1952), 15 zlib (RFC 1950),
# -15 raw deflate (RFC 1951), 32 + 15 zlib or gzip by their header.
WBITS = {"gzip": 31, "zlib": 15, "deflate": -15}
LEVELS = {"gzip": (0, 9), "zlib": (0, 9), "deflate": (0, 9), "brotli": (0, 11), "zstd": (-7, 22)}
DEFAULT_LEVELS = {"gzip": 9, "zlib": 6, "deflate": 6, "brotli": 11, "zstd": 3}  # gzip(1)'s -9 is Python's default
GZIP_MAGIC = b"\x1f\x8b"  # RFC 1952, section 2.3.1: ID1 ID2
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"  # RFC 8878, section 3.1.1: Magic_Number 0xFD2FB528, little-endian
ZSTD_MAX_WINDOW = 8 * 2**20  # frames that ask for a larger window (more memory) are refused


class TooLarge(ToolInputError):
    def __init__(self, limit: int, read: int) -> None:
        super().__init__(
            f"The data decompresses to more than {human_size(limit)} (from {human_size(read)}): it is refused, "
            "as a decompression bomb would be. Decompress it on your own machine.",
            "input",
        )


def check_level(algorithm: str, level: int | None) -> int:
    if level is None:
        return DEFAULT_LEVELS[algorithm]
    low, high = LEVELS[algorithm]
    if not low <= level <= high:
        raise ToolInputError(f"{algorithm} levels go from {low} to {high}.", "level")
    return level


def compress(data: bytes, algorithm: str, level: int | None) -> bytes:
    level = check_level(algorithm, level)
    if algorithm == "brotli":
        return brotli.compress(data, quality=level)
    if algorithm == "zstd":
        return zstandard.ZstdCompressor(level=level, write_content_size=True).compress(data)
    packer = zlib.compressobj(level, zlib.DEFLATED, WBITS[algorithm])
    return packer.compress(data) + packer.flush()


def detect(data: bytes) -> str:
    """The format by its magic bytes; Brotli and raw deflate have none (choose them by name)."""
    if data.startswith(GZIP_MAGIC):
        return "gzip"
    if data.startswith(ZSTD_MAGIC):
        return "zstd"
    # RFC 1950, section 2.2: CM = 8 (deflate), CINFO <= 7, and CMF * 256 + FLG a multiple of 31.
    if len(data) >= 2 and data[0] & 0x0F == 8 and data[0] >> 4 <= 7 and (data[0] * 256 + data[1]) % 31 == 0:
        return "zlib"
    raise ToolInputError("No gzip, zlib or zstd header found: choose brotli or deflate by name.", "algorithm")


def zlib_chunks(data: bytes, algorithm: str) -> Iterator[bytes]:
    """Decompressed chunks of at most CHUNK bytes; gzip members one after another (RFC 1952, 2.2)."""
    while True:
        unpacker = zlib.decompressobj(WBITS[algorithm])
        pending = data
        while pending and not unpacker.eof:
            yield unpacker.decompress(pending, CHUNK)
            pending = unpacker.unconsumed_tail
        while not unpacker.eof:
            chunk = unpacker.decompress(b"", CHUNK)
            if not chunk:
                raise ToolInputError(f"The {algorithm} data ends too early: it is cut short.")
            yield chunk
        data = unpacker.unused_data
        if not (algorithm == "gzip" and data.startswith(GZIP_MAGIC)):
            if data.strip(b"\0"):
                raise ToolInputError(f"{len(data)} bytes follow the end of the {algorithm} data.")
            return


def brotli_chunks(data: bytes) -> Iterator[bytes]:
    unpacker = brotli.Decompressor()
    yield unpacker.process(data, output_buffer_limit=CHUNK)
    while not unpacker.is_finished():
        if unpacker.can_accept_more_data():
            raise ToolInputError("The brotli data ends too early: it is cut short.")
        yield unpacker.process(b"", output_buffer_limit=CHUNK)


def zstd_chunks(data: bytes) -> Iterator[bytes]:
    unpacker = zstandard.ZstdDecompressor(max_window_size=ZSTD_MAX_WINDOW)
    with unpacker.stream_reader(io.BytesIO(data), read_across_frames=True) as reader:
        while chunk := reader.read(CHUNK):
            yield chunk


def chunks_of(data: bytes, algorithm: str) -> Iterator[bytes]:
    if algorithm == "brotli":
        return brotli_chunks(data)
    if algorithm == "zstd":
        return zstd_chunks(data)
    return zlib_chunks(data, algorithm)


CODEC_ERRORS = (zlib.error, brotli.error, zstandard.ZstdError)


def decompress(data: bytes, algorithm: str, limit: int) -> tuple[bytes, str]:
    """(the data decompressed, the algorithm); TooLarge as soon as more than `limit` bytes come out."""
    algorithm = detect(data) if algorithm == "auto" else algorithm
    out, size = [], 0
    try:
        for chunk in chunks_of(data, algorithm):
            size += len(chunk)
            if size > limit:
                raise TooLarge(limit, len(data))
            out.append(chunk)
    except CODEC_ERRORS as exc:
        raise ToolInputError(f"Not valid {algorithm} data: {exc}.") from None
    return b"".join(out), algorithm


def read_encoded(text: str, encoding: str) -> bytes:
    """Base64 (standard or URL-safe, padding optional, whitespace ignored) or hex (spaces and colons ignored)."""
    compact = "".join(text.split())
    try:
        if encoding == "hex":
            return bytes.fromhex(compact.replace(":", ""))
        compact = compact.replace("-", "+").replace("_", "/")
        return binascii.a2b_base64(compact + "=" * (-len(compact) % 4), strict_mode=True)
    except (ValueError, binascii.Error) as exc:
        raise ToolInputError(f"Not valid {'hex' if encoding == 'hex' else 'Base64'}: {exc}.") from None


def write_encoded(data: bytes, encoding: str) -> str:
    encode: Callable[[bytes], str] = (
        bytes.hex if encoding == "hex" else (lambda b: binascii.b2a_base64(b, newline=False).decode())
    )
    return encode(data)
