"""Convert data between JSON, YAML, TOML, XML and CSV, saying what each format cannot keep."""

from __future__ import annotations

import asyncio
import logging
from typing import Literal, NamedTuple

from pydantic import BaseModel, Field, ValidationError
from quart import Blueprint, Response, request
from werkzeug.exceptions import RequestEntityTooLarge

from core.first_load import first_load_form
from core.forms import FormInput, FormTooLarge, ToolInputError, field_errors, human_size, read_form
from core.operations import Operation, execute
from core.registry import Tool
from core.render import is_htmx, render_tool, share_url
from tools.convert.detect import detect
from tools.convert.readers import read
from tools.convert.upload import UPLOAD_FIELD, UploadRefused, download_name, read_text
from tools.convert.writers import NAMES, write

log = logging.getLogger(__name__)

# The page is the tool's own: a file upload (multipart), the swap button and the download.
bp = Blueprint("convert", __name__)

# 1 MB: also the guard against YAML documents that are slow to parse (aliases are counted separately).
MAX_INPUT = 1_000_000
Format = Literal["json", "yaml", "toml", "xml", "csv"]
FORMATS = tuple(NAMES)
SOURCE_CHOICES = ("auto", *FORMATS)
# What a download is sent as (YAML: RFC 9512; TOML: the media type its spec registers).
MEDIA_TYPES = {
    "json": "application/json",
    "yaml": "application/yaml",
    "toml": "application/toml",
    "xml": "application/xml",
    "csv": "text/csv",
}


class ConvertInput(BaseModel):
    input: str = Field(max_length=MAX_INPUT, description="The data, as text in the source format.")
    source_format: Literal["auto", "json", "yaml", "toml", "xml", "csv"] = Field(
        default="json",
        description="The format of the input; auto detects it (JSON, XML, TOML, YAML, then CSV are tried).",
    )
    target_format: Format = Field(default="yaml", description="The format to convert to.")


class ConvertOutput(BaseModel):
    source_format: Format = Field(description="The format the input was read as (the detected one for auto).")
    target_format: Format
    detected: bool = Field(description="Whether source_format was detected (the input's source_format was auto).")
    result: str = Field(description="The data in the target format.")
    notes: list[str] = Field(description="What the conversion changed or could not keep, in words.")


def read_input(data: ConvertInput) -> tuple[str, object, list[str]]:
    """(the format read, the data, notes): the chosen reader, or detection for auto."""
    if data.source_format == "auto":
        return detect(data.input)
    value, notes = read(data.input, data.source_format)
    return data.source_format, value, notes


def convert(data: ConvertInput) -> ConvertOutput:
    """Read the input, then write it in the target format; raises ToolInputError naming the field."""
    try:
        source, value, read_notes = read_input(data)
    except (ToolInputError, MemoryError):  # MemoryError: the bounded executor's limit, reported as such
        raise
    except Exception as exc:  # a parser failing in a way this tool does not know yet: still no 500
        log.exception("reading %s failed", data.source_format)
        name = NAMES.get(data.source_format, "input")
        raise ToolInputError(f"The {name} could not be read: {exc}.") from None
    try:
        text, write_notes = write(value, data.target_format)
    except (ToolInputError, MemoryError):
        raise
    except Exception as exc:
        log.exception("writing %s failed", data.target_format)
        raise ToolInputError(
            f"The data could not be written as {NAMES[data.target_format]}: {exc}.", "target_format"
        ) from None
    return ConvertOutput(
        source_format=source,
        target_format=data.target_format,
        detected=data.source_format == "auto",
        result=text,
        notes=list(dict.fromkeys([*read_notes, *write_notes])),
    )


def swapped_values(data: ConvertInput, output: ConvertOutput | None) -> dict[str, str]:
    """The form after "swap": From and To change places, and the result (when there is one) becomes the input."""
    if output is not None:
        return {"input": output.result, "source_format": output.target_format, "target_format": output.source_format}
    # Nothing converted yet: only the formats change places ("auto" cannot be a target: To stays).
    target = data.source_format if data.source_format != "auto" else data.target_format
    return {"input": data.input, "source_format": data.target_format, "target_format": target}


# --- the page: a form with a file upload, the swap button and a download ------------------------------

FORM_FIELDS = (*ConvertInput.model_fields, UPLOAD_FIELD)


class ConvertForm(NamedTuple):
    """What the page read: the form, whether its fields changed (swap, upload), the status, the upload's name."""

    form: FormInput
    refill: bool = False
    status: int | None = None
    filename: str | None = None


def validated(values: dict) -> FormInput:
    try:
        return FormInput(ConvertInput.model_validate(values), values, {}, FORM_FIELDS)
    except ValidationError as exc:
        return FormInput(None, values, field_errors(exc), FORM_FIELDS)


def body_too_large(error: RequestEntityTooLarge) -> str:
    if isinstance(error, FormTooLarge) and error.description:
        return error.description
    limit = request.max_content_length
    return f"The upload is too large: the limit is {human_size(limit)}." if limit else "The upload is too large."


async def read_convert_form(*, swap: bool) -> ConvertForm:
    """The form, with an uploaded file as the input and, when `swap` and asked for, the direction swapped."""
    upload = None
    if request.method == "POST" and request.mimetype == "multipart/form-data":
        try:
            upload = (await request.files).get(UPLOAD_FIELD)
        except RequestEntityTooLarge as error:  # the body is left unread: nothing else to show
            return ConvertForm(form=FormInput(None, {}, {UPLOAD_FIELD: body_too_large(error)}, FORM_FIELDS), status=413)
    form = (await read_form(ConvertInput))._replace(fields=FORM_FIELDS)
    if upload is not None and upload.filename:  # a browser sends an empty, nameless part when no file is chosen
        try:
            text = await asyncio.to_thread(read_text, upload.stream, MAX_INPUT)  # up to 4 MB: off the loop
        except UploadRefused as exc:
            return ConvertForm(form=form._replace(data=None, errors={UPLOAD_FIELD: exc.message}), status=exc.status)
        return ConvertForm(form=validated({**form.values, "input": text}), refill=True, filename=upload.filename)
    if swap and request.method == "POST" and (await request.form).get("swap") and form.data is not None:
        output = None
        if form.data.input.strip():
            try:
                output = await execute(CONVERT, form.data)
            except ToolInputError:
                pass  # not convertible: only the formats change places
        return ConvertForm(form=validated(swapped_values(form.data, output)), refill=True)
    return ConvertForm(form=first_load_form(TOOL, CONVERT, form))  # a first load shows the first example


def attachment(output: ConvertOutput, uploaded: str | None) -> Response:
    """The converted document as a file to save."""
    name = download_name(uploaded, output.target_format)
    return Response(
        output.result,
        mimetype=MEDIA_TYPES[output.target_format],
        headers={"Content-Disposition": f'attachment; filename="{name}"', "X-Content-Type-Options": "nosniff"},
    )


async def respond(*, download: bool):
    read = await read_convert_form(swap=not download)
    form, result = read.form, None
    if read.status is None and form.data is not None and form.data.input.strip():
        try:
            result = await execute(CONVERT, form.data)
        except ToolInputError as exc:
            form = form._replace(errors={exc.field: exc.message})
    if download and result is not None and not is_htmx():
        return attachment(result, read.filename)
    share = share_url(TOOL.page_url, form.values) if result else None
    context = {"names": NAMES, "formats": FORMATS, "sources": SOURCE_CHOICES, "refill": read.refill}
    return await render_tool(TOOL, status=read.status, form=form, result=result, share=share, **context)


@bp.route("/tools/convert/", methods=["GET", "POST"])
async def page():
    return await respond(download=False)


@bp.route("/tools/convert/download", methods=["GET", "POST"])
async def download():
    """The converted document as a file (Content-Disposition: attachment); the page with errors when it fails."""
    return await respond(download=True)


CONVERT = Operation(
    ConvertInput,
    convert,
    ConvertOutput,
    primary="result",
    summary="Convert data between JSON, YAML, TOML, XML and CSV (or detect the input's format with auto); notes "
    "say what the target format could not keep.",
    bounded=True,
)

TOOL = Tool(
    slug="convert",
    title="Data converter",
    category="Data",
    icon="arrow-right-left",
    keywords=("json", "yaml", "toml", "xml", "csv", "convert", "transform"),
    examples=(
        (
            "JSON to YAML",
            {
                "input": '{"name": "mytools", "ports": [8000, 8001], "debug": false}',
                "source_format": "json",
                "target_format": "yaml",
            },
        ),
        (
            "YAML to TOML",
            {
                "input": "title: Example\nowner:\n  name: Tom\n  dob: 1979-05-27\n",
                "source_format": "yaml",
                "target_format": "toml",
            },
        ),
        (
            "Detect CSV, to JSON",
            {"input": "id,name\n1,Ada\n2,Grace\n", "source_format": "auto", "target_format": "json"},
        ),
        (
            "XML to JSON",
            {
                "input": '<note id="7"><to>Ada</to><body>Hi!</body></note>',
                "source_format": "xml",
                "target_format": "json",
            },
        ),
    ),
    own_page=True,  # the page also takes a file upload, swaps direction and downloads the result
    operations=(CONVERT,),
)
