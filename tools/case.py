"""Convert text to camelCase, PascalCase, snake_case, kebab-case, CONSTANT_CASE, Title Case and more."""

import unicodedata
from typing import Literal

import regex
from pydantic import BaseModel, Field

from core.operations import Operation
from core.registry import Tool

# Words: an acronym before a capitalised word ("HTTPServer"), a capitalised or lower word, digits.
WORD = regex.compile(r"\p{Lu}+(?=\p{Lu}\p{Ll})|\p{Lu}?\p{Ll}+|\p{Lu}+|\p{L}+|\d+")


STYLES = ("camel", "pascal", "snake", "kebab", "constant", "title", "sentence", "slug")


class CaseInput(BaseModel):
    input: str = Field(max_length=100_000, title="Text or identifier", description="Any words or an identifier.")
    style: Literal[STYLES] = Field(default="snake", description="The style passed on when tools are chained.")


def convert_case(text: str) -> dict[str, str]:
    words = [w.lower() for w in WORD.findall(text)]
    ascii_words = [unicodedata.normalize("NFKD", w).encode("ascii", "ignore").decode() for w in words]
    return {
        "camel": "".join(w if i == 0 else w.capitalize() for i, w in enumerate(words)),
        "pascal": "".join(w.capitalize() for w in words),
        "snake": "_".join(words),
        "kebab": "-".join(words),
        "constant": "_".join(words).upper(),
        "title": " ".join(w.capitalize() for w in words),
        "sentence": " ".join(words).capitalize(),
        "slug": "-".join(w for w in ascii_words if w),
    }


def every_case(data: CaseInput) -> dict[str, str]:
    """The text in every case style at once."""
    return convert_case(data.input)


TOOL = Tool(
    slug="case",
    title="Case",
    category="Text",
    icon="case-sensitive",
    keywords=("camel", "snake", "kebab", "slug", "title"),
    examples=(
        ("HTTPServerError", {"input": "HTTPServerError"}),
        ("user_account_id", {"input": "user_account_id"}),
        ("Crème brûlée recipe", {"input": "Crème brûlée recipe"}),
    ),
    operations=(Operation(CaseInput, every_case, primary=lambda cases, data: cases[data.style]),),
)
