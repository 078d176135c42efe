"""Hash text or a file with MD5, SHA-1, SHA-2, SHA-3 and BLAKE2 (or HMAC), and verify a digest."""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from typing import BinaryIO

from pydantic import ValidationError
from quart import Blueprint, request
from quart_schema import DataSource, document_request, validate_response
from werkzeug.exceptions import RequestEntityTooLarge

from core.forms import FormInput, ToolInputError, api_error, first_error, human_size, read_form, values_from
from core.operations import Operation, run_page
from core.registry import Tool
from core.render import render_tool
from tools.hash.digests import (
    ALGORITHMS,
    LABELS,
    MAX_FILE,
    UploadTooLarge,
    digest,
    digest_file,
    expected_bytes,
    size_text,
    verify,
)
from tools.hash.models import MAX_INPUT, HashedFile, HashFileInput, HashFileOutput, HashInput, HashOptions, HashOutput

# Text hashing is the operation (its API, command line and the page without a file); a file upload is
# multipart, which the contract's JSON input models do not express: the page and /api/hash/file read it here.
bp = Blueprint("hash", __name__)

# A multipart text field may hold MAX_INPUT characters of up to 4 UTF-8 bytes each (Quart's default is 500 000).
MAX_FORM_FIELD_BYTES = 4 * MAX_INPUT


def hash_output(digests: dict[str, str], options: HashInput | HashOptions, file: HashedFile | None = None):
    check = verify(options.expected, digests) if options.expected.strip() else None
    fields = {"hmac": bool(options.key), "digests": digests, "verify": check and asdict(check)}
    return HashFileOutput(**fields, file=file) if file else HashOutput(**fields)


def hash_text(data: HashInput) -> HashOutput:
    """Hash text with the chosen algorithms (all by default), optionally as an HMAC; verify an expected digest."""
    return hash_output(digest(data.input, data.algorithms, data.key), data)


def hash_upload(stream: BinaryIO, filename: str, options: HashOptions | HashInput) -> HashFileOutput:
    """Hash an uploaded file's stream; UploadTooLarge past MAX_FILE, ToolInputError for a bad `expected`."""
    if options.expected.strip():
        expected_bytes(options.expected)  # refuse a malformed digest before reading 10 MB
    digests, size = digest_file(stream, options.algorithms, options.key)
    return hash_output(digests, options, HashedFile(filename=filename, byte_length=size))


def body_too_large_message() -> str:
    limit = request.max_content_length
    body = f"the request body is too large: the limit is {human_size(limit)}" if limit else "the upload is too large"
    return f"{body}, and a file may be at most {size_text(MAX_FILE)}"


async def read_upload(*, require_name: bool):
    """The multipart `file` part (None without one); UploadTooLarge when the body exceeds the server's limit."""
    request.max_form_memory_size = MAX_FORM_FIELD_BYTES
    try:
        files = await request.files
    except RequestEntityTooLarge:
        raise UploadTooLarge(body_too_large_message(), "file") from None
    upload = files.get("file")
    if upload is None or (require_name and not upload.filename):
        return None  # a browser sends an empty, nameless part when no file is chosen
    return upload


async def read_text_form() -> FormInput:
    form = await read_form(HashInput)
    return form._replace(fields=(*form.fields, "file"))  # so that typing clears an earlier error about the file


@bp.route("/tools/hash/", methods=["GET", "POST"])
async def page():
    if request.method == "POST" and request.mimetype == "multipart/form-data":
        try:
            upload = await read_upload(require_name=True)
        except UploadTooLarge as exc:
            form = FormInput(None, {}, {exc.field: exc.message}, (*HashInput.model_fields, "file"))  # body unread
            return await render_tool(TOOL, status=413, form=form, result=None, labels=LABELS, algorithms=ALGORITHMS)
        if upload is not None:
            return await file_page(upload)
    return await run_page(TOOL, TOOL.operations[0], labels=LABELS, algorithms=ALGORITHMS)


async def file_page(upload):
    """The page with a chosen file's digests (never in a share link: the file is not in the URL)."""
    form = await read_text_form()
    result = status = None
    if form.data:
        try:
            result = await asyncio.to_thread(hash_upload, upload.stream, upload.filename, form.data)
        except ToolInputError as exc:
            form = form._replace(errors={exc.field: exc.message})
            status = 413 if isinstance(exc, UploadTooLarge) else None
    context = {"labels": LABELS, "algorithms": ALGORITHMS}
    return await render_tool(TOOL, status=status, form=form, result=result, share=None, **context)


@bp.post("/api/hash/file")
@document_request(HashFileInput, source=DataSource.FORM_MULTIPART)
@validate_response(HashFileOutput)
async def api_file():
    """Hash an uploaded file (multipart/form-data, at most 10 MB), optionally as an HMAC; verify a digest.

    Send the file in the part named `file`; `algorithms` (repeat the part for several), `key` and `expected`
    are optional text parts, as in POST /api/hash. A file over 10 MB is refused with 413.
    """
    if request.mimetype != "multipart/form-data":
        return api_error("Send the file as multipart/form-data, in a part named file.", "file", 400)
    try:
        upload = await read_upload(require_name=False)
        form = await request.form
    except UploadTooLarge as exc:
        return api_error(exc.message, exc.field, 413)
    try:
        options = HashOptions.model_validate(values_from(HashOptions, form))
    except ValidationError as exc:
        message, field = first_error(exc)
        return api_error(f"{field}: {message}" if field else message, field or None, 422)
    if upload is None:
        hint = " (it came as a text field: send it as a file)" if "file" in form else ""
        return api_error(f"file: a part named file is required{hint}", "file", 422)
    try:
        return await asyncio.to_thread(hash_upload, upload.stream, upload.filename or "", options)
    except UploadTooLarge as exc:
        return api_error(exc.message, exc.field, 413)


TOOL = Tool(
    slug="hash",
    title="Hash",
    category="Crypto",
    icon="hash",
    keywords=("md5", "sha1", "sha256", "sha512", "sha3", "blake2", "hmac", "digest", "checksum", "file", "verify"),
    examples=(
        ("SHA-256 of “abc” (FIPS 180-2)", {"input": "abc", "algorithms": ["sha256"]}),
        (
            "MD5 and SHA-1 of a pangram",
            {"input": "The quick brown fox jumps over the lazy dog", "algorithms": ["md5", "sha1"]},
        ),
        (
            "Verify a checksum",
            {"input": "abc", "expected": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        ),
    ),
    own_page=True,  # the page also takes a file upload
    operations=(
        Operation(
            HashInput,
            hash_text,
            HashOutput,
            primary=lambda output: next(iter(output.digests.values())),  # the first digest's hex
            form=read_text_form,
            share_secret=("key",),
            live_max_bytes=1_000_000,  # hashing is linear and fast; a chosen file counts too (it is sent each time)
        ),
    ),
)
