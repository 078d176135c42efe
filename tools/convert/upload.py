"""An uploaded file as the converter's input: read within bounds, and only when it is UTF-8 text."""

from __future__ import annotations

import codecs
import re
from typing import BinaryIO

from core.forms import ToolInputError, human_size

UPLOAD_FIELD = "file"
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class UploadRefused(ToolInputError):
    """A file the converter will not read; `status` is 413 when it is too large, else 422."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message, UPLOAD_FIELD)
        self.status = status


def max_file_bytes(max_characters: int) -> int:
    return 4 * max_characters  # UTF-8 takes at most 4 bytes per character: the characters are counted after


def decode_text(data: bytes, max_characters: int) -> str:
    """The file's text (UTF-8, a byte order mark dropped); UploadRefused when it is not text or too long."""
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UploadRefused(
            f"The file is not UTF-8 text: byte 0x{data[exc.start]:02x} at offset {exc.start} cannot be read "
            "(a binary file, or text in another encoding?). Save it as UTF-8, or paste the text."
        ) from None
    if "\x00" in text:
        raise UploadRefused("The file is not text: it holds NUL bytes (a binary file?).")
    if len(text) > max_characters:
        raise UploadRefused(
            f"The file is too large: {len(text):,} characters, and the converter takes at most {max_characters:,}.",
            413,
        )
    return text


def read_text(stream: BinaryIO, max_characters: int) -> str:
    """Read at most what max_characters can take, then decode; a longer file is refused unread past that."""
    limit = max_file_bytes(max_characters)
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise UploadRefused(
            f"The file is too large: the converter reads at most {human_size(limit)} ({max_characters:,} characters).",
            413,
        )
    return decode_text(data, max_characters)


def download_name(uploaded: str | None, extension: str) -> str:
    """converted.yaml, or the uploaded file's name with the new extension (data.json -> data.yaml)."""
    stem = (uploaded or "").replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    stem = _SAFE_NAME.sub("-", stem).strip(".-")[:80]
    return f"{stem or 'converted'}.{extension}"
