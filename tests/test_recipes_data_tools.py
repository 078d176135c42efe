"""The new data tools as recipe steps: each passes its primary text on (hand-checked chains)."""

from __future__ import annotations

SHOP = '{"books": [{"title": "Moby Dick", "price": 8.99}, {"title": "Dune", "price": 22.99}]}'


async def run(client, text: str, steps: list):
    response = await client.post("/api/recipes/run", json={"input": text, "steps": steps})
    return response.status_code, await response.get_json()


async def test_jsonpath_matches_become_a_csv_table(tool_client):
    steps = [
        {"tool": "jsonpath", "options": {"query": "$.books[?(@.price < 10)]"}},  # an array of the matched objects
        {"tool": "table", "options": {"target": "csv"}},
    ]
    status, body = await run(tool_client, SHOP, steps)
    assert status == 200, body
    assert body["steps"][0]["output"] == '[\n  {\n    "title": "Moby Dick",\n    "price": 8.99\n  }\n]'
    assert body["output"] == "title,price\r\nMoby Dick,8.99\r\n"


async def test_compress_then_decompress_gives_the_text_back(tool_client):
    steps = [
        {"tool": "compress", "options": {"algorithm": "zstd", "encoding": "hex"}},
        {"tool": "compress", "options": {"mode": "decompress", "algorithm": "auto", "encoding": "hex"}},
    ]
    status, body = await run(tool_client, "hello", steps)
    # RFC 8878: a one-block raw frame, hand-decoded in tests/test_compress.py.
    assert body["steps"][0]["output"] == "28b52ffd200529000068656c6c6f"
    assert (status, body["output"]) == (200, "hello")


async def test_xml_xpath_values_and_a_markdown_table_from_csv(tool_client):
    xml = "<r><row>a,1</row><row>b,2</row></r>"
    steps = [
        {"tool": "xml", "options": {"xpath": "//row/text()"}},  # one value per line: a CSV without a header
        {"tool": "markdown", "operation": "table", "options": {"header": False, "align": "right"}},
    ]
    status, body = await run(tool_client, xml, steps)
    assert status == 200, body
    assert body["output"] == (
        "| Column 1 | Column 2 |\n| -------: | -------: |\n|        a |        1 |\n|        b |        2 |\n"
    )


async def test_cheatsheets_search_text_passes_on(tool_client):
    status, body = await run(tool_client, "reflog", [{"tool": "cheatsheets", "options": {"sheet": "git"}}])
    assert (status, body["output"]) == (
        200,
        "git reflog — Where HEAD has been: finds commits lost by a reset or a rebase.",
    )
