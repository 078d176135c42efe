"""The useragent tool on real User-Agent strings, read by ua-parser (uap-core regexes, ua-parser-builtins 202610)."""

from __future__ import annotations

import pytest

from tools.useragent import UserAgentInput, parse_user_agent

# Real strings as browsers send them; the expected fields hand-checked against each string's own tokens
# (Chrome/120.0.0.0, "CPU iPhone OS 17_1_2", "Android 13; SM-S918B", "Googlebot/2.1", "rv:121.0").
AGENTS = {
    "Chrome 120 on Windows 10": (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
        "Safari/537.36",
        ("Chrome", "120.0.0.0"),
        ("Windows", "10"),
        ("Other", None, None),
        "Chrome 120.0.0.0 on Windows 10",
    ),
    "Safari on iPhone, iOS 17.1.2": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.1.2 Mobile/15E148 Safari/604.1",
        ("Mobile Safari", "17.1.2"),
        ("iOS", "17.1.2"),
        ("iPhone", "Apple", "iPhone"),
        "Mobile Safari 17.1.2 on iOS 17.1.2 (Apple iPhone)",
    ),
    "Chrome Mobile on a Samsung Galaxy S23 Ultra (SM-S918B), Android 13": (
        "Mozilla/5.0 (Linux; Android 13; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0.6099.144 Mobile Safari/537.36",
        ("Chrome Mobile", "120.0.6099.144"),
        ("Android", "13"),
        ("Samsung SM-S918B", "Samsung", "SM-S918B"),
        "Chrome Mobile 120.0.6099.144 on Android 13 (Samsung SM-S918B)",
    ),
    "Firefox 121 on Ubuntu": (
        "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
        ("Firefox", "121.0"),
        ("Ubuntu", None),
        ("Other", None, None),
        "Firefox 121.0 on Ubuntu",
    ),
    "Safari 17.2 on macOS 10.15.7": (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 "
        "Safari/605.1.15",
        ("Safari", "17.2"),
        ("Mac OS X", "10.15.7"),
        ("Mac", "Apple", "Mac"),
        "Safari 17.2 on Mac OS X 10.15.7 (Apple Mac)",
    ),
    "Googlebot 2.1 (a crawler)": (
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        ("Googlebot", "2.1"),
        ("Other", None),
        ("Spider", "Spider", "Desktop"),
        "Googlebot 2.1 (bot)",
    ),
    "curl": ("curl/8.5.0", ("curl", "8.5.0"), ("Other", None), ("Other", None, None), "curl 8.5.0"),
    "nothing known": ("hello", ("Other", None), ("Other", None), ("Other", None, None), "Unknown agent"),
}


@pytest.mark.parametrize("case", AGENTS)
def test_real_user_agents(case):
    string, browser, system, device, line = AGENTS[case]
    output = parse_user_agent(UserAgentInput(input=string))
    assert (output.browser.family, output.browser.version) == browser
    assert (output.os.family, output.os.version) == system
    assert (output.device.family, output.device.brand, output.device.model) == device
    assert output.is_bot == (device[0] == "Spider")
    assert output.summary == line and output.string == string


async def test_useragent_api_page_and_limit(tool_client):
    api = await tool_client.post("/api/useragent", json={"input": "curl/8.5.0"})
    body = await api.get_json()
    assert body["summary"] == "curl 8.5.0" and body["browser"] == {"family": "curl", "version": "8.5.0"}
    page = await (await tool_client.get("/tools/useragent/?input=curl%2F8.5.0")).get_data(as_text=True)
    assert '<code id="useragent-summary">curl 8.5.0</code>' in page
    too_long = await tool_client.post("/api/useragent", json={"input": "x" * 1001})
    assert too_long.status_code == 422 and (await too_long.get_json())["error"]["field"] == "input"
