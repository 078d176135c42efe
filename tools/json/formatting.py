"""Validate and re-format JSON text without changing any value (numbers keep their spelling)."""

from __future__ import annotations

import json
import json.encoder
import re
from collections import Counter
from dataclasses import dataclass, field

from core.datapath import data_path
from core.forms import ToolInputError
from core.limits import join_capped
from core.patches import json_iterencode

INDENTS = {"2": "  ", "4": "    ", "tab": "\t", "minify": None}
EXCERPT_RADIUS = 40  # characters shown on each side of an error
MAX_WARNINGS = 50
# Python's int() refuses longer digit strings (sys.int_info.default_max_str_digits is 4300).
LONGEST_PLAIN_INT = 4000

_CONSTANT_OR_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)', re.S)
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACED = "(replaced)"  # path of an object that was dropped because its own key was duplicated


class LiteralNumber(float):
    """A JSON number that remembers how it was written, so 1.10, 1e5 or 1E400 come out unchanged."""

    __slots__ = ("literal",)

    def __new__(cls, literal: str) -> LiteralNumber:
        number = super().__new__(cls, literal)
        number.literal = literal
        return number


def parse_int(literal: str) -> int | LiteralNumber:
    # "-0" would become 0, and very long integers are refused by int(): keep both as written.
    if literal == "-0" or len(literal) > LONGEST_PLAIN_INT:
        return LiteralNumber(literal)
    return int(literal)


def number_text(number: float, _repr=float.__repr__) -> str:
    literal = getattr(number, "literal", None)
    return literal if literal is not None else _repr(number)


class NotJsonConstant(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def refuse_constant(name: str):
    raise NotJsonConstant(name)


class JsonSyntaxError(ToolInputError):
    """Invalid JSON: `summary` names the line and column, `excerpt` shows the line with a caret.

    The message (what the API answers) is both; the page shows the summary next to the field, the excerpt under it.
    """

    def __init__(self, summary: str, line: int, column: int, excerpt: str) -> None:
        super().__init__(f"{summary}\n{excerpt}", "input")
        self.summary = summary
        self.line = line
        self.column = column
        self.excerpt = excerpt


@dataclass
class DuplicateKey:
    path: str
    key: str
    count: int


@dataclass
class Formatted:
    text: str
    duplicates: list[DuplicateKey] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def excerpt_at(text: str, pos: int) -> str:
    """The line holding text[pos] (cut to a window around it) and a caret under that character."""
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    content = text[start : len(text) if end == -1 else end].rstrip("\r")
    index = pos - start
    left = max(0, index - EXCERPT_RADIUS)
    right = index + EXCERPT_RADIUS
    prefix = "…" if left > 0 else ""
    suffix = "…" if right < len(content) else ""
    # Tabs and other control characters become one space each so the caret stays aligned.
    window = "".join(" " if c < " " else c for c in content[left:right])
    return f"{prefix}{window}{suffix}\n{' ' * (len(prefix) + index - left)}^"


def hint(text: str, exc: json.JSONDecodeError) -> str:
    """A likely cause for the common mistakes, or ""."""
    here = text[exc.pos : exc.pos + 2]
    if not text.strip():
        return " The input is empty."
    if exc.msg.startswith("Unexpected UTF-8 BOM"):
        return " Remove the byte order mark at the start."
    if here.startswith(("//", "/*")):
        return " JSON has no comments."
    if here[:1] == "'":
        return ' Strings and keys need double quotes (") in JSON.'
    if here[:1] in ("}", "]") and exc.msg.startswith(("Expecting value", "Expecting property name")):
        return " A comma before a closing bracket (trailing comma) is not allowed in JSON."
    if exc.msg.startswith("Expecting property name"):
        return " Object keys must be strings in double quotes."
    if exc.msg.startswith("Extra data"):
        return " A JSON text holds one value; wrap several values in an array."
    return ""


def syntax_error(text: str, exc: json.JSONDecodeError) -> JsonSyntaxError:
    message = f"Invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}.{hint(text, exc)}"
    return JsonSyntaxError(message, exc.lineno, exc.colno, excerpt_at(text, exc.pos))


def constant_error(text: str, name: str) -> JsonSyntaxError:
    """NaN and Infinity are accepted by Python's parser but are not JSON (RFC 8259, section 6)."""
    pos = next((m.start(1) for m in _CONSTANT_OR_STRING.finditer(text) if m.group(1)), 0)
    line = text.count("\n", 0, pos) + 1
    column = pos - text.rfind("\n", 0, pos)
    message = (
        f"{name} at line {line}, column {column} is not JSON: numbers cannot be NaN or Infinity "
        "(RFC 8259, section 6); use null or a string instead."
    )
    return JsonSyntaxError(message, line, column, excerpt_at(text, pos))


def too_deep() -> ToolInputError:
    return ToolInputError("The document is nested too deeply: the limit is about 900 levels of arrays and objects.")


class DuplicateTracker:
    """object_pairs_hook that builds dicts as json.loads does (last value wins) and notes duplicates."""

    def __init__(self) -> None:
        self.found: list[tuple[dict, dict[str, int]]] = []  # keeps the dicts alive, so ids stay unique

    def __call__(self, pairs: list[tuple[str, object]]) -> dict:
        obj = dict(pairs)
        if len(obj) != len(pairs):
            counts = Counter(key for key, _ in pairs)
            self.found.append((obj, {key: n for key, n in counts.items() if n > 1}))
        return obj

    def report(self, root: object) -> list[DuplicateKey]:
        """Duplicates in document order, with the path of the object that holds them."""
        if not self.found:
            return []
        wanted = {id(obj): keys for obj, keys in self.found}
        located: list[DuplicateKey] = []
        seen: set[int] = set()
        stack: list[tuple[object, list[str | int]]] = [(root, [])]
        while stack:
            node, path = stack.pop()
            if isinstance(node, dict):
                if id(node) in wanted:
                    seen.add(id(node))
                    where = data_path(path)
                    located.extend(DuplicateKey(where, k, n) for k, n in wanted[id(node)].items())
                stack.extend((v, [*path, k]) for k, v in reversed(node.items()) if isinstance(v, dict | list))
            elif isinstance(node, list):
                stack.extend((v, [*path, i]) for i, v in reversed(list(enumerate(node))) if isinstance(v, dict | list))
        # An object with duplicates can itself be the losing value of a duplicate key: it is gone.
        for obj, keys in self.found:
            if id(obj) not in seen:
                located.extend(DuplicateKey(REPLACED, k, n) for k, n in keys.items())
        return located


def where(path: str) -> str:
    if path == REPLACED:
        return "in an object that a later duplicate key replaced"
    return f"in {path}" if path else "at the top level"


def duplicate_warnings(duplicates: list[DuplicateKey]) -> list[str]:
    warnings = [
        f"Duplicate key {json.dumps(d.key, ensure_ascii=False)} {where(d.path)} ({d.count} times): "
        "the last value is kept, as most parsers do."
        for d in duplicates[:MAX_WARNINGS]
    ]
    if len(duplicates) > MAX_WARNINGS:
        warnings.append(f"… and {len(duplicates) - MAX_WARNINGS} more duplicate keys.")
    return warnings


def parse(text: str, tracker: DuplicateTracker) -> object:
    """The JSON value, with numbers that keep their spelling; raises ToolInputError."""
    try:
        return json.loads(
            text,
            parse_float=LiteralNumber,
            parse_int=parse_int,
            parse_constant=refuse_constant,
            object_pairs_hook=tracker,
        )
    except json.JSONDecodeError as exc:
        raise syntax_error(text, exc) from None
    except NotJsonConstant as exc:
        raise constant_error(text, exc.name) from None
    except RecursionError:
        raise too_deep() from None


def serialize(value: object, indent: str | None, sort_keys: bool, ensure_ascii: bool) -> str:
    """json.dumps, except that numbers are written as they were read."""
    encoder = json.encoder.encode_basestring_ascii if ensure_ascii else json.encoder.encode_basestring
    separators = (",", ": ") if indent is not None else (",", ":")

    def unsupported(obj):
        raise TypeError(f"not JSON: {type(obj).__name__}")

    iterencode = json_iterencode(number_text, unsupported, encoder, indent, separators, sort_keys)
    try:
        return join_capped(iterencode(value, 0))
    except RecursionError:
        raise too_deep() from None


def format_json(text: str, indent: str = "2", sort_keys: bool = False, ensure_ascii: bool = False) -> Formatted:
    """Validate `text` and write it again with the chosen layout; raises ToolInputError on invalid JSON."""
    tracker = DuplicateTracker()
    value = parse(text, tracker)
    out = serialize(value, INDENTS[indent], sort_keys, ensure_ascii)
    duplicates = tracker.report(value)
    warnings = duplicate_warnings(duplicates)
    if not ensure_ascii and _LONE_SURROGATE.search(out):
        # "\ud800" alone is valid JSON but has no UTF-8 form: keep such characters as escapes.
        out = _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", out)
        warnings.append("Some strings hold unpaired UTF-16 surrogates (\\ud800-\\udfff): they stay escaped.")
    return Formatted(out, duplicates, warnings)
