"""Convert data between JSON, YAML, TOML, XML and CSV, saying what each format cannot keep."""

from __future__ import annotations

import logging
from typing import Literal

from pydantic import BaseModel, Field

from core.forms import ToolInputError
from core.operations import Operation
from core.registry import Tool
from tools.convert.readers import read
from tools.convert.writers import NAMES, write

log = logging.getLogger(__name__)

# 1 MB: also the guard against YAML documents that are slow to parse (aliases are counted separately).
MAX_INPUT = 1_000_000
Format = Literal["json", "yaml", "toml", "xml", "csv"]
FORMATS = tuple(NAMES)


class ConvertInput(BaseModel):
    input: str = Field(max_length=MAX_INPUT, description="The data, as text in the source format.")
    source_format: Format = Field(default="json", description="The format of the input.")
    target_format: Format = Field(default="yaml", description="The format to convert to.")


class ConvertOutput(BaseModel):
    source_format: Format
    target_format: Format
    result: str = Field(description="The data in the target format.")
    notes: list[str] = Field(description="What the conversion changed or could not keep, in words.")


def convert(data: ConvertInput) -> ConvertOutput:
    """Read the input, then write it in the target format; raises ToolInputError naming the field."""
    try:
        value, read_notes = read(data.input, data.source_format)
    except (ToolInputError, MemoryError):  # MemoryError: the bounded executor's limit, reported as such
        raise
    except Exception as exc:  # a parser failing in a way this tool does not know yet: still no 500
        log.exception("reading %s failed", data.source_format)
        raise ToolInputError(f"The {NAMES[data.source_format]} could not be read: {exc}.") from None
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
        source_format=data.source_format,
        target_format=data.target_format,
        result=text,
        notes=list(dict.fromkeys([*read_notes, *write_notes])),
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
        ("CSV to JSON", {"input": "id,name\n1,Ada\n2,Grace\n", "source_format": "csv", "target_format": "json"}),
        (
            "XML to JSON",
            {
                "input": '<note id="7"><to>Ada</to><body>Hi!</body></note>',
                "source_format": "xml",
                "target_format": "json",
            },
        ),
    ),
    operations=(
        Operation(
            ConvertInput,
            convert,
            ConvertOutput,
            primary="result",
            summary="Convert data between JSON, YAML, TOML, XML and CSV; notes say what the target format could not "
            "keep.",
            bounded=True,
            ready=lambda data: bool(data.input.strip()),
            context=lambda form, result: {"names": NAMES, "formats": FORMATS},
        ),
    ),
)
