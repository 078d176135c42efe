"""Short links, pure parts: codes, aliases, targets, bot detection, referrers, chart and QR SVG."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from core.forms import ToolInputError
from tools.links import rules
from tools.links.images import axis_ticks, clicks_chart, nice_max, qr_svg

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
)


def test_generated_codes_use_the_unambiguous_alphabet():
    assert not set("01ilo") & set(rules.ALPHABET)
    codes = {rules.generate_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(re.fullmatch(r"[23456789abcdefghjkmnpqrstuvwxyz]{7}", code) for code in codes)


@pytest.mark.parametrize("alias, stored", [("My-Link_1", "my-link_1"), ("abc", "abc"), ("x" * 64, "x" * 64)])
def test_valid_aliases_are_lowercased(alias, stored):
    assert rules.clean_alias(alias) == stored


@pytest.mark.parametrize("alias", ["ab", "x" * 65, "a b", "héllo", "a/b", "a.b", ""])
def test_invalid_aliases_are_refused(alias):
    with pytest.raises(ToolInputError) as error:
        rules.clean_alias(alias)
    assert error.value.field == "alias"
    assert error.value.message == "an alias has 3 to 64 characters: letters, digits, - and _"


def test_reserved_alias_is_refused_in_any_case():
    with pytest.raises(ToolInputError, match="the alias 'api' is reserved"):
        rules.clean_alias("API")


@pytest.mark.parametrize(
    "url, stored",
    [
        ("https://example.com/a/b?q=1#top", "https://example.com/a/b?q=1#top"),
        ("  http://example.com  ", "http://example.com"),
        ("HTTPS://Example.com/x", "https://example.com/x"),
        ("https://bücher.de/straße", "https://xn--bcher-kva.de/stra%C3%9Fe"),
        ("https://short.test/tools/links/", "https://short.test/tools/links/"),  # our host, not /s/
        ("https://other.test/s/abc", "https://other.test/s/abc"),  # /s/ on another host
    ],
)
def test_http_targets_are_accepted(url, stored):
    assert rules.clean_target(url, "short.test") == stored


@pytest.mark.parametrize(
    "url, message",
    [
        ("javascript:alert(1)", "only http:// and https:// addresses can be shortened"),
        ("JavaScript:alert(1)", "only http:// and https:// addresses can be shortened"),
        ("data:text/html,<script>alert(1)</script>", "only http:// and https:// addresses can be shortened"),
        ("ftp://example.com/file", "only http:// and https:// addresses can be shortened"),
        ("example.com/page", "only http:// and https:// addresses can be shortened"),
        ("https:///path", "the address needs a host name, e.g. https://example.com/page"),
        ("https://exa mple.com/", "a URL has no spaces or control characters"),
        ("https://example.com/\r\nSet-Cookie: x", "a URL has no spaces or control characters"),
        ("https://bank.example@evil.example/", "an address with a user name or password (user@host) is not accepted"),
        ("https://example.com/" + "a" * 2048, "the address is longer than 2048 characters"),
        ("https://short.test/s/abc", "a short link cannot point to another short link of this site"),
        ("http://SHORT.TEST:80/s/abc", "a short link cannot point to another short link of this site"),
        ("https://short.test/%73/abc", "a short link cannot point to another short link of this site"),
        ("https://short.test/x/../s/abc", "a short link cannot point to another short link of this site"),
        ("https://short.test//s/abc", "a short link cannot point to another short link of this site"),
    ],
)
def test_bad_targets_are_refused(url, message):
    with pytest.raises(ToolInputError) as error:
        rules.clean_target(url, "short.test")
    assert (error.value.field, error.value.message) == ("target", message)


def test_own_host_with_port_is_compared_with_port():
    with pytest.raises(ToolInputError):
        rules.clean_target("http://127.0.0.1:9100/s/abc", "127.0.0.1:9100")
    assert rules.clean_target("http://127.0.0.1:9200/s/abc", "127.0.0.1:9100") == "http://127.0.0.1:9200/s/abc"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/s/abc",
        "http://0x7f000001/s/abc",
        "http://0X7F000001/s/abc",
        "http://127.1/s/abc",
        "http://127.0.1/s/abc",
        "http://2130706433/s/abc",
        "http://0177.0.0.1/s/abc",
        "http://0x7f.0.0.1/s/abc",
        "http://127.0.0.1./s/abc",
        "http://[::ffff:127.0.0.1]/s/abc",
        "http://[::ffff:7f00:1]/s/abc",
        "http://%31%32%37.0.0.1/s/abc",
        "http://１２７．０．０．１/s/abc",
        "https://127.1:443/s/abc",
    ],
)
def test_every_spelling_of_our_address_is_refused(url):
    with pytest.raises(ToolInputError, match="cannot point to another short link"):
        rules.clean_target(url, {"127.0.0.1"})


@pytest.mark.parametrize(
    "url",
    [
        "https://TOOLS.EXAMPLE.COM/s/abc",
        "https://tools.example.com./s/abc",
        "https://Tools.Example.Com.:8443/s/abc",  # a name without a port is ours on every port
        "https://[::1]/s/abc",
        "https://[0:0::1]/s/abc",
        "http://short.test/s/abc",
    ],
)
def test_every_spelling_of_our_names_is_refused(url):
    with pytest.raises(ToolInputError, match="cannot point to another short link"):
        rules.clean_target(url, {"tools.example.com", "::1", "short.test:80"})


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.2/s/abc",
        "http://0x7f000002/s/abc",
        "http://[::ffff:127.0.0.2]/s/abc",
        "https://tools.example.com.evil.example/s/abc",
        "https://example.com/s/abc",
    ],
)
def test_a_genuinely_different_host_is_allowed(url):
    assert rules.clean_target(url, {"127.0.0.1", "tools.example.com"}) == url


@pytest.mark.parametrize(
    "agent, bot",
    [
        (CHROME, False),
        ("curl/8.5.0", False),
        ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", True),
        ("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", True),
        ("Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", True),
        ("Twitterbot/1.0", True),
        ("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", True),
        ("Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)", True),
        ("WhatsApp/2.23.20.0 A", True),
        ("TelegramBot (like TwitterBot)", True),
        ("LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)", True),
        ("Mozilla/5.0 SLACK-IMGPROXY", True),  # any case (ua-parser alone does not call this one a bot)
        ("", True),
        (None, True),
    ],
)
def test_bot_detection(agent, bot):
    assert rules.is_bot(agent) is bot


@pytest.mark.parametrize(
    "referer, host",
    [
        ("https://News.YCombinator.com/item?id=1", "news.ycombinator.com"),
        ("http://t.co/abc", "t.co"),
        ("android-app://com.slack/", "com.slack"),
        ("not a url", None),
        ("", None),
        (None, None),
        ("http://[::1/", None),
    ],
)
def test_referrer_host(referer, host):
    assert rules.referrer_host(referer) == host


@pytest.mark.parametrize("value, top", [(0, 1), (1, 1), (2, 2), (3, 5), (7, 10), (11, 20), (21, 50), (100, 100)])
def test_chart_scale(value, top):
    assert nice_max(value) == top


@pytest.mark.parametrize(
    ("value", "ticks"),
    [
        (0, [0, 1]),
        (1, [0, 1]),
        (3, [0, 1, 2, 3]),
        (5, [0, 1, 2, 3, 4, 5]),
        (6, [0, 2, 4, 6]),
        (7, [0, 2, 4, 6, 8]),
        (11, [0, 5, 10, 15]),
        (100, [0, 20, 40, 60, 80, 100]),
        (101, [0, 50, 100, 150]),
        (12345, [0, 5000, 10000, 15000]),
    ],
)
def test_y_axis_ticks_are_round_and_fit_the_data(value, ticks):
    assert axis_ticks(value) == ticks


def test_chart_is_an_accessible_svg_without_style_attributes():
    per_day = [
        {"day": date(2026, 11, 27), "clicks": 5, "bots": 1},
        {"day": date(2026, 11, 28), "clicks": 10, "bots": 0},
    ]
    svg = clicks_chart(per_day, "Clicks <per> day")
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 480 204" role="img"')
    assert '<title id="chart-title">Clicks &lt;per&gt; day</title>' in svg
    assert "style=" not in svg and "<script" not in svg
    # Plot height 158 units, y axis 0-10 in steps of 2: 5 clicks -> 79 units, 10 clicks -> 158.
    heights = re.findall(r'<rect [^>]*height="([0-9.]+)"', svg)
    assert heights == ["79.0", "158.0"]
    assert "<title>2026-11-27: 5 clicks</title>" in svg
    assert re.findall(r'class="tick-label"[^>]*>([^<]*)</text>', svg) == ["0", "2", "4", "6", "8", "10"]
    assert re.findall(r'class="axis-label"[^>]*>([^<]*)</text>', svg) == ["28 Nov"]  # the last day is labelled


def test_chart_labels_a_day_a_week_and_thousands_briefly():
    first = date(2026, 11, 5)
    per_day = [{"day": first + timedelta(days=i), "clicks": 400 * i, "bots": 0} for i in range(30)]
    svg = clicks_chart(per_day, "Clicks")
    assert re.findall(r'class="axis-label"[^>]*>([^<]*)</text>', svg) == [
        "6 Nov",
        "13 Nov",
        "20 Nov",
        "27 Nov",
        "4 Dec",
    ]
    assert re.findall(r'class="tick-label"[^>]*>([^<]*)</text>', svg) == ["0", "5k", "10k", "15k"]  # max 11600
    assert re.findall(r'class="tick-label" x="(\d+)"', svg) == ["46"] * 4  # right-aligned left of the plot
    assert clicks_chart([], "Nothing yet").count("<text") == 2  # just 0 and 1 on the y axis


@pytest.mark.parametrize(
    ("user_agent", "software"),
    [
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
            "Safari/537.36",
            ("Chrome", "Windows"),
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/17.5 Mobile/15E148 Safari/604.1",
            ("Mobile Safari", "iOS"),
        ),
        ("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", ("Firefox", "Linux")),
        ("curl/8.5.0", ("curl", None)),  # no operating system in the string
        ("", (None, None)),
        (None, (None, None)),
        ("no browser says this", (None, None)),  # ua-parser's "Other" is stored as unknown
    ],
)
def test_client_software_from_known_user_agents(user_agent, software):
    assert rules.client_software(user_agent) == software


def test_qr_svg_has_title_and_no_style():
    svg = qr_svg("http://localhost/s/abc2345")
    assert svg.startswith('<svg role="img" ')
    assert "viewBox=" in svg
    assert "<title>QR code for http://localhost/s/abc2345</title>" in svg
    assert "style=" not in svg
    download = qr_svg("http://localhost/s/abc2345", inline=False)
    assert 'width="' in download


def test_user_agents_are_parsed_by_the_native_resolver():
    # ua-parser-rs (requirements.txt): about 16 µs per user agent not seen before, against about 430 µs for
    # ua-parser's pure-Python matcher; every redirect and whoami call parses one.
    import ua_parser

    assert type(ua_parser.parser.resolver.parser).__module__ == "ua_parser.regex"
    assert rules.is_bot("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)")
    chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0"
    assert not rules.is_bot(chrome + " Safari/537.36")
