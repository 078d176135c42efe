"""The number and time tools as recipe steps: each passes its primary text on to the next."""

from __future__ import annotations


async def test_roman_then_math_then_percent(tool_client):
    # MCMXCIV = 1994 (roman) → math reads "1994" as 1994 → percent takes it as Y (its primary input): 50 % of it.
    steps = [{"tool": "roman"}, {"tool": "math"}, {"tool": "percent", "options": {"mode": "of", "x": "50"}}]
    response = await tool_client.post("/api/recipes/run", json={"input": "MCMXCIV", "steps": steps})
    body = await response.get_json()
    assert response.status_code == 200, body
    assert [step["output"] for step in body["steps"]] == ["1994", "1994", "997"]  # 50 % of 1994


async def test_units_date_ip_mime_and_utm_steps(tool_client):
    steps = [
        {"tool": "units", "options": {"to": "h"}},
        {"tool": "date", "options": {}},
    ]
    response = await tool_client.post("/api/recipes/run", json={"input": "P1DT2H", "steps": steps[:1]})
    assert (await response.get_json())["output"] == "26 h"
    dated = await tool_client.post("/api/recipes/run", json={"input": "2021-01-03", "steps": steps[1:]})
    assert (await dated.get_json())["output"] == "2020-W53-7"
    ip = await tool_client.post("/api/recipes/run", json={"input": "3232235777", "steps": [{"tool": "ip"}]})
    assert (await ip.get_json())["output"] == "192.168.1.1"
    mime = await tool_client.post("/api/recipes/run", json={"input": "png", "steps": [{"tool": "mime"}]})
    assert (await mime.get_json())["output"] == "image/png"
    utm = {"tool": "url", "operation": "utm", "options": {"utm_source": "x"}}
    link = await tool_client.post("/api/recipes/run", json={"input": "https://example.com", "steps": [utm]})
    assert (await link.get_json())["output"] == "https://example.com?utm_source=x", await link.get_json()
