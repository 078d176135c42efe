"""The Case tool, which is also the README's example of a complete tool."""

from __future__ import annotations

import re

import pytest

from core.config import PROJECT_ROOT
from tools.case import convert_case

# Hand-derived: words are split at separators, lower→upper boundaries and acronym ends
# ("XMLHttp" → "xml", "http"), then joined in each style.
CASES = {
    "XMLHttpRequest": {
        "camel": "xmlHttpRequest",
        "pascal": "XmlHttpRequest",
        "snake": "xml_http_request",
        "kebab": "xml-http-request",
        "constant": "XML_HTTP_REQUEST",
        "title": "Xml Http Request",
        "sentence": "Xml http request",
        "slug": "xml-http-request",
    },
    "  user_id-from API ": {
        "camel": "userIdFromApi",
        "pascal": "UserIdFromApi",
        "snake": "user_id_from_api",
        "kebab": "user-id-from-api",
        "constant": "USER_ID_FROM_API",
        "title": "User Id From Api",
        "sentence": "User id from api",
        "slug": "user-id-from-api",
    },
}


@pytest.mark.parametrize("text", CASES)
def test_convert_case(text):
    assert convert_case(text) == CASES[text]


def test_accents_are_kept_except_in_the_slug():
    result = convert_case("Crème brûlée recipe")
    assert result["snake"] == "crème_brûlée_recipe"
    assert result["slug"] == "creme-brulee-recipe"  # NFKD, accents dropped


def test_digits_are_words_of_their_own():
    assert convert_case("parseHTTPResponse2xx")["snake"] == "parse_http_response_2_xx"


def test_empty_text_gives_empty_strings():
    assert set(convert_case("").values()) == {""}


async def test_case_api_page_and_partial(tool_client):
    api = await tool_client.post("/api/case", json={"input": "XMLHttpRequest"})
    assert await api.get_json() == CASES["XMLHttpRequest"]
    page = await (await tool_client.get("/tools/case/?input=hello+world")).get_data(as_text=True)
    assert '<code id="case-camel">helloWorld</code>' in page
    assert 'href="/tools/case/?input=hello+world"' in page  # share link
    partial = await tool_client.post("/tools/case/", form={"input": "a b"}, headers={"HX-Request": "true"})
    fragment = await partial.get_data(as_text=True)
    assert "<html" not in fragment and '<code id="case-kebab">a-b</code>' in fragment
    assert "HX-Request" in partial.headers["Vary"]


async def test_case_bad_input(tool_client):
    missing = await tool_client.post("/api/case", json={})
    assert missing.status_code == 422 and (await missing.get_json())["error"]["field"] == "input"
    too_long = await tool_client.post("/api/case", json={"input": "x" * 100_001})
    assert too_long.status_code == 422
    assert "100000" in (await too_long.get_json())["error"]["message"]


def test_readme_example_is_the_real_module():
    readme = (PROJECT_ROOT / "README.md").read_text()
    block = re.search(r"This is the whole of `tools/case.py`:\n\n```python\n(.*?)```", readme, re.S)
    assert block is not None
    assert block.group(1) == (PROJECT_ROOT / "tools" / "case.py").read_text()
