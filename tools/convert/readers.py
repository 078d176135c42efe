"""Read JSON, YAML, TOML, XML or CSV text into plain Python data; errors say what is wrong and where."""

from __future__ import annotations

import csv
import io
import json
import re
import tomllib
import types
from collections import Counter
from xml.parsers import expat

import xmltodict
import yaml
from defusedxml import DTDForbidden

from core.forms import ToolInputError

# libyaml's parser, when present, is much faster than PyYAML's pure-Python one; both are paired here
# with PyYAML's SafeConstructor, so yaml.load(..., Loader=SAFE_LOADER) is yaml.safe_load.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# libyaml recurses once per nesting level and overflows the C stack somewhere past 20,000 levels
# (measured: a segmentation fault, not an exception). Refuse deep flow nesting before parsing.
MAX_FLOW_DEPTH = 1_000
# A few kilobytes of anchors and aliases can stand for billions of values ("billion laughs"):
# count what the aliases expand to before anything walks the data.
MAX_EXPANDED_VALUES = 1_000_000

_BRACKETS = re.compile(r"[\[\]{}]")
_CONSTANT_OR_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)', re.S)


def where(line: int, column: int) -> str:
    return f"at line {line}, column {column}"


# --- JSON -------------------------------------------------------------------------------------------


class NotJsonConstant(ValueError):
    pass


def refuse_constant(name: str):
    raise NotJsonConstant(name)


def constant_error(text: str, name: str) -> ToolInputError:
    # Everything before the constant parsed, so strings are well formed up to it: skip them to find it.
    pos = next((m.start(1) for m in _CONSTANT_OR_STRING.finditer(text) if m.group(1)), 0)
    line, column = text.count("\n", 0, pos) + 1, pos - text.rfind("\n", 0, pos)
    return ToolInputError(
        f"{name} {where(line, column)} is not JSON: numbers cannot be NaN or Infinity (RFC 8259, section 6)."
    )


def read_json(text: str) -> tuple[object, list[str]]:
    duplicated: Counter[str] = Counter()

    def pairs_to_dict(pairs):
        obj = dict(pairs)
        if len(obj) != len(pairs):
            duplicated.update(k for k, n in Counter(k for k, _ in pairs).items() if n > 1)
        return obj

    try:
        data = json.loads(text, object_pairs_hook=pairs_to_dict, parse_constant=refuse_constant)
    except json.JSONDecodeError as exc:
        raise ToolInputError(f"Invalid JSON {where(exc.lineno, exc.colno)}: {exc.msg}.") from None
    except NotJsonConstant as exc:
        raise constant_error(text, str(exc)) from None
    except RecursionError:
        raise ToolInputError("The JSON is nested too deeply (about 900 levels or more).") from None
    notes = []
    if duplicated:
        keys = ", ".join(json.dumps(k, ensure_ascii=False) for k in list(duplicated)[:5])
        notes.append(f"Some objects repeat a key ({keys}): the last value was kept.")
    return data, notes


# --- YAML -------------------------------------------------------------------------------------------


def flow_depth(text: str) -> int:
    """Deepest [ / { nesting, counting brackets inside strings too (an upper bound)."""
    if text.count("[") + text.count("{") <= MAX_FLOW_DEPTH:
        return 0
    depth = deepest = 0
    for match in _BRACKETS.finditer(text):
        if match.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif depth:
            depth -= 1
    return deepest


def expanded_size(data: object) -> int:
    """How many values the data holds once every alias is written out; refuses self-reference."""
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    # Iterative post-order walk: ("enter", node) then ("exit", node) once its children are sized.
    stack: list[tuple[bool, object]] = [(False, data)]
    while stack:
        leaving, node = stack.pop()
        if not isinstance(node, dict | list | tuple | set):
            continue
        key = id(node)
        children = [*node.keys(), *node.values()] if isinstance(node, dict) else list(node)
        if leaving:
            on_path.discard(key)
            total = 1 + sum(sizes.get(id(c), 1) for c in children)
            sizes[key] = total
            if total > MAX_EXPANDED_VALUES:
                raise ToolInputError(
                    f"The YAML's aliases (*name) expand to more than {MAX_EXPANDED_VALUES:,} values: "
                    'refused, as a guard against alias bombs ("billion laughs").'
                )
            continue
        if key in on_path:
            raise ToolInputError(
                "The YAML contains itself through an alias (an anchor &name used inside its own value): "
                "such data has no JSON, TOML, XML or CSV form."
            )
        if key in sizes:
            continue
        on_path.add(key)
        stack.append((True, node))
        stack.extend((False, c) for c in children)
    return sizes.get(id(data), 1)


def yaml_error(exc: yaml.YAMLError) -> ToolInputError:
    if isinstance(exc, yaml.composer.ComposerError) and "single document" in str(exc.context):
        line = exc.problem_mark.line + 1 if exc.problem_mark else "?"
        return ToolInputError(
            f"The YAML holds more than one document (another one starts at line {line}): "
            "convert one document at a time."
        )
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    if isinstance(exc, yaml.constructor.ConstructorError) and "unhashable key" in problem:
        problem = "a mapping key is itself a list or a mapping (a complex key); only plain keys are supported"
    elif isinstance(exc, yaml.constructor.ConstructorError) and "could not determine a constructor" in problem:
        problem += " (custom tags are not read: only standard YAML types)"
    if isinstance(exc, yaml.reader.ReaderError):
        return ToolInputError(f"Invalid YAML at character {exc.position + 1}: {exc.reason}.")
    if mark is None:
        return ToolInputError(f"Invalid YAML: {problem}.")
    return ToolInputError(f"Invalid YAML {where(mark.line + 1, mark.column + 1)}: {problem}.")


def read_yaml(text: str) -> tuple[object, list[str]]:
    if flow_depth(text) > MAX_FLOW_DEPTH:
        raise ToolInputError(f"The YAML nests [ ] or {{ }} more than {MAX_FLOW_DEPTH:,} levels deep: refused.")
    try:
        data = yaml.load(text, Loader=SAFE_LOADER)  # (C)SafeLoader: this is yaml.safe_load
    except yaml.YAMLError as exc:
        raise yaml_error(exc) from None
    except RecursionError:
        raise ToolInputError("The YAML is nested too deeply.") from None
    except (ValueError, KeyError, TypeError, OverflowError) as exc:
        # PyYAML's constructors raise these for a value that does not fit its type: "!!int abc",
        # "!!bool maybe", or an impossible date such as 2001-02-30 (which looks like a timestamp).
        raise ToolInputError(
            f"Invalid YAML: a value cannot be read as its type ({exc}). Quote it to keep it as text."
        ) from None
    if "*" in text:  # no alias, no sharing: skip the walk
        expanded_size(data)
    return data, []


# --- TOML -------------------------------------------------------------------------------------------


def read_toml(text: str) -> tuple[object, list[str]]:
    try:
        return tomllib.loads(text), []
    except tomllib.TOMLDecodeError as exc:
        raise ToolInputError(f"Invalid TOML: {exc}.") from None
    except RecursionError:
        raise ToolInputError("The TOML is nested too deeply.") from None


# --- XML --------------------------------------------------------------------------------------------


def create_parser(encoding=None, namespace_separator=None):
    """An expat parser that refuses any DOCTYPE, as defusedxml does (no DTD, so no entity can be declared)."""
    parser = expat.ParserCreate(encoding, namespace_separator)

    def refuse_doctype(name, system_id, public_id, has_internal_subset):
        raise DTDForbidden(name, system_id, public_id)

    parser.StartDoctypeDeclHandler = refuse_doctype
    return parser


SAFE_EXPAT = types.SimpleNamespace(ParserCreate=create_parser)
XML_NOTE = (
    'XML has only text: every value is a string. Attributes became keys starting with "@", text next to '
    'attributes or child elements became "#text", a repeated element became a list, and an empty element '
    "became null."
)


def read_xml(text: str) -> tuple[object, list[str]]:
    try:
        # disable_entities=True (xmltodict's default since 0.13, checked by a test) also refuses
        # entity declarations; the DOCTYPE handler refuses DTDs before any declaration is read.
        data = xmltodict.parse(text, expat=SAFE_EXPAT, disable_entities=True)
    except DTDForbidden as exc:
        raise ToolInputError(
            f"The XML has a DOCTYPE (<!DOCTYPE {exc.name} …>): DTDs are refused, because their entities can "
            'expand without bound ("billion laughs") or read files. Remove the DOCTYPE line.'
        ) from None
    except expat.ExpatError as exc:
        raise ToolInputError(
            f"Invalid XML {where(exc.lineno, exc.offset + 1)}: {expat.ErrorString(exc.code)}."
        ) from None
    except ValueError as exc:  # xmltodict's own refusal of entity declarations
        raise ToolInputError(f"Invalid XML: {exc}.") from None
    notes = [XML_NOTE]
    if "<!--" in text:
        notes.append("XML comments were left out.")
    return data, notes


# --- CSV --------------------------------------------------------------------------------------------


def read_csv(text: str) -> tuple[object, list[str]]:
    notes = ['CSV has no types: every value is a string ("42", "true"); an empty cell is an empty string.']
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)  # strict: a stray quote is an error
    try:
        header = next(reader, None)
        if header is None:
            return [], notes
        seen: dict[str, int] = {}
        for column, name in enumerate(header, start=1):
            if name in seen:
                raise ToolInputError(
                    f"The CSV header has {json.dumps(name, ensure_ascii=False)} twice (columns {seen[name]} and "
                    f"{column}): each column needs its own name, as the first row names the keys."
                )
            seen[name] = column
        rows = []
        for fields in reader:
            if not fields:
                continue  # a blank line
            if len(fields) != len(header):
                raise ToolInputError(
                    f"Row {len(rows) + 1} (ending on line {reader.line_num}) has {len(fields)} field"
                    f"{'' if len(fields) == 1 else 's'} but the header has {len(header)}: every row needs one "
                    "field per column (RFC 4180, section 2)."
                )
            rows.append(dict(zip(header, fields, strict=True)))
    except csv.Error as exc:
        raise ToolInputError(f"Invalid CSV on line {reader.line_num}: {exc}.") from None
    return rows, notes


READERS = {"json": read_json, "yaml": read_yaml, "toml": read_toml, "xml": read_xml, "csv": read_csv}


def read(text: str, source_format: str) -> tuple[object, list[str]]:
    """The data in `text`, and notes on what the format could not say; raises ToolInputError."""
    return READERS[source_format](text.removeprefix("\ufeff"))
