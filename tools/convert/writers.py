"""Write plain Python data as JSON, YAML, TOML, XML or CSV, refusing shapes a format cannot hold."""

from __future__ import annotations

import base64
import csv
import json
import math
import re
from datetime import date, datetime, time

import tomli_w
import xmltodict
import yaml

from core.datapath import data_path
from core.forms import ToolInputError
from core.limits import CappedWriter, check_size, join_capped

SAFE_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # with SafeRepresenter: yaml.safe_dump
MAX_DEPTH = 100
TOML_INT = range(-(2**63), 2**63)  # TOML 1.0.0, Integer: "Any 64 bit signed integer"
FIELD = "target_format"  # the data was read; it is the target format that cannot hold it
NAMES = {"json": "JSON", "yaml": "YAML", "toml": "TOML", "xml": "XML", "csv": "CSV"}

_SURROGATE = re.compile("[\ud800-\udfff]")
# XML 1.0 (fifth edition), section 2.3: NameStartChar and NameChar.
_NAME_START = (
    ":A-Z_a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_XML_NAME = re.compile(f"[{_NAME_START}][{_NAME_START}\\-.0-9\u00b7\u0300-\u036f\u203f-\u2040]*\\Z")
# XML 1.0, section 2.2: Char. Anything else (most C0 controls, U+FFFE, U+FFFF) cannot appear at all.
_NOT_XML_CHAR = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def path_text(parts: list[str | int]) -> str:
    """users[2].name, or site["google.com"] for keys that are not plain names; "(top level)" for []."""
    if len(parts) > 12:  # a very deep path: its two ends say enough
        return f"{path_text(parts[:5])}…{path_text(parts[-5:]).removeprefix('(top level)')} ({len(parts)} levels down)"
    return data_path(parts) or "(top level)"


def scalar_text(value: object) -> str:
    """A scalar as the text XML and CSV cells hold: true/false, numbers as JSON writes them, ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, int | float):
        return json.dumps(value)
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


class Normalizer:
    """Copies the data into the target format's model; collects notes and refuses what cannot be written."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.notes: dict[str, None] = {}  # ordered set

    def note(self, text: str) -> None:
        self.notes.setdefault(text, None)

    def refuse(self, path: list[str | int], problem: str, field: str = FIELD) -> ToolInputError:
        return ToolInputError(f"{path_text(path)}: {problem}.", field)

    def key(self, key: object, path: list[str | int]) -> object:
        if isinstance(key, str):
            return key
        if isinstance(key, bytes | list | tuple | dict | set):
            raise self.refuse(path, f"a key of type {type(key).__name__} cannot be converted")
        if self.target == "yaml":
            return key  # YAML keys may be numbers, booleans, null or dates
        text = "null" if key is None else scalar_text(key)
        if not any(n.startswith("Keys that were not strings") for n in self.notes):
            self.note(
                f"Keys that were not strings became strings, e.g. {text} → {json.dumps(text)}: "
                f"{NAMES[self.target]} keys are text."
            )
        return text

    def value(self, value: object, path: list[str | int]) -> object:
        if len(path) > MAX_DEPTH:
            raise self.refuse(
                path, f"the data is nested more than {MAX_DEPTH} levels deep; this tool stops there", "input"
            )
        if isinstance(value, dict):
            return self.mapping(value, path)
        if isinstance(value, list | tuple):
            return self.sequence(value, path)
        if isinstance(value, set | frozenset):
            self.note("A YAML set (!!set) became a mapping whose values are all null, as the YAML spec describes it.")
            return self.mapping(dict.fromkeys(sorted(value, key=str)), path)
        if isinstance(value, bytes):
            self.note("Binary values (!!binary) became Base64 text.")
            return base64.b64encode(value).decode("ascii")
        if isinstance(value, str):
            return self.string(value, path)
        return self.scalar(value, path)

    def mapping(self, value: dict, path: list[str | int]) -> dict:
        out: dict[object, object] = {}
        for key, item in value.items():
            name = self.key(key, path)
            if name in out:
                raise self.refuse(path, f"two keys both become {json.dumps(name)} once written as text")
            inner = [*path, name if isinstance(name, str) else scalar_text(name)]
            if self.target == "xml":
                self.check_xml_key(name, item, inner)
            out[name] = self.value(item, inner)
        return out

    def sequence(self, value: list | tuple, path: list[str | int]) -> list:
        if self.target == "xml" and not value:
            self.note("Empty lists have no XML form: they were left out.")
        items = []
        for index, item in enumerate(value):
            if self.target == "xml" and isinstance(item, list | tuple):
                raise self.refuse(
                    [*path, index],
                    "XML cannot hold a list directly inside a list (elements repeat by name, so a list needs a key)",
                )
            items.append(self.value(item, [*path, index]))
        return items

    def string(self, value: str, path: list[str | int]) -> str:
        if self.target != "json" and _SURROGATE.search(value):
            bad = _SURROGATE.search(value).group()
            raise self.refuse(
                path,
                f"the text holds an unpaired surrogate U+{ord(bad):04X} (from a \\u escape), which "
                f"{NAMES[self.target]} cannot hold",
            )
        if self.target == "xml" and _NOT_XML_CHAR.search(value):
            bad = _NOT_XML_CHAR.search(value).group()
            raise self.refuse(path, f"the text holds U+{ord(bad):04X}, a character XML 1.0 does not allow")
        return value

    def scalar(self, value: object, path: list[str | int]) -> object:
        target = self.target
        if value is None:
            if target == "toml":
                raise self.refuse(path, "the value is null, and TOML has no null: remove the key or give it a value")
            return None
        if isinstance(value, float) and not math.isfinite(value) and target == "json":
            raise self.refuse(path, f"the value is {scalar_text(value)}, and JSON has no NaN or Infinity")
        if isinstance(value, int) and not isinstance(value, bool) and target == "toml" and value not in TOML_INT:
            raise self.refuse(path, "the integer does not fit in 64 bits, the TOML limit")
        if isinstance(value, datetime | date | time):
            return self.moment(value)
        if isinstance(value, bool | int | float):
            return value
        raise self.refuse(path, f"values of type {type(value).__name__} cannot be converted")

    def moment(self, value: date | time) -> object:
        if self.target == "toml" or (self.target == "yaml" and not isinstance(value, time)):
            return value  # native dates and times
        if self.target == "yaml":
            self.note("YAML has no time-of-day type: times became ISO 8601 strings.")
        else:
            self.note(f"{NAMES[self.target]} has no date type: dates and times became ISO 8601 strings.")
        return value.isoformat()

    def check_xml_key(self, name: str, item: object, path: list[str | int]) -> None:
        if name.startswith("@"):
            if not _XML_NAME.match(name[1:]):
                raise self.refuse(path, f"{name[1:]!r} is not a valid XML attribute name")
            if isinstance(item, dict | list | tuple | set):
                raise self.refuse(
                    path, "an attribute (a key starting with @) needs a plain value, not a list or object"
                )
        elif name in ("#text", "#comment"):
            if isinstance(item, dict | list | tuple | set):
                raise self.refuse(path, f"{name} needs a plain value, not a list or object")
        elif not _XML_NAME.match(name):
            raise self.refuse(
                path,
                "this key is not a valid XML element name (names start with a letter, _ or :, and hold no "
                "spaces or symbols other than - . _ :)",
            )


def normalize(data: object, target: str) -> tuple[object, list[str]]:
    normalizer = Normalizer(target)
    return normalizer.value(data, []), list(normalizer.notes)


def kind(data: object) -> str:
    if isinstance(data, dict):
        return "an object"
    if isinstance(data, list):
        return "a list"
    return "null" if data is None else f"a single value ({type(data).__name__})"


# --- writers ----------------------------------------------------------------------------------------


def write_json(data: object) -> tuple[str, list[str]]:
    encoder = json.JSONEncoder(indent=2, ensure_ascii=False, allow_nan=False)
    text = join_capped(encoder.iterencode(data))  # refused as soon as it passes the output cap
    # A lone surrogate (read from a "\ud800" escape) has no UTF-8 form: keep it escaped.
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text), []


def write_yaml(data: object) -> tuple[str, list[str]]:
    out = CappedWriter()
    yaml.dump(data, out, Dumper=SAFE_DUMPER, allow_unicode=True, sort_keys=False, width=120)
    return out.getvalue(), []


def write_toml(data: object) -> tuple[str, list[str]]:
    if not isinstance(data, dict):
        raise ToolInputError(
            f"TOML needs a table (key = value pairs) at the top level, but the data is {kind(data)}: "
            'put it under a key first, e.g. {"items": …}.',
            FIELD,
        )
    return check_size(tomli_w.dumps(data)), []  # tomli-w cannot stream; the memory limit bounds it meanwhile


def xml_root(data: object) -> tuple[dict, list[str]]:
    """A document with exactly one root element, wrapping the data in <root> when it has none."""
    if isinstance(data, dict) and len(data) == 1:
        ((name, value),) = data.items()
        if not name.startswith(("@", "#")) and not isinstance(value, list):
            return data, []
        why = f"the only top-level key, {json.dumps(name, ensure_ascii=False)}, " + (
            "holds a list (several root elements)" if isinstance(value, list) else "is not an element name"
        )
        return {"root": data}, [f"XML needs a single root element and {why}: it was wrapped in <root>."]
    if isinstance(data, dict):
        return {"root": data}, [
            f"XML needs a single root element and the data has {len(data)} top-level keys: they were wrapped in <root>."
        ]
    if isinstance(data, list):
        return {"root": {"item": data}}, ["The data is a list: its items became <item> elements inside <root>."]
    return {"root": data}, ["The data is a single value: it became the text of a <root> element."]


def write_xml(data: object) -> tuple[str, list[str]]:
    document, notes = xml_root(data)
    try:
        out = CappedWriter()
        xmltodict.unparse(document, output=out, pretty=True, indent="  ", full_document=True)
        text = out.getvalue()
    except ValueError as exc:  # xmltodict's own checks (names, comments)
        raise ToolInputError(f"The data cannot be written as XML: {exc}.", FIELD) from None
    return text + "\n", [*notes, "XML has only text: numbers, true/false and null (an empty element) lose their type."]


def write_csv(data: object) -> tuple[str, list[str]]:
    if not isinstance(data, list):
        raise ToolInputError(
            f"CSV holds a table: the data must be a list of flat objects (one per row), but it is {kind(data)}.",
            FIELD,
        )
    header: dict[str, None] = {}
    for index, row in enumerate(data):
        if not isinstance(row, dict):
            raise ToolInputError(
                f"Row {index + 1} ([{index}]) is {kind(row)}, not an object: CSV needs a list of flat objects.",
                FIELD,
            )
        for key, value in row.items():
            if isinstance(value, dict | list):
                raise ToolInputError(
                    f"Row {index + 1} ([{index}]), key {json.dumps(key, ensure_ascii=False)}: the value is "
                    f"{kind(value)}; CSV cells hold only text, numbers, true/false and null.",
                    FIELD,
                )
            header.setdefault(key, None)
    out = CappedWriter()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180, section 2: CRLF line breaks
    if header:
        writer.writerow(header)
        writer.writerows([scalar_text(row.get(key)) for key in header] for row in data)
    notes = ["CSV has no types: numbers and true/false became text, null an empty cell."]
    if any(len(row) != len(header) for row in data):
        notes.append("The header is every key in first-seen order; rows without a key have an empty cell there.")
    return out.getvalue(), notes


WRITERS = {"json": write_json, "yaml": write_yaml, "toml": write_toml, "xml": write_xml, "csv": write_csv}


def write(data: object, target_format: str) -> tuple[str, list[str]]:
    """The data as text in the target format, and notes on what changed; raises ToolInputError."""
    normalized, notes = normalize(data, target_format)
    try:
        text, more = WRITERS[target_format](normalized)
    except RecursionError:
        raise ToolInputError("The data is nested too deeply to write.", FIELD) from None
    return text, [*notes, *more]
