"""Count characters, graphemes, bytes, words, lines, sentences and paragraphs; reading time and top words."""

from __future__ import annotations

import math
from collections import Counter

import regex
from pydantic import BaseModel, Field

from core.operations import Operation
from core.registry import Tool

MAX_INPUT = 1_000_000
TOP_WORDS = 10
# Brysbaert, M. (2019). How many words do we read per minute? A review and meta-analysis of reading rate.
# Journal of Memory and Language 109, 104047 (doi:10.1016/j.jml.2019.104047): silent reading of English
# non-fiction averages 238 words per minute.
WORDS_PER_MINUTE = 238

# Scripts written without spaces between words: each ideograph or kana counts as one word (as word processors
# count them); the prolonged sound mark U+30FC (script Common) belongs to the kana before it.
_CJK = r"\p{Han}\p{Hiragana}\p{Katakana}"
_LETTERS = rf"[[\p{{L}}\p{{M}}\p{{N}}\p{{Pc}}]--[{_CJK}\u30fc]]"
_JOINER = r"(?:['’\-.]|(?<=\p{N}),(?=\p{N}))"
# A word: one CJK character, or a run of letters, marks, digits and '_' that may hold single apostrophes,
# hyphens or periods ("don't", "well-known", "e.g", "3.14") and commas between digits ("1,000").
WORD = regex.compile(rf"(?V1)[{_CJK}]\u30fc*|{_LETTERS}+(?:{_JOINER}{_LETTERS}+)*")
GRAPHEME = regex.compile(r"\X")
# A sentence ends at '.', '!' or '?' (any run of them, then optional closing quotes or brackets) followed by
# whitespace or the end of the text; or at the ideographic full stop and full-width '!' / '?' anywhere.
SENTENCE_END = regex.compile(r"""[.!?]+['"’”)\]»]*(?=\s|$)|[。！？]+""")
# A '.' after one of these words does not end a sentence ("Dr. Smith", "e.g. this"); words that often end a
# sentence too (etc., no., inc.) are left out.
_ABBREVIATIONS = "mr mrs ms dr prof sr jr st vs e.g i.e cf fig approx dept mt"
ABBREVIATIONS = frozenset(_ABBREVIATIONS.split())
LONGEST_ABBREVIATION = max(map(len, ABBREVIATIONS))

# A short English stop-word list, shipped here (articles, pronouns, auxiliaries, common prepositions and
# conjunctions). Top words leave these out unless asked to include them.
_STOP_WORDS = """
    a about above after again against all am an and any are as at be because been before being below between
    both but by can could did do does doing down during each few for from further had has have having he her
    here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not
    now of off on once only or other our ours ourselves out over own same she should so some such than that the
    their theirs them themselves then there these they this those through to too under until up very was we
    were what when where which while who whom why will with would you your yours yourself yourselves
    i'm i've i'll i'd you're you've you'll you'd he's she's it's we're we've we'll we'd they're they've they'll
    they'd that's there's what's let's don't doesn't didn't isn't aren't wasn't weren't hasn't haven't hadn't
    won't wouldn't can't cannot couldn't shouldn't
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())


class TextStatsInput(BaseModel):
    input: str = Field(max_length=MAX_INPUT, description="The text to measure.")
    include_stop_words: bool = Field(
        default=False, description="Count common English words (the, and, of, …) in the top words too."
    )


class WordCount(BaseModel):
    word: str = Field(description="The word, case-folded.")
    count: int


class TextStatsOutput(BaseModel):
    characters: int = Field(description="Unicode code points.")
    graphemes: int = Field(description="User-perceived characters (Unicode extended grapheme clusters, UAX #29).")
    utf8_bytes: int = Field(description="Size in UTF-8.")
    utf16_bytes: int = Field(description="Size in UTF-16, without a byte order mark (2 bytes per code unit).")
    words: int = Field(description="Runs of letters/digits (with inner ' - .); each CJK ideograph or kana is one.")
    lines: int = Field(description="Lines as Python's str.splitlines() sees them; a final line break adds none.")
    sentences: int = Field(description="Text ending at . ! ? followed by a space or the end (not after Mr., e.g. …).")
    paragraphs: int = Field(description="Blocks of non-blank lines separated by blank lines.")
    reading_minutes: float = Field(description=f"words / {WORDS_PER_MINUTE} (Brysbaert 2019), to 2 decimals.")
    reading_time: str = Field(description='The reading time for people: "about N min".')
    top_words: list[WordCount] = Field(description=f"The {TOP_WORDS} most frequent words, most frequent first.")
    include_stop_words: bool


def tokenize(text: str) -> list[str]:
    """The words of the text, in order (see WORD for the rule)."""
    return WORD.findall(text)


def word_before(text: str, start: int, end: int) -> str:
    """The lower-cased token that ends at `end` (not before `start`); "" when longer than any abbreviation."""
    begin = end
    while begin > start and not text[begin - 1].isspace():
        begin -= 1
        if end - begin > LONGEST_ABBREVIATION:
            return ""
    return text[begin:end].lower()


def count_sentences(text: str) -> int:
    """Sentences: stretches ending at a sentence end (see SENTENCE_END) that contain at least one word."""
    count, start = 0, 0
    for end in SENTENCE_END.finditer(text):
        if end.group() == "." and word_before(text, start, end.start()) in ABBREVIATIONS:
            continue
        if WORD.search(text, start, end.start()):
            count += 1
        start = end.end()
    if WORD.search(text, start):
        count += 1  # the last sentence needs no final punctuation
    return count


def count_paragraphs(lines: list[str]) -> int:
    """Runs of non-blank lines (a blank line holds only whitespace)."""
    count, inside = 0, False
    for line in lines:
        blank = not line.strip()
        if not blank and not inside:
            count += 1
        inside = not blank
    return count


def reading_time(words: int) -> str:
    """ "about N min" at WORDS_PER_MINUTE, rounded half up, at least 1 min for any words."""
    if words == 0:
        return "0 min"
    return f"about {max(1, math.floor(words / WORDS_PER_MINUTE + 0.5))} min"


def top_words(words: list[str], include_stop_words: bool = False, limit: int = TOP_WORDS) -> list[tuple[str, int]]:
    """The most frequent case-folded words (’ counted as '); ties in alphabetical order."""
    folded = (w.casefold().replace("’", "'") for w in words)
    counts = Counter(w for w in folded if include_stop_words or w not in STOP_WORDS)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]


def text_stats(text: str, include_stop_words: bool = False) -> TextStatsOutput:
    """Every count for the text."""
    words = tokenize(text)
    lines = text.splitlines()
    return TextStatsOutput(
        characters=len(text),
        graphemes=sum(1 for _ in GRAPHEME.finditer(text)),
        # surrogatepass: a lone surrogate is counted as the 3 (or 2) bytes it would take, never an error
        utf8_bytes=len(text.encode("utf-8", "surrogatepass")),
        utf16_bytes=len(text.encode("utf-16-le", "surrogatepass")),
        words=len(words),
        lines=len(lines),
        sentences=count_sentences(text),
        paragraphs=count_paragraphs(lines),
        reading_minutes=round(len(words) / WORDS_PER_MINUTE, 2),
        reading_time=reading_time(len(words)),
        top_words=[WordCount(word=w, count=n) for w, n in top_words(words, include_stop_words)],
        include_stop_words=include_stop_words,
    )


def measure(data: TextStatsInput) -> TextStatsOutput:
    """Count characters (code points and graphemes), bytes, words, lines, sentences, paragraphs; top words."""
    return text_stats(data.input, data.include_stop_words)


def summary(output: TextStatsOutput) -> str:
    """One line: "12 words, 60 characters, 2 lines, about 1 min"."""
    counts = {"word": output.words, "character": output.characters, "line": output.lines}
    said = [f"{n} {noun}" + ("" if n == 1 else "s") for noun, n in counts.items()]
    return ", ".join([*said, output.reading_time])


def page_context(form, result) -> dict:
    # An empty text has statistics (all zero), but a link to an empty form is not worth offering.
    return {"words_per_minute": WORDS_PER_MINUTE} | ({} if form.data and form.data.input else {"share": None})


TOOL = Tool(
    slug="text-stats",
    title="Text statistics",
    category="Text",
    icon="sigma",
    keywords=("count", "characters", "words", "lines", "bytes", "graphemes", "reading time", "word frequency"),
    examples=(
        ("A short text", {"input": "Dr. Smith arrived at 9. She said it's well-known!\n\nThen she left. Why?"}),
        ("Emoji and CJK", {"input": "👍🏽 café 日本語のテキスト"}),
        (
            "Top words with stop words",
            {"input": "the cat and the hat and the bat sat on the mat", "include_stop_words": "true"},
        ),
    ),
    operations=(
        Operation(TextStatsInput, measure, TextStatsOutput, primary=summary, bounded=True, context=page_context),
    ),
)
