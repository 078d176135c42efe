"""The lorem ipsum tool: exact counts, reproducible seeds, the classic opening; then the page and the API."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from tests.test_first_load import fresh_page
from tools.lorem import CLASSIC_PASSAGE, CLASSIC_SENTENCE, LIMITS, MAX_SEED, WORDS, generate

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
HTMX = {"HX-Request": "true"}
# The standard lorem ipsum text begins "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod
# tempor incididunt ut labore et dolore magna aliqua." (the passage as printed since the 1960s Letraset sheets,
# from Cicero, De finibus bonorum et malorum 1.10.32-33).
CLASSIC_OPENING = "Lorem ipsum dolor sit amet, consectetur adipiscing elit"
SENTENCE = re.compile(r"[A-Z][a-z]+(?:,? [a-z]+)*\.")


def share_link(page: str) -> str | None:
    found = re.search(r'<p class="share"><a href="([^"]*)">', page)
    return html.unescape(found.group(1)) if found else None


def result_text(page: str) -> str:
    found = re.search(r'<div class="result-value lorem-text" id="lorem-result">(.*?)</div>', page, re.S)
    assert found
    return html.unescape(found.group(1))


# --- exact counts -----------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 2, 7, LIMITS["paragraphs"]])
@pytest.mark.parametrize("classic", [True, False])
def test_paragraph_count_is_exact(count, classic):
    text = generate("paragraphs", count, classic, seed=count)
    blocks = text.split("\n\n")
    assert len(blocks) == count
    assert all(block and "\n" not in block for block in blocks)
    for block in blocks:
        found = SENTENCE.findall(block)
        assert " ".join(found) == block  # nothing but whole sentences
        assert 4 <= len(found) <= 7


@pytest.mark.parametrize("count", [1, 2, 13, LIMITS["sentences"]])
@pytest.mark.parametrize("classic", [True, False])
def test_sentence_count_is_exact(count, classic):
    text = generate("sentences", count, classic, seed=7)
    assert "\n" not in text
    assert text.endswith(".")
    found = SENTENCE.findall(text)
    assert len(found) == count
    assert " ".join(found) == text
    assert text.count(".") == count  # every sentence ends with exactly one period


@pytest.mark.parametrize("count", [1, 5, 8, 9, 100, LIMITS["words"]])
@pytest.mark.parametrize("classic", [True, False])
def test_word_count_is_exact(count, classic):
    text = generate("words", count, classic, seed=3)
    assert len(text.split()) == count
    assert len(text.split(" ")) == count  # single spaces, no punctuation
    assert all(word.lower() in WORDS for word in text.split())


# --- the classic opening ------------------------------------------------------------------------------


def test_classic_opening_when_asked():
    assert CLASSIC_PASSAGE.startswith(CLASSIC_OPENING + ", sed do eiusmod tempor incididunt ut labore")
    assert CLASSIC_SENTENCE == CLASSIC_OPENING + "."
    assert generate("paragraphs", 2, True, seed=1).startswith(CLASSIC_OPENING + ". ")
    assert generate("sentences", 3, True, seed=1).startswith(CLASSIC_OPENING + ". ")
    assert generate("sentences", 1, True, seed=1) == CLASSIC_OPENING + "."
    assert generate("words", 5, True, seed=1) == "Lorem ipsum dolor sit amet"
    assert generate("words", 10, True, seed=1).startswith("Lorem ipsum dolor sit amet consectetur adipiscing elit ")


def test_no_classic_opening_unless_asked():
    for seed in range(20):
        assert not generate("paragraphs", 1, False, seed=seed).startswith("Lorem ipsum dolor")
        assert not generate("words", 3, False, seed=seed).startswith("Lorem ipsum dolor")


def test_word_list_comes_from_the_classic_passage():
    passage_words = {w.strip(",.").lower() for w in CLASSIC_PASSAGE.split()}
    assert passage_words <= set(WORDS)
    assert len(WORDS) == len(set(WORDS)) > 150
    assert all(re.fullmatch(r"[a-z]+", w) for w in WORDS)


# --- reproducible -----------------------------------------------------------------------------------


@pytest.mark.parametrize("unit", ["paragraphs", "sentences", "words"])
def test_same_seed_same_text(unit):
    assert generate(unit, 5, True, seed=42) == generate(unit, 5, True, seed=42)
    assert generate(unit, 5, False, seed=MAX_SEED) == generate(unit, 5, False, seed=MAX_SEED)
    assert generate(unit, 5, False, seed=42) != generate(unit, 5, False, seed=43)


# --- JSON API ---------------------------------------------------------------------------------------


async def test_api_generates_with_a_seed(tool_client):
    body = {"unit": "words", "count": 8, "start_with_lorem": True, "seed": 5}
    response = await tool_client.post("/api/lorem", json=body)
    assert response.status_code == 200
    assert await response.get_json() == {
        "unit": "words",
        "count": 8,
        "start_with_lorem": True,
        "seed": 5,
        "text": "Lorem ipsum dolor sit amet consectetur adipiscing elit",
    }


async def test_api_same_seed_same_text(tool_client):
    body = {"unit": "paragraphs", "count": 3, "seed": 2024}
    first = await (await tool_client.post("/api/lorem", json=body)).get_json()
    second = await (await tool_client.post("/api/lorem", json=body)).get_json()
    assert first == second
    assert first["text"] == generate("paragraphs", 3, True, 2024)
    assert first["text"].startswith(CLASSIC_OPENING)


async def test_api_chooses_and_reports_a_seed(tool_client):
    response = await tool_client.post("/api/lorem", json={"unit": "sentences", "count": 4, "start_with_lorem": False})
    body = await response.get_json()
    assert response.status_code == 200
    assert 0 <= body["seed"] <= MAX_SEED
    assert body["text"] == generate("sentences", 4, False, body["seed"])


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"unit": "paragraphs", "count": 101}, "at most 100 paragraphs (1-100)"),
        ({"unit": "sentences", "count": 501}, "at most 500 sentences (1-500)"),
        ({"unit": "words", "count": 5001}, "at most 5000 words (1-5000)"),
        ({"unit": "words", "count": 0}, "greater than or equal to 1"),
        ({"count": "many"}, "valid integer"),
    ],
)
async def test_api_count_limits_are_422_stating_the_limit(tool_client, body, message):
    response = await tool_client.post("/api/lorem", json=body)
    assert response.status_code == 422
    error = (await response.get_json())["error"]
    assert error["field"] == "count"
    assert message in error["message"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"unit": "chapters"}, "unit"),
        ({"seed": -1}, "seed"),
        ({"seed": MAX_SEED + 1}, "seed"),
        ({"seed": "abc"}, "seed"),
        ({"start_with_lorem": "perhaps"}, "start_with_lorem"),
    ],
)
async def test_api_schema_errors_name_the_field(tool_client, body, field):
    response = await tool_client.post("/api/lorem", json=body)
    assert response.status_code == 422
    error = (await response.get_json())["error"]
    assert error["field"] == field
    assert field in error["message"]


async def test_api_largest_counts_are_accepted(tool_client):
    for unit, limit in LIMITS.items():
        response = await tool_client.post("/api/lorem", json={"unit": unit, "count": limit, "seed": 1})
        assert response.status_code == 200
        assert (await response.get_json())["text"] == generate(unit, limit, True, 1)


# --- page -------------------------------------------------------------------------------------------


async def test_first_load_generates_three_new_paragraphs(tool_client):
    seeds = []
    for _ in range(2):
        page = await fresh_page(tool_client, "/tools/lorem/")  # a new text on every view
        assert 'method="post" action="/tools/lorem/"' in page
        assert 'name="unit" value="paragraphs" checked' in page
        assert 'name="start_with_lorem" value="true" checked' in page
        assert "<h2>3 paragraphs</h2>" in page
        text = re.search(r'id="lorem-result">([^<]*)</div>', page).group(1)
        assert text.startswith("Lorem ipsum dolor sit amet, consectetur adipiscing elit.") and text.count("\n\n") == 2
        seed = re.search(r'<code id="lorem-seed">(\d+)</code>', page).group(1)
        assert f'href="/tools/lorem/?seed={seed}"' in page  # the link gives this very text again
        seeds.append(seed)
    assert seeds[0] != seeds[1]
    assert "style=" not in page


async def test_page_post_without_htmx_returns_the_whole_page(tool_client):
    # a ticked box: the hidden "false" comes first and the checkbox's "true" last (the last value wins)
    form = urlencode([("unit", "sentences"), ("count", "2"), ("seed", "11"), ("start_with_lorem", "false"),
                      ("start_with_lorem", "true")])  # fmt: skip
    response = await tool_client.post("/tools/lorem/", data=form, headers=FORM)
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" in page
    assert result_text(page) == generate("sentences", 2, True, 11)
    assert result_text(page).startswith(CLASSIC_OPENING)
    assert 'data-copy-target="lorem-result"' in page
    assert '<code id="lorem-seed">11</code>' in page
    assert "HX-Request" in response.headers.get("Vary", "")
    assert share_link(page) == "/tools/lorem/?unit=sentences&count=2&start_with_lorem=true&seed=11"


async def test_unticked_classic_box_sends_only_the_hidden_false(tool_client):
    form = urlencode({"unit": "words", "count": "4", "seed": "11", "start_with_lorem": "false"})
    response = await tool_client.post("/tools/lorem/", data=form, headers={**FORM, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in fragment
    assert result_text(fragment) == generate("words", 4, False, 11)
    assert "HX-Request" in response.headers.get("Vary", "")


async def test_share_link_carries_the_generated_seed(tool_client):
    form = urlencode({"unit": "paragraphs", "count": "2", "seed": "", "start_with_lorem": "true"})
    page = await (await tool_client.post("/tools/lorem/", data=form, headers=FORM)).get_data(as_text=True)
    link = share_link(page)
    assert link
    seed = int(parse_qs(urlsplit(link).query)["seed"][0])
    assert result_text(page) == generate("paragraphs", 2, True, seed)
    # following the link gives the very same text
    again = await (await tool_client.get(link)).get_data(as_text=True)
    assert result_text(again) == result_text(page)
    assert f'name="seed" type="number" inputmode="numeric" value="{seed}"' in again


async def test_page_count_over_the_limit_is_422_next_to_the_field(tool_client):
    form = urlencode({"unit": "paragraphs", "count": "101", "start_with_lorem": "true"})
    response = await tool_client.post("/tools/lorem/", data=form, headers={**FORM, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 422
    oob = re.search(r'<div id="count-feedback" hx-swap-oob="true">(.*?)</div>', fragment, re.S)
    assert oob and "at most 100 paragraphs (1-100)" in oob.group(1)
    assert "lorem-result" not in fragment


async def test_tool_is_listed_on_the_home_page(tool_client):
    page = await (await tool_client.get("/")).get_data(as_text=True)
    assert "/tools/lorem/" in page
