"""The slug tool: python-slugify's documented examples and hand-checked transliterations through anyascii."""

from __future__ import annotations

import sys

import pytest

from core.forms import ToolInputError
from tools.slug import SlugInput, slugs


def slug(text: str, **options) -> str:
    return slugs(SlugInput(input=text, **options)).result


# python-slugify's README examples (the ones that do not depend on the transliteration table), and
# transliterations checked by hand: Russian (ISO 9-like), Greek, pinyin, German ß.
CASES = {
    "README: accents dropped": ("C'est déjà l'été.", {}, "c-est-deja-l-ete"),
    "README: pinyin tone marks": ("Nín hǎo. Wǒ shì zhōng guó rén", {}, "nin-hao-wo-shi-zhong-guo-ren"),
    "README: max_length 9": ("jaja---lol-méméméoo--a", {"max_length": 9}, "jaja-lol"),
    "README: entities decoded": ("a &amp; b &#233;", {}, "a-b-e"),
    "punctuation and an ampersand": ("Crème brûlée: 10 tips & tricks!", {}, "creme-brulee-10-tips-tricks"),
    "Russian": ("Привет мир", {}, "privet-mir"),
    "Greek": ("Ελληνικά", {}, "ellinika"),
    "Chinese (anyascii pinyin, no spaces between syllables)": ("北京市", {}, "beijingshi"),
    "German sharp s": ("Straße", {}, "strasse"),
    "an emoji by its name": ("😀 party", {}, "grinning-party"),
    "unicode kept": ("Ünïcödé Text", {"allow_unicode": True}, "ünïcödé-text"),
    "separator and case kept": ("Hello World", {"separator": "_", "lowercase": False}, "Hello_World"),
    "stop words, then whole words up to 20 characters": (
        "The quick brown fox jumps over the lazy dog",
        {"stopwords": "the, over", "max_length": 20, "word_boundary": True},
        "quick-brown-fox",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_slugs(case):
    text, options, expected = CASES[case]
    assert slug(text, **options) == expected


def test_one_slug_per_line_skips_empty_lines():
    output = slugs(SlugInput(input="Привет мир\n\n  \nHello World!\r\nÉté", per_line=True))
    assert (output.result, output.count) == ("privet-mir\nhello-world\nete", 3)


def test_a_separator_with_a_line_break_is_refused():
    with pytest.raises(ToolInputError) as error:
        slug("a b", separator="\n")
    assert error.value.field == "separator"


def test_no_gpl_transliterator_is_imported():
    slug("Ünïcödé 北京")
    assert "unidecode" not in sys.modules  # GPL; python-slugify's "auto" backend would prefer it when installed
    assert "text_unidecode" not in sys.modules  # installed as python-slugify's requirement, never used here


async def test_slug_api_and_page(tool_client):
    api = await tool_client.post("/api/slug", json={"input": "Crème brûlée"})
    assert await api.get_json() == {"result": "creme-brulee", "count": 1}
    bad = await tool_client.post("/api/slug", json={"input": "x", "max_length": 1001})
    assert bad.status_code == 422 and (await bad.get_json())["error"]["field"] == "max_length"
    page = await (await tool_client.get("/tools/slug/?input=Stra%C3%9Fe")).get_data(as_text=True)
    assert "strasse" in page
