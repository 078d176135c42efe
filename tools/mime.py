"""MIME types by file extension and extensions by MIME type, from a fixed table (Python's, plus IANA types it lacks)."""

from __future__ import annotations

import mimetypes
import re

from pydantic import BaseModel, Field

from core.forms import ToolInputError
from core.operations import Operation
from core.registry import Tool

# IANA-registered media types that Python 3.11's built-in table lacks, with where each is registered.
SUPPLEMENT = {
    ".md": "text/markdown",  # RFC 7763
    ".markdown": "text/markdown",
    ".woff": "font/woff",  # RFC 8081
    ".woff2": "font/woff2",
    ".otf": "font/otf",
    ".ttf": "font/ttf",
    ".yaml": "application/yaml",  # RFC 9512
    ".yml": "application/yaml",
    ".toml": "application/toml",  # IANA registration, 2024
    ".flac": "audio/flac",
    ".ogg": "audio/ogg",  # RFC 5334
    ".oga": "audio/ogg",
    ".m4a": "audio/mp4",  # RFC 4337
    ".mkv": "video/matroska",  # RFC 9559
    ".jsonld": "application/ld+json",  # W3C JSON-LD 1.1
    ".geojson": "application/geo+json",  # RFC 7946
    ".ics": "text/calendar",  # RFC 5545
    ".sql": "application/sql",  # RFC 6922
    ".zst": "application/zstd",  # RFC 8878
    ".epub": "application/epub+zip",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
MEDIA_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*")
TOP_LEVEL = re.compile(r"([a-z]+)(?:/\*?)?")


def build_table() -> mimetypes.MimeTypes:
    """Python's built-in map only (never the system's mime.types files), so the answers do not depend on the host."""
    table = mimetypes.MimeTypes(filenames=())
    for extension, media_type in SUPPLEMENT.items():
        if table.guess_type("x" + extension, strict=False)[0] is None:
            table.add_type(media_type, extension, strict=True)
    return table


TABLE = build_table()
FAMILIES = frozenset(t.split("/")[0] for table in TABLE.types_map for t in table.values())


class MimeInput(BaseModel):
    input: str = Field(
        max_length=300,
        title="Extension, file name or type",
        description="An extension (png, .tar.gz), a file name (report.PDF), a MIME type (image/jpeg; parameters are "
        "ignored) or a top-level type to list (image, font/*).",
    )


class MediaType(BaseModel):
    type: str
    extensions: list[str]


class MimeOutput(BaseModel):
    kind: str = Field(description="extension, type or family: what the input was read as.")
    result: str = Field(
        description="The MIME type of an extension, the usual extension of a type, or the types listed."
    )
    type: str | None = Field(description="The MIME type (extension or type given).")
    encoding: str | None = Field(description="A compression the extension adds (gzip for .gz, br, bzip2, xz).")
    extensions: list[str] = Field(description="The extensions of the type, the usual one first.")
    types: list[MediaType] = Field(description="kind=family: every type under it with its extensions.")


def extensions_of(media_type: str) -> list[str]:
    found = TABLE.guess_all_extensions(media_type, strict=False)
    usual = TABLE.guess_extension(media_type, strict=False)
    return sorted(found, key=lambda extension: (extension != usual, extension))


def by_family(family: str) -> MimeOutput:
    types = sorted({t for table in TABLE.types_map for t in table.values() if t.startswith(family + "/")})
    if not types:
        raise ToolInputError(f"no type under '{family}/' in the table (e.g. image, audio, video, text, font)")
    listed = [MediaType(type=t, extensions=extensions_of(t)) for t in types]
    return MimeOutput(kind="family", result="\n".join(types), type=None, encoding=None, extensions=[], types=listed)


def by_type(media_type: str) -> MimeOutput:
    extensions = extensions_of(media_type)
    if not extensions:
        raise ToolInputError(f"no extension for '{media_type}' in the table (Python's, plus IANA types it lacks)")
    return MimeOutput(
        kind="type", result=extensions[0], type=media_type, encoding=None, extensions=extensions, types=[]
    )


def by_extension(text: str) -> MimeOutput:
    name = text if "." in text else "." + text
    media_type, encoding = TABLE.guess_type("x" + name if name.startswith(".") else name, strict=False)
    if media_type is None and encoding is None:
        raise ToolInputError(f"'{text}' is not in the table: an extension such as png or .tar.gz, or a type")
    extensions = extensions_of(media_type) if media_type else []
    return MimeOutput(
        kind="extension",
        result=media_type or "application/octet-stream",
        type=media_type,
        encoding=encoding,
        extensions=extensions,
        types=[],
    )


def look_up(data: MimeInput) -> MimeOutput:
    """The MIME type of an extension or file name, the extensions of a type, or the types under image/, font/ …"""
    text = data.input.strip()
    lowered = text.split(";", 1)[0].strip().lower()
    if not text:
        raise ToolInputError("enter an extension (png), a file name (a.tar.gz) or a type (image/png)")
    if MEDIA_TYPE.fullmatch(lowered):
        return by_type(lowered)
    family = TOP_LEVEL.fullmatch(lowered)
    if family and ("/" in lowered or lowered in FAMILIES):
        return by_family(family.group(1))
    if "/" in text or any(c.isspace() for c in text):
        raise ToolInputError(f"'{text}' is neither an extension nor a type such as image/png")
    return by_extension(text)


TOOL = Tool(
    slug="mime",
    title="MIME types",
    category="Network",
    icon="file-type",
    keywords=("content-type", "media type", "extension", "file type", "mimetype", "iana"),
    examples=(
        ("Extension .webp", {"input": "webp"}),
        ("Type image/jpeg", {"input": "image/jpeg"}),
        ("archive.tar.gz", {"input": "archive.tar.gz"}),
        ("Every font type", {"input": "font/*"}),
    ),
    operations=(
        Operation(
            MimeInput,
            look_up,
            MimeOutput,
            ready=lambda data: bool(data.input.strip()),
        ),
    ),
)
