"""Turn titles into URL slugs, with transliteration of any script to ASCII; one slug per line for a list."""

from __future__ import annotations

import re

from pydantic import BaseModel, Field
from slugify import slugify

from core.forms import ToolInputError
from core.operations import Operation
from core.registry import Tool

MAX_INPUT = 100_000
STOPWORD_SEPARATORS = re.compile(r"[\s,]+")


class SlugInput(BaseModel):
    input: str = Field(max_length=MAX_INPUT, title="Text", description="A title, or one per line with 'per line'.")
    per_line: bool = Field(default=False, description="One slug for each line (empty lines are skipped).")
    separator: str = Field(default="-", max_length=5, description="Put between words (- by default).")
    lowercase: bool = Field(default=True, description="Lower-case the slug.")
    allow_unicode: bool = Field(
        default=False, description="Keep letters of any script (NFKC) instead of transliterating them to ASCII."
    )
    max_length: int = Field(default=0, ge=0, le=1000, description="Longest slug in characters; 0 for no limit.")
    word_boundary: bool = Field(default=False, description="With a max length: end at the last whole word that fits.")
    stopwords: str = Field(
        default="", max_length=1000, description="Words to leave out, separated by spaces or commas (e.g. a the of)."
    )


class SlugOutput(BaseModel):
    result: str = Field(description="The slug, or the slugs one per line.")
    count: int = Field(description="How many slugs.")


def make_slug(text: str, data: SlugInput) -> str:
    """One slug by python-slugify's modern pipeline: entities decoded, anyascii transliteration (ISC licence)."""
    return slugify(
        text,
        separator=data.separator,
        lowercase=data.lowercase,
        allow_unicode=data.allow_unicode,
        max_length=data.max_length,
        word_boundary=data.word_boundary,
        save_order=True,  # at the first word that does not fit, stop (never skip it for a shorter later one)
        stopwords=[word for word in STOPWORD_SEPARATORS.split(data.stopwords) if word],
        backend="anyascii",
        algorithm="modern",
    )


def slugs(data: SlugInput) -> SlugOutput:
    """Slugify the text, or each non-empty line of it."""
    if "\n" in data.separator or "\r" in data.separator:
        raise ToolInputError("a separator cannot hold a line break", "separator")
    texts = [line for line in data.input.splitlines() if line.strip()] if data.per_line else [data.input]
    made = [make_slug(text, data) for text in texts]
    return SlugOutput(result="\n".join(made), count=len(made))


TOOL = Tool(
    slug="slug",
    title="Slugify",
    category="Text",
    icon="link-2",
    keywords=("slugify", "url", "permalink", "transliterate", "ascii", "seo", "kebab"),
    examples=(
        ("Accents and punctuation", {"input": "Crème brûlée: 10 tips & tricks!"}),
        ("Other scripts", {"input": "Привет мир\n北京市\nΕλληνικά", "per_line": "true"}),
        (
            "Short, without stop words",
            {
                "input": "The quick brown fox jumps over the lazy dog",
                "stopwords": "the over",
                "max_length": "20",
                "word_boundary": "true",
            },
        ),
    ),
    # The transliteration writes a word for a character (an emoji's name): output can outgrow the input.
    operations=(Operation(SlugInput, slugs, SlugOutput, bounded=True),),
)
