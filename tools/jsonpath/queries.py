"""JSONPath (jsonpath-ng's extended parser) and jq queries over one JSON document: each match and its path."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import jq
from jsonpath_ng import Child, Fields, Index, Root, This
from jsonpath_ng.exceptions import JsonPathLexerError, JsonPathParserError
from jsonpath_ng.ext import parse as parse_jsonpath

from core.forms import ToolInputError
from core.limits import OutputTooLarge, output_cap

MAX_MATCHES = 10_000  # matches listed; a query that yields more (jq's `repeat`) is cut here and says so
# jq can read the process environment (`env`, `$ENV`: the server's secrets) and files (`import`, `include`,
# `modulemeta`, the search list): these definitions shadow the builtins, and since imports must come first in
# a jq program, any `import` or `include` after them is a syntax error. On its own line, so that the line
# numbers of jq's messages are the query's own once one is taken off.
JQ_SANDBOX = (
    "def env: {}; def input_filename: null; def get_search_list: []; def get_jq_origin: null; "
    "def get_prog_origin: null; def modulemeta: null; def debug: .; def debug(message): .; def stderr: .; "
    "{} as $ENV | \n"
)
_JQ_LINE = re.compile(r"\bline (\d+)")
_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


@dataclass
class Match:
    path: str | None  # None when the value is computed (jq `.a + 1`, JSONPath `len`), not found in the document
    value: object


@dataclass
class Matches:
    matches: list[Match]
    truncated: bool
    note: str = ""


def refuse_constant(name: str):
    raise ToolInputError(f"{name} is not JSON (RFC 8259, section 6): use null or a string instead.")


def load_document(text: str) -> object:
    """The one JSON value of `text`; ToolInputError naming the line and column when it is not JSON."""
    try:
        return json.loads(text, parse_constant=refuse_constant)
    except json.JSONDecodeError as exc:
        raise ToolInputError(f"Invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}.") from None
    except RecursionError:
        raise ToolInputError("The document is nested too deeply (about 900 levels at most).") from None
    except ValueError as exc:  # Python refuses integers of more than 4,300 digits
        raise ToolInputError(f"A number in the document is too long: {exc}.") from None


# --- JSONPath ---------------------------------------------------------------------------------------------


def quoted_name(name: str) -> str:
    """A member name in a normalized path (RFC 9535, section 2.7): single quotes, \\ ' and controls escaped."""
    escapes = {"\\": "\\\\", "'": "\\'", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
    out = "".join(escapes.get(c, f"\\u{ord(c):04x}" if c < " " else c) for c in name)
    return f"['{out}']"


def path_parts(path) -> list[str | int] | None:
    """The member names and indices of a jsonpath-ng match's full_path; None when it is not a plain location."""
    if isinstance(path, Root | This):
        return []
    if isinstance(path, Fields) and len(path.fields) == 1:
        return [path.fields[0]]
    if isinstance(path, Index) and len(path.indices) == 1:
        return [path.indices[0]]
    if isinstance(path, Child):
        left, right = path_parts(path.left), path_parts(path.right)
        return None if left is None or right is None else left + right
    return None


def normalized_path(path, document: object = None) -> str | None:
    """$['store']['book'][0]: RFC 9535's normalized path of a match (a negative index counted from the start)."""
    parts = path_parts(path)
    if parts is None:
        return None
    out, node = "$", document
    for part in parts:
        if isinstance(part, int) and isinstance(node, list):
            part = part + len(node) if part < 0 else part
            node = node[part] if 0 <= part < len(node) else None
        elif isinstance(part, str) and isinstance(node, dict):
            node = node.get(part)
        out += f"[{part}]" if isinstance(part, int) else quoted_name(part)
    return out


def jsonpath_matches(document: object, query: str) -> Matches:
    """The matches of a JSONPath query (jsonpath-ng's extended syntax: filters, arithmetic, len, sorted)."""
    try:
        expression = parse_jsonpath(query)
    except (JsonPathLexerError, JsonPathParserError, ValueError, TypeError) as exc:
        raise ToolInputError(f"Invalid JSONPath: {exc}", "query") from None
    except RecursionError:
        raise ToolInputError("The JSONPath is nested too deeply.", "query") from None
    try:
        found = expression.find(document)
    except RecursionError:
        raise ToolInputError("The query goes too deep into the document.", "query") from None
    except (TypeError, ValueError, KeyError, AttributeError, ArithmeticError) as exc:
        raise ToolInputError(f"The JSONPath could not be applied: {exc}", "query") from None
    matches = [Match(normalized_path(m.full_path, document), m.value) for m in found[:MAX_MATCHES]]
    return Matches(matches, len(found) > MAX_MATCHES)


# --- jq -------------------------------------------------------------------------------------------------


def jq_message(exc: Exception) -> str:
    """jq's message, its line numbers counted in the query (the sandbox line taken off)."""
    text = str(exc).strip().removeprefix("jq: error: ")
    return _JQ_LINE.sub(lambda m: f"line {max(1, int(m.group(1)) - 1)}", text)


def jq_program(query: str, wrap: str = "{}"):  # a compiled jq program
    """The query compiled inside the sandbox; `wrap` puts it in a larger program (a newline before a closing
    parenthesis: the query may end in a # comment)."""
    try:
        return jq.compile(JQ_SANDBOX + wrap.format(query))
    except ValueError as exc:
        message = jq_message(exc)
        if "unexpected import" in message or "unexpected include" in message:
            message = "modules (import, include) are not available here: " + message
        raise ToolInputError(f"Invalid jq program: {message}", "query") from None


def first_results(program, text: str) -> tuple[list, bool]:
    """Up to MAX_MATCHES results and whether there were more (a jq stream can be endless)."""
    results = []
    try:
        for value in program.input_text(text):
            if len(results) == MAX_MATCHES:
                return results, True
            results.append(value)
    except ValueError as exc:
        raise ToolInputError(f"jq: {jq_message(exc)}", "query") from None
    return results, False


def jq_path(parts: list) -> str:
    """A jq path expression for a path array: .store.book[0], .["a b"]."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(part, str) and _PLAIN_NAME.match(part):
            out += f".{part}"
        else:
            out += f".[{json.dumps(part, ensure_ascii=False)}]"
    return out or "."


def jq_matches(text: str, query: str) -> Matches:
    """The outputs of a jq program, each with its path when the program is a path expression (`path(f)`)."""
    values, truncated = first_results(jq_program(query), text)
    try:
        paths, _ = first_results(jq_program(query, "path({}\n)"), text)
    except ToolInputError:  # not a path expression (.a + 1, map(…)): the values only
        return Matches([Match(None, v) for v in values], truncated, "The values are computed: they have no paths.")
    if len(paths) != len(values) or not all(isinstance(p, list) for p in paths):
        return Matches([Match(None, v) for v in values], truncated)
    return Matches([Match(jq_path(p), v) for p, v in zip(paths, values, strict=True)], truncated)


def run_query(text: str, query: str, language: str) -> Matches:
    document = load_document(text)
    if not query.strip():
        raise ToolInputError(
            "Type a query, e.g. $.store.book[*].author (JSONPath) or .store.book[].author (jq).", "query"
        )
    return jsonpath_matches(document, query) if language == "jsonpath" else jq_matches(text, query)


# --- output ---------------------------------------------------------------------------------------------


class CappedTexts:
    """JSON texts of values whose total size stays under the output cap (a `$..*` over a deep document
    repeats each subtree once per level above it: the output can grow with the square of the input)."""

    def __init__(self) -> None:
        self.cap = output_cap()
        self.size = 0

    def text(self, value: object, indent: int | None = None) -> str:
        out = json.dumps(value, ensure_ascii=False, indent=indent)
        self.size += len(out)
        if self.size > self.cap:
            raise OutputTooLarge(self.cap)
        return out


def raw_text(value: object, texts: CappedTexts) -> str:
    """jq -r: a string as it is, anything else as compact JSON."""
    return value if isinstance(value, str) else texts.text(value)
