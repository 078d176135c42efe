"""Compress text with gzip, zlib, deflate, Brotli or Zstandard to Base64 or hex, and decompress it (bombs refused)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, field_validator

from core.bounded_render import render_limits
from core.forms import ToolInputError
from core.operations import Operation
from core.registry import Tool
from tools.compress.codecs import compress, decompress, read_encoded, write_encoded

MAX_INPUT = 1_000_000
MAX_DECOMPRESSED = 2 * 2**20  # a result larger than this is refused while it expands (a page could not show it)
Algorithm = Literal["gzip", "zlib", "deflate", "brotli", "zstd", "auto"]


class CompressInput(BaseModel):
    input: str = Field(
        max_length=MAX_INPUT,
        description="To compress: any text (its UTF-8 bytes). To decompress: the compressed bytes in Base64 or hex.",
    )
    mode: Literal["compress", "decompress"] = Field(default="compress", description="Compress or decompress.")
    algorithm: Algorithm = Field(
        default="gzip",
        description="gzip (RFC 1952), zlib (RFC 1950), deflate (raw, RFC 1951), brotli (RFC 7932) or zstd "
        "(RFC 8878); auto (decompress only) reads a gzip, zlib or zstd header.",
    )
    encoding: Literal["base64", "hex"] = Field(
        default="base64", description="How the compressed bytes are written: Base64 or hex."
    )
    level: int | None = Field(
        default=None,
        ge=-7,
        le=22,
        description="Compression level: gzip/zlib/deflate 0-9, brotli 0-11, zstd -7 to 22; empty: the usual default.",
    )

    @field_validator("level", mode="before")
    @classmethod
    def blank_is_default(cls, value):
        return None if isinstance(value, str) and not value.strip() else value  # an empty form field


class CompressOutput(BaseModel):
    result: str = Field(description="Compressed: Base64 or hex. Decompressed: the text, or Base64 if it is not UTF-8.")
    algorithm: str = Field(description="The algorithm used (the one found, for auto).")
    result_is_text: bool = Field(description="Decompressed data that is UTF-8 text is shown as text; else as Base64.")
    input_bytes: int = Field(description="Bytes before compressing, or of the compressed data when decompressing.")
    compressed_bytes: int
    decompressed_bytes: int
    ratio: float = Field(description="Decompressed size / compressed size (higher is better compression).")
    saving: str = Field(description="How much smaller the compressed data is, in percent of the original.")


def sizes(algorithm: str, compressed: int, decompressed: int) -> dict:
    ratio = round(decompressed / compressed, 3) if compressed else 0.0
    saving = f"{(1 - compressed / decompressed) * 100:.1f} %" if decompressed else "-"
    return {
        "algorithm": algorithm,
        "compressed_bytes": compressed,
        "decompressed_bytes": decompressed,
        "ratio": ratio,
        "saving": saving,
    }


def compress_or_decompress(data: CompressInput) -> CompressOutput:
    """Compress text to Base64/hex, or decompress Base64/hex (gzip, zlib, deflate, brotli, zstd) to text."""
    if data.mode == "compress":
        if data.algorithm == "auto":
            raise ToolInputError("Choose the algorithm to compress with (auto is for decompressing).", "algorithm")
        raw = data.input.encode("utf-8", "surrogatepass")
        packed = compress(raw, data.algorithm, data.level)
        text = write_encoded(packed, data.encoding)
        return CompressOutput(
            result=text, result_is_text=False, input_bytes=len(raw), **sizes(data.algorithm, len(packed), len(raw))
        )
    packed = read_encoded(data.input, data.encoding)
    if not packed:
        raise ToolInputError("There is nothing to decompress.")
    raw, algorithm = decompress(packed, data.algorithm, MAX_DECOMPRESSED)
    try:
        text, is_text = raw.decode("utf-8"), True
    except UnicodeDecodeError:
        text, is_text = write_encoded(raw, "base64"), False
    return CompressOutput(
        result=text, result_is_text=is_text, input_bytes=len(packed), **sizes(algorithm, len(packed), len(raw))
    )


# gzip of "hello" (Python 3.11 gzip.compress(b"hello", mtime=0)): 1f 8b 08 00, mtime 0, XFL 2, OS 3 (RFC 1952).
HELLO_GZIP = "H4sIAAAAAAACA8tIzcnJBwCGphA2BQAAAA=="

TOOL = Tool(
    slug="compress",
    title="Compress",
    category="Encoding",
    icon="archive",
    keywords=("gzip", "zlib", "deflate", "brotli", "zstd", "zstandard", "compress", "decompress", "inflate", "ratio"),
    examples=(
        ("gzip text to Base64", {"input": "hello hello hello hello hello", "algorithm": "gzip"}),
        ("Decompress gzip (auto)", {"input": HELLO_GZIP, "mode": "decompress", "algorithm": "auto"}),
        (
            "Brotli, best quality",
            {"input": "The quick brown fox jumps over the lazy dog", "algorithm": "brotli", "level": "11"},
        ),
        (
            "zlib from hex",
            {"input": "789ccb48cdc9c90700062c0215", "mode": "decompress", "algorithm": "zlib", "encoding": "hex"},
        ),
    ),
    operations=(
        Operation(
            CompressInput,
            compress_or_decompress,
            CompressOutput,
            primary="result",
            # Brotli at quality 11 and zstd at 22 cost far more than the input's size; decompression's output is
            # capped as it is produced, and its memory by the executor.
            bounded=True,
            # What a page shows: at most the render cap (4 MB), not the 16 MB of a download.
            adjust_limits=lambda limits: render_limits(),
            ready=lambda data: bool(data.input),
        ),
    ),
)
