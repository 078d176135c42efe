"""Generate lorem ipsum placeholder text: paragraphs, sentences or words, reproducible from a seed."""

from __future__ import annotations

import random
import secrets
from typing import Literal

from pydantic import BaseModel, Field, ValidationInfo, field_validator

from core.forms import FormInput
from core.operations import Operation
from core.registry import Tool
from core.render import share_url

Unit = Literal["paragraphs", "sentences", "words"]
LIMITS = {"paragraphs": 100, "sentences": 500, "words": 5000}
MAX_SEED = 2**53 - 1  # the largest integer a JavaScript number holds exactly

# The standard lorem ipsum passage, a scrambled excerpt of Cicero, De finibus bonorum et malorum 1.10.32-33.
CLASSIC_PASSAGE = (
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et "
    "dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex "
    "ea commodo consequat. Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat "
    "nulla pariatur. Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt mollit "
    "anim id est laborum."
)
CLASSIC_SENTENCE = "Lorem ipsum dolor sit amet, consectetur adipiscing elit."
CLASSIC_WORDS = ("Lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing", "elit")
# The words of the passage and the Latin vocabulary that lorem ipsum generators have long added to it.
_EXTRA_WORDS = """
    ac accumsan aenean aliquam aliquet ante arcu at auctor augue bibendum blandit condimentum congue convallis
    cras curabitur cursus dapibus diam dictum dictumst dignissim donec dui efficitur egestas eget eleifend
    elementum erat eros etiam euismod facilisis fames faucibus felis fermentum feugiat finibus fringilla fusce
    gravida habitasse hac hendrerit iaculis imperdiet integer interdum justo lacinia lacus laoreet lectus leo
    libero ligula lobortis luctus maecenas malesuada massa mattis mauris maximus metus mi molestie morbi nam nec
    neque netus nibh nisl nullam nunc odio orci ornare pellentesque pharetra phasellus placerat platea porta
    porttitor posuere potenti praesent pretium proin pulvinar purus quam quisque rhoncus risus rutrum sagittis
    sapien scelerisque sem semper senectus sodales sollicitudin suscipit suspendisse tellus tempus tincidunt
    tortor tristique turpis ullamcorper ultrices ultricies urna varius vehicula vel venenatis vestibulum vitae
    vivamus viverra volutpat vulputate
"""
WORDS: tuple[str, ...] = tuple(
    sorted({w.strip(",.").lower() for w in CLASSIC_PASSAGE.split()} | set(_EXTRA_WORDS.split()))
)
SENTENCE_WORDS = (6, 14)  # words per generated sentence, inclusive
PARAGRAPH_SENTENCES = (4, 7)  # sentences per generated paragraph, inclusive


class LoremInput(BaseModel):
    unit: Unit = Field(default="paragraphs", description="What count counts: paragraphs, sentences or words.")
    count: int = Field(
        default=3,
        ge=1,
        description="How many: 1-100 paragraphs, 1-500 sentences or 1-5000 words.",
    )
    start_with_lorem: bool = Field(
        default=True, description='Begin with the classic "Lorem ipsum dolor sit amet, consectetur adipiscing elit".'
    )
    seed: int | None = Field(
        default=None,
        ge=0,
        le=MAX_SEED,
        description="The same seed (with the same other fields) gives the same text; a random one when empty.",
    )

    @field_validator("count")
    @classmethod
    def count_within_unit_limit(cls, count: int, info: ValidationInfo) -> int:
        unit = info.data.get("unit")
        if unit in LIMITS and count > LIMITS[unit]:
            raise ValueError(f"at most {LIMITS[unit]} {unit} (1-{LIMITS[unit]})")
        return count

    @field_validator("seed", mode="before")
    @classmethod
    def empty_seed_is_none(cls, seed):
        return None if isinstance(seed, str) and not seed.strip() else seed


class LoremOutput(BaseModel):
    unit: Unit
    count: int
    start_with_lorem: bool
    seed: int = Field(description="The seed used: send it again to get the same text.")
    text: str = Field(description="Paragraphs are separated by a blank line; sentences and words by a space.")


def sentence(rng: random.Random) -> str:
    """A random sentence: capitalised, sometimes with a comma, ending with a period."""
    words: list[str] = []
    for _ in range(rng.randint(*SENTENCE_WORDS)):
        word = rng.choice(WORDS)
        while words and word == words[-1]:
            word = rng.choice(WORDS)
        words.append(word)
    if len(words) >= 9 and rng.random() < 0.5:
        comma = rng.randint(3, len(words) - 4)
        words[comma] += ","
    return " ".join(words).capitalize() + "."


def sentences(rng: random.Random, count: int, classic: bool) -> list[str]:
    first = [CLASSIC_SENTENCE] if classic and count else []
    return first + [sentence(rng) for _ in range(count - len(first))]


def paragraphs(rng: random.Random, count: int, classic: bool) -> list[str]:
    """Paragraphs of 4-7 sentences; the first starts with the classic sentence when asked."""
    out = []
    for index in range(count):
        out.append(" ".join(sentences(rng, rng.randint(*PARAGRAPH_SENTENCES), classic and index == 0)))
    return out


def words(rng: random.Random, count: int, classic: bool) -> list[str]:
    first = list(CLASSIC_WORDS[:count]) if classic else []
    return first + [rng.choice(WORDS) for _ in range(count - len(first))]


def generate(unit: str, count: int, start_with_lorem: bool = True, seed: int = 0) -> str:
    """The text: the same arguments always give the same text (random.Random(seed))."""
    rng = random.Random(seed)
    if unit == "paragraphs":
        return "\n\n".join(paragraphs(rng, count, start_with_lorem))
    if unit == "sentences":
        return " ".join(sentences(rng, count, start_with_lorem))
    return " ".join(words(rng, count, start_with_lorem))


def lorem(data: LoremInput) -> LoremOutput:
    """Generate as the input asks, choosing a seed when none is given."""
    seed = data.seed if data.seed is not None else secrets.randbelow(1_000_000_000)
    return LoremOutput(
        unit=data.unit,
        count=data.count,
        start_with_lorem=data.start_with_lorem,
        seed=seed,
        text=generate(data.unit, data.count, data.start_with_lorem, seed),
    )


def page_context(form: FormInput, result: LoremOutput | None) -> dict:
    # The link carries the seed actually used, so it reproduces this very text.
    share = share_url(TOOL.page_url, {**form.values, "seed": str(result.seed)}) if result else None
    return {"limits": LIMITS, "share": share}


TOOL = Tool(
    slug="lorem",
    title="Lorem ipsum",
    category="Generators",
    icon="pilcrow",
    keywords=("lorem ipsum", "placeholder", "dummy text", "filler", "paragraphs", "latin"),
    examples=(
        ("3 paragraphs", {"unit": "paragraphs", "count": "3", "start_with_lorem": "true"}),
        ("5 sentences, no “Lorem ipsum”", {"unit": "sentences", "count": "5", "start_with_lorem": "false"}),
        ("50 words, seed 42", {"unit": "words", "count": "50", "seed": "42"}),
    ),
    operations=(
        Operation(
            LoremInput,
            lorem,
            LoremOutput,
            primary="text",
            primary_input=None,  # a generator: it takes no text
            summary="Generate lorem ipsum paragraphs, sentences or words; the same seed gives the same text.",
            context=page_context,
            varies=True,  # a new text on every call without a seed, and on every view of the page
            example={"unit": "words", "count": 50, "seed": 42},  # a seed: the same text every time
        ),
    ),
)
