"""The hash tool's inputs (text form and JSON, file upload) and outputs, as pydantic models."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, model_serializer
from quart_schema.pydantic import File

from tools.hash.digests import MAX_FILE, size_text

Algorithm = Literal["md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha3_256", "sha3_512", "blake2b", "blake2s"]
MAX_INPUT = 1_000_000
MAX_EXPECTED = 1_000

# The fields shared by the text form/API and the file API.
AlgorithmsField = Annotated[
    list[Algorithm], Field(default_factory=list, description="Algorithms to use; all of them when empty.")
]
KeyField = Annotated[str, Field(max_length=10_000, description="HMAC key (UTF-8); plain digests when empty.")]
ExpectedField = Annotated[
    str,
    Field(
        max_length=MAX_EXPECTED,
        description="A digest to verify against: hex (any case) or Base64; surrounding whitespace is ignored.",
    ),
]


class HashInput(BaseModel):
    input: str = Field(max_length=MAX_INPUT, description="Text to hash (UTF-8).")
    algorithms: AlgorithmsField
    key: KeyField = ""
    expected: ExpectedField = ""


class HashOptions(BaseModel):
    """The text parts of a file upload."""

    algorithms: AlgorithmsField
    key: KeyField = ""
    expected: ExpectedField = ""


class HashFileInput(HashOptions):
    """The file API's multipart body (for the OpenAPI document; the view reads the parts itself)."""

    file: File = Field(description=f"The file to hash, at most {size_text(MAX_FILE)}.")


class HashVerification(BaseModel):
    expected: str = Field(description="The expected digest as given, without surrounding whitespace.")
    matched: bool = Field(description="True when one of the digests equals the expected value.")
    algorithm: Algorithm | None = Field(description="The algorithm whose digest matched; null when none did.")


class HashOutput(BaseModel):
    hmac: bool
    digests: dict[str, str] = Field(description="Algorithm name -> lowercase hex digest.")
    verify: HashVerification | None = Field(default=None, description="Present only when `expected` was given.")

    @model_serializer(mode="wrap")
    def _omit_absent_verify(self, handler):
        data = handler(self)
        if data.get("verify") is None:
            data.pop("verify", None)
        return data


class HashedFile(BaseModel):
    filename: str = Field(description="The uploaded file's name, as the client sent it.")
    byte_length: int = Field(description="Number of bytes hashed.")


class HashFileOutput(HashOutput):
    file: HashedFile
