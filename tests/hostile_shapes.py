"""Generators of pathological inputs: shapes whose cost (time, memory or output) grows faster than their size.

Each shape is a hypothesis strategy of text sized near a given budget, so the same shapes fill a 200-byte
field and a 1 MB one. Used by the hostile-load test (tests/test_hostile_load.py) and the dyno memory
benchmark (benchmarks/dyno_memory.py).
"""

from __future__ import annotations

import base64
import functools
import json
import zlib

import brotli
import zstandard
from hypothesis import strategies as st


def _size(budget: int) -> st.SearchStrategy[int]:
    """A size near the budget: the point is the large end."""
    return st.integers(min_value=max(1, budget // 2), max_value=max(1, budget))


def _repeat(unit: str, budget: int) -> st.SearchStrategy[str]:
    return _size(budget).map(lambda size: unit * max(1, size // len(unit)))


def markdown_table(budget: int) -> st.SearchStrategy[str]:
    """A wide header and many one-cell rows: markdown-it pads every row to the header's width."""

    def build(width: int, share: float) -> str:
        head = "|" + "a|" * width + "\n|" + "-|" * width + "\n"
        rows = max(1, int((budget - len(head)) * share) // 3)
        return head + "|x\n" * rows

    return st.builds(build, st.integers(100, 3000), st.floats(0.5, 1.0))


def markdown_shapes(budget: int) -> st.SearchStrategy[str]:
    return st.one_of(
        markdown_table(budget),
        _repeat("[", budget),
        _repeat("*_", budget),
        _repeat("[a](", budget),
        _repeat("**a ", budget),
        _repeat("> ", budget).map(lambda text: text + "x"),
        _repeat("- ", budget).map(lambda text: text + "x"),
        st.builds(lambda n: "".join("  " * i + "- x\n" for i in range(n)), st.integers(100, 700)),
        _repeat("[a]: b\n", budget // 2).map(lambda defs: defs + "[a]" * (budget // 6)),
        _repeat("[^1]", budget).map(lambda refs: refs + "\n\n[^1]: note\n"),
        _repeat("<a>", budget),
        _repeat("`", budget),
        _repeat("&amp;", budget),
    )


def code_shapes(budget: int) -> st.SearchStrategy[str]:
    """Source texts that lexers handle badly, for any language."""
    return st.one_of(
        _size(budget).map(lambda n: "int x;" + "\n" * n),  # Pygments' C lexer is quadratic on this
        _repeat("{", budget),
        _repeat("(", budget),
        _repeat('"', budget),
        _repeat("/*", budget),
        _repeat("<a>", budget),
        _repeat("a.", budget),
        _repeat("@", budget),
        _repeat("#", budget),
        _repeat("[", budget),
        _repeat("- ", budget),
        _repeat("a = ", budget),
        _repeat("\\\n", budget),
        _repeat("x" * 200 + "\n", budget),
        _size(budget).map(lambda n: "a" * n),
        _repeat("<!--", budget),
        _repeat("&a ", budget),
    )


def language_shapes(language: str, budget: int) -> st.SearchStrategy[str]:
    """Shapes aimed at one language's lexer, plus the general ones."""
    special = {
        "c": _size(budget).map(lambda n: "int x;" + "\n" * n),
        "cpp": _size(budget).map(lambda n: "int x;" + "\n" * n),
        "ini": _repeat("[a\n", budget),
        "toml": _repeat("[[a.", budget),
        "yaml": _repeat("a: &b ", budget),
        "xml": _repeat("<a b='", budget),
        "java": _repeat("@a(", budget),
        "json": _repeat('{"a":', budget),
        "markdown": markdown_shapes(budget),
        "pytb": _repeat('  File "a", line 1\n', budget),
        "diff": _repeat("@@ -1 +1 @@\n", budget),
        "sql": _repeat("SELECT (", budget),
    }
    general = code_shapes(budget)
    return st.one_of(special[language], general) if language in special else general


def text_shapes(budget: int) -> st.SearchStrategy[str]:
    """Free text: every word distinct, one huge word, the same word, punctuation only."""
    return st.one_of(
        st.builds(lambda n: " ".join(f"w{i:x}" for i in range(n)), st.integers(budget // 16, budget // 8)),
        _size(budget).map(lambda n: "a" * n),
        _repeat("a ", budget),
        _repeat(". ", budget),
        _repeat("\n", budget),
        _repeat("é ", budget // 2),
        markdown_shapes(budget),
    )


def deep_json(budget: int) -> st.SearchStrategy[str]:
    return st.one_of(
        _size(budget // 2).map(lambda n: "[" * n + "]" * n),
        _size(budget // 6).map(lambda n: '{"a":' * n + "1" + "}" * n),
        _size(budget // 3).map(lambda n: "[" + ",".join(["[]"] * n) + "]"),
        _size(budget // 4).map(lambda n: json.dumps({f"k{i}": [] for i in range(n // 8)})),
    )


def sparse_objects(budget: int) -> st.SearchStrategy[str]:
    """Objects that each have a key of their own: as a table, rows × columns grows with the square of the count."""
    return _size(budget // 12).map(lambda n: json.dumps([{f"k{i}": 1} for i in range(n)]))


def csv_wide(budget: int) -> st.SearchStrategy[str]:
    """A wide header and many empty rows: each empty row becomes an object with every column."""

    def build(width: int) -> str:
        head = ",".join(f"c{i}" for i in range(width)) + "\n"
        return head + "\n" * max(1, budget - len(head))

    return st.builds(build, st.integers(200, 5000))


def yaml_aliases(budget: int) -> st.SearchStrategy[str]:
    """A long string behind an anchor, then many aliases of it (each expands to the whole string)."""

    def build(length: int) -> str:
        head = f"a: &a {'x' * length}\nb: ["
        count = max(1, (budget - len(head)) // 4)
        return head + ", ".join(["*a"] * count) + "]\n"

    def laughs(levels: int) -> str:
        lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
        for level in range(1, levels):
            lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 9) + "]")
        return "\n".join(lines) + "\n"

    return st.one_of(st.builds(build, st.integers(1000, budget // 4)), st.builds(laughs, st.integers(6, 12)))


def xml_shapes(budget: int) -> st.SearchStrategy[str]:
    return st.one_of(
        _size(budget // 7).map(lambda n: "<a>" * n + "</a>" * n),
        _repeat("<a/>", budget).map(lambda items: f"<r>{items}</r>"),
        _repeat("<a b='1'/>", budget).map(lambda items: f"<r>{items}</r>"),
    )


def sql_statement(budget: int) -> st.SearchStrategy[str]:
    """One long statement (about 850 KB for a 1 MB budget): sqlparse's cost grows with the token count."""
    size = int(budget * 0.85)
    return st.one_of(
        st.just("SELECT " + ", ".join(f"c{i}" for i in range(size // 7)) + " FROM t"),
        st.just("SELECT * FROM t WHERE a IN (" + "1," * (size // 2) + "1)"),
        st.just("SELECT " + "(" * (size // 2) + "1" + ")" * (size // 2)),
        st.just("SELECT " + "a AND " * (size // 6) + "b"),
    )


def zeros_compressed(algorithm: str, size: int = 64 * 2**20) -> bytes:
    """`size` zero bytes compressed (a decompression bomb), made in 1 MB pieces."""
    block = bytes(2**20)
    if algorithm == "brotli":
        packer = brotli.Compressor(quality=5)
        return b"".join(packer.process(block) for _ in range(size // len(block))) + packer.finish()
    if algorithm == "zstd":
        packer = zstandard.ZstdCompressor().compressobj()
        return b"".join(packer.compress(block) for _ in range(size // len(block))) + packer.flush()
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # gzip
    return b"".join(packer.compress(block) for _ in range(size // len(block))) + packer.flush()


@functools.cache
def decompression_bombs() -> dict[str, str]:
    """algorithm -> Base64 of 64 MB of zeros compressed with it (tens of kilobytes)."""
    return {name: base64.b64encode(zeros_compressed(name)).decode() for name in ("gzip", "brotli", "zstd")}
