"""The colour tool: CSS Color 4 and WCAG 2 vectors for parsing, conversion and contrast; then page and API."""

from __future__ import annotations

import html
import json
import math
import re
from urllib.parse import urlencode

import pytest

from core.forms import ToolInputError
from tools.color import MAX_INPUT, ColorInput, contrast, describe, forms_of, ratio_text
from tools.color.parse import NAMED_COLORS, NAMES_FILE, Color, parse_color
from tools.color.picker import chosen_input, picker_value
from tools.color.spaces import contrast_ratio, hsl_to_rgb, relative_luminance, to_byte

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
HTMX = {"HX-Request": "true"}


def rgb_of(text: str) -> tuple[int, int, int]:
    color, _ = parse_color(text)
    return to_byte(color.red), to_byte(color.green), to_byte(color.blue)


def hex_of(text: str) -> str:
    return forms_of(parse_color(text)[0]).hex


def ratio_of(foreground: str, background: str) -> float:
    return contrast(parse_color(foreground)[0], parse_color(background)[0])[0].ratio


def share_link(page: str) -> str | None:
    found = re.search(r'<p class="share"><a href="([^"]*)">', page)
    return html.unescape(found.group(1)) if found else None


# --- CSS Color 4: hex and named colours ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second"),
    [
        # CSS Color 4, section 5.2 (hex notation), examples: "#00ff00" is rgb(0 255 0); "#0000ffcc" is
        # rgb(0 0 100% / 80%); "#123" is "#112233".
        ("#00ff00", "rgb(0 255 0)"),
        ("#0000ffcc", "rgb(0 0 100% / 80%)"),
        ("#123", "#112233"),
        # section 5.2: the 4-digit form duplicates each digit like the 3-digit one
        ("#f008", "#ff000088"),
        # section 7 (hsl), example "ex-hsl-primary-red": red = #f00 = hsl(0deg 100% 50%)
        ("red", "#f00"),
        ("red", "hsl(0deg 100% 50%)"),
        # section 7, example "ex-hsl-sucks": blue = hsl(240deg 100% 50%), yellow = hsl(60deg 100% 50%)
        ("blue", "hsl(240deg 100% 50%)"),
        ("yellow", "hsl(60deg 100% 50%)"),
        # section 6.1 table: firebrick is 178 34 34, rebeccapurple #663399, names are ASCII case-insensitive
        ("firebrick", "rgb(178 34 34)"),
        ("RebeccaPurple", "#663399"),
        # section 5.1: rgba() is an alias of rgb(), and the comma (legacy) form means the same
        ("rgba(255, 128, 0, 0.5)", "rgb(255 128 0 / 50%)"),
        ("rgb(100%, 50%, 0%)", "rgb(255 127.5 0)"),
        # section 7: hsla() is an alias of hsl(); modern hsl() takes numbers for S and L
        ("hsla(120, 100%, 25%, 1)", "hsl(120 100 25)"),
        # hue units (CSS Values 4 <angle>): 0.5turn = 200grad = 180deg = pi rad
        ("hsl(0.5turn 100% 50%)", "hsl(180 100% 50%)"),
        ("hsl(200grad 100% 50%)", "hsl(180deg 100% 50%)"),
        (f"hsl({math.pi}rad 100% 50%)", "cyan"),
        # 'none' is 0 in the modern form
        ("rgb(none 0 0)", "black"),
        ("transparent", "rgb(0 0 0 / 0)"),
    ],
)
def test_same_colour(first, second):
    a, b = parse_color(first)[0], parse_color(second)[0]
    assert forms_of(a) == forms_of(b)


def test_named_colours_are_the_148_of_css_color_4():
    # CSS Color 4, section 6.1: 148 named colours (aliceblue ... yellowgreen), gray/grey spellings included.
    assert len(NAMED_COLORS) == 148
    data = json.loads(NAMES_FILE.read_text(encoding="utf-8"))
    assert "6.1" in data["source"]
    assert (NAMED_COLORS["aliceblue"], NAMED_COLORS["yellowgreen"]) == ("#f0f8ff", "#9acd32")
    assert NAMED_COLORS["gray"] == NAMED_COLORS["grey"] == "#808080"
    assert all(re.fullmatch(r"#[0-9a-f]{6}", value) for value in NAMED_COLORS.values())
    assert forms_of(parse_color("#00ffff")[0]).names == ["aqua", "cyan"]


# --- CSS Color 4: HSL and HWB to sRGB ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rgb"),
    [
        # CSS Color 4, section 7.3 "Examples of HSL Colors" (tables: hue; columns saturation, rows lightness)
        ("hsl(0 80% 50%)", (230, 26, 26)),
        ("hsl(0 40% 90%)", (240, 219, 219)),
        ("hsl(30 100% 50%)", (255, 128, 0)),
        ("hsl(30 100% 40%)", (204, 102, 0)),
        ("hsl(60 20% 50%)", (153, 153, 102)),
        ("hsl(90 60% 30%)", (77, 122, 31)),
        ("hsl(120 80% 90%)", (209, 250, 209)),
        ("hsl(120 20% 10%)", (20, 31, 20)),
        ("hsl(330 40% 70%)", (209, 148, 179)),
        ("hsl(330 100% 10%)", (51, 0, 26)),
        # section 7, example "ex-hsl-tweak": dark green hsl(120deg 100% 25%); hand-computed with the
        # section 7.1 algorithm: g = 0.25 + 0.25 = 0.5 -> 127.5 -> 128, r = b = 0 -> rgb(0 128 0) = green
        ("hsl(120deg 100% 25%)", (0, 128, 0)),
        # section 7: a saturation below 0% is clamped to 0% -> grey at the lightness: 0.5 -> 127.5 -> 128
        ("hsl(120 -50% 50%)", (128, 128, 128)),
        # CSS Color 4, section 8.3 "Examples of HWB Colors" (tables: hue; rows whiteness, columns blackness)
        ("hwb(0 0% 20%)", (0xCC, 0x00, 0x00)),
        ("hwb(0 20% 40%)", (0x99, 0x33, 0x33)),
        ("hwb(30 0% 0%)", (0xFF, 0x80, 0x00)),
        ("hwb(30 20% 40%)", (0x99, 0x66, 0x33)),
        ("hwb(30 80% 0%)", (0xFF, 0xE6, 0xCC)),
        ("hwb(60 40% 20%)", (0xCC, 0xCC, 0x66)),
        ("hwb(0 60% 20%)", (0xCC, 0x99, 0x99)),
        # section 8, example "ex-hwb-achromatic": hwb(45 40% 80%) sums to 120%, so grey 40/120 = 33.33% -> 85
        ("hwb(45 40% 80%)", (85, 85, 85)),
    ],
)
def test_hsl_and_hwb_to_rgb(text, rgb):
    assert rgb_of(text) == rgb


def test_hwb_example_in_every_notation():
    # CSS Color 4, section 8, example "ex-hwb-simple": hwb(150 20% 10%) is hsl(150 77.78% 55%) and
    # rgb(20% 90% 55%); in bytes 0.2·255 = 51, 0.9·255 = 229.5 -> 230, 0.55·255 = 140.25 -> 140.
    forms = describe(ColorInput(input="hwb(150 20% 10%)")).input
    assert forms.hsl == "hsl(150 77.78% 55%)"
    assert forms.hwb == "hwb(150 20% 10%)"
    assert (forms.hex, forms.rgb, forms.rgb_legacy) == ("#33e68c", "rgb(51 230 140)", "rgb(51, 230, 140)")
    assert forms_of(parse_color("rgb(20% 90% 55%)")[0]).hsl == "hsl(150 77.78% 55%)"


def test_hsl_to_rgb_sample_code():
    # CSS Color 4, section 7.1 sample code: hslToRgb(0, 100, 50) is [1, 0, 0]; (120, 100, 25) is [0, 0.5, 0].
    assert hsl_to_rgb(0, 100, 50) == (1, 0, 0)
    assert hsl_to_rgb(120, 100, 25) == (0, 0.5, 0)
    assert hsl_to_rgb(480, 100, 50) == hsl_to_rgb(120, 100, 50)  # hue wraps at 360


def test_translucent_colour_in_every_notation():
    forms = describe(ColorInput(input="rgba(255, 128, 0, 0.5)")).input
    # hand-computed: alpha 0.5 -> 127.5 -> 128 = 0x80 in hex; hue of (1, 0.502, 0) = 60 · 0.502 = 30.12
    assert forms.hex == "#ff800080"
    assert forms.rgb == "rgb(255 128 0 / 0.5)"
    assert forms.rgb_legacy == "rgba(255, 128, 0, 0.5)"
    assert forms.hsl == "hsl(30.12 100% 50% / 0.5)"
    assert forms.hsl_legacy == "hsla(30.12, 100%, 50%, 0.5)"
    assert forms.hwb == "hwb(30.12 0% 0% / 0.5)"
    assert (forms.alpha, forms.names) == (0.5, [])


# --- WCAG 2 contrast ---------------------------------------------------------------------------------


def test_relative_luminance_of_white_and_black():
    # WCAG 2.1, definition of relative luminance: 0 for darkest black, 1 for lightest white.
    assert relative_luminance(255, 255, 255) == pytest.approx(1.0)
    assert relative_luminance(0, 0, 0) == 0.0


@pytest.mark.parametrize(
    ("foreground", "background", "ratio", "shown"),
    [
        # WCAG 2.1 SC 1.4.3 Understanding: contrast ratios range from 1:1 to 21:1 (black on white)
        ("black", "white", 21.0, "21:1"),
        ("white", "black", 21.0, "21:1"),
        ("#777", "#777777", 1.0, "1:1"),
        # hand-computed with the WCAG formulas: 0x77/255 = 0.4667 -> ((0.4667 + 0.055) / 1.055)^2.4 = 0.18447,
        # (1 + 0.05) / (0.18447 + 0.05) = 4.478 -> fails AA for normal text (4.5), shown cut as 4.47:1
        ("#777", "white", 4.478, "4.47:1"),
        # CSS Color 4, section 6.2 (system colors), example "ex-LM-DM-links": blue on white 8.59:1, blue on
        # black 2.44:1, #81D9FE on black 13.28:1 (the spec cuts, as this tool does: the ratio is 13.2897)
        ("blue", "white", 8.59, "8.59:1"),
        ("blue", "black", 2.44, "2.44:1"),
        ("#81D9FE", "black", 13.28, "13.28:1"),
    ],
)
def test_contrast_ratio(foreground, background, ratio, shown):
    result = contrast(parse_color(foreground)[0], parse_color(background)[0])[0]
    assert result.ratio == pytest.approx(ratio, abs=0.01)
    assert result.ratio_text == shown


@pytest.mark.parametrize(
    ("foreground", "background", "verdicts"),
    [
        # WCAG 2.1 SC 1.4.3 (AA: 4.5:1, large text 3:1) and SC 1.4.6 (AAA: 7:1, large text 4.5:1)
        ("black", "white", (True, True, True, True)),
        ("#777", "white", (False, True, False, False)),  # 4.48:1
        ("blue", "black", (False, False, False, False)),  # 2.44:1
        ("#767676", "white", (True, True, False, True)),  # hand-computed: 4.54:1, the lightest grey passing AA
        ("#595959", "white", (True, True, True, True)),  # hand-computed: 7.00:1
        ("red", "red", (False, False, False, False)),  # identical colours: 1:1
    ],
)
def test_wcag_verdicts(foreground, background, verdicts):
    result = contrast(parse_color(foreground)[0], parse_color(background)[0])[0]
    assert (result.aa_normal, result.aa_large, result.aaa_normal, result.aaa_large) == verdicts


def test_ratio_is_never_rounded_up():
    # WCAG 2.1 Understanding SC 1.4.3: "4.499:1 would not meet the 4.5:1 threshold"
    assert ratio_text(4.4999) == "4.49:1"
    assert ratio_text(21.0) == "21:1"
    assert contrast_ratio(1.0, 0.0) == pytest.approx(21.0)


def test_translucent_colours_are_blended_before_measuring():
    # black at 50% over white: 0.5 -> 127.5 -> 128 = #808080, whose contrast with white is 3.95:1 (hand-computed:
    # 128/255 = 0.50196 -> 0.21586; 1.05 / 0.26586 = 3.949)
    result, warnings = contrast(parse_color("rgb(0 0 0 / 50%)")[0], parse_color("white")[0])
    assert result.ratio == pytest.approx(ratio_of("#808080", "white"))
    assert result.ratio == pytest.approx(3.949, abs=0.001)
    assert warnings == ["input is translucent: contrast is measured with it painted over against"]
    _, warnings = contrast(Color(0, 0, 0), Color(0, 0, 0, 0.5))
    assert warnings == ["against is translucent: contrast is measured with it painted over white"]


# --- refusals and warnings ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("", "enter a colour"),
        ("#12g", "'g' at position 4 (counting from 1) is not a hex digit"),
        ("#12345", "3, 4, 6 or 8 digits after '#', not 5"),
        ("rebecapurple", "(did you mean rebeccapurple?)"),
        ("bleu", "is not a colour name"),
        ("currentcolor", "currentcolor takes the colour of the element"),
        ("lab(50% 0 0)", "lab() is not supported here"),
        ("rgb(255 0)", "rgb() takes 3 values and an optional '/ alpha', not 2"),
        ("rgb(1, 2, 3, 4, 5)", "rgb() takes 3 values and an optional alpha, not 5"),
        # CSS Color 4, section 5.1: the legacy comma form takes all numbers or all percentages, no 'none'
        ("rgb(255, 0%, 0)", "three numbers or three percentages, not a mix"),
        ("rgb(none, 0, 0)", "value 1 in rgb() must be a number or a percentage"),
        ("rgb(255, 0 0)", "commas or with spaces, not both"),
        ("rgb(255, 0, 0 / 1)", "either commas or spaces with '/'"),
        # section 7: the legacy hsl() form wants percentages for S and L
        ("hsl(30, 100, 50)", "the saturation in hsl() must be a percentage, not '100'"),
        ("hsl(30px 100% 50%)", "a unit CSS colours do not use: 'px'"),
        ("hsl(30 100% 50% / 1 2)", "one alpha value after '/'"),
        ("rgb(calc(1) 0 0)", "is not a number, a percentage or 'none'"),
        ("rgb(1e999 0 0)", "is too large"),
    ],
)
def test_invalid_colours_say_why_and_list_the_accepted_forms(text, phrase):
    with pytest.raises(ToolInputError) as raised:
        parse_color(text, "against")
    assert raised.value.field == "against"
    assert phrase in raised.value.message
    assert (
        "accepted forms: #rgb, #rgba, #rrggbb, #rrggbbaa; rgb()/rgba(), hsl()/hsla() and hwb()" in raised.value.message
    )


@pytest.mark.parametrize(
    ("text", "rgb", "warning"),
    [
        # CSS Color 4, section 8: "Using commas inside hwb() is an error": read anyway, with a warning
        ("hwb(0, 0%, 0%)", (255, 0, 0), "does not allow commas in hwb()"),
        ("ff8000", (255, 128, 0), "CSS needs a '#' before hex digits: write #ff8000"),
        ("rgb(300 -10 0)", (255, 0, 0), "clamped to 0-255"),
    ],
)
def test_forms_css_would_refuse_or_clamp_come_with_a_warning(text, rgb, warning):
    color, warnings = parse_color(text)
    assert rgb_of(text) == rgb
    assert len(warnings) == 1 and warning in warnings[0]


# --- JSON API ---------------------------------------------------------------------------------------


async def test_api_describes_both_colours(tool_client):
    response = await tool_client.post("/api/color", json={"input": "#777", "against": "white"})
    assert response.status_code == 200
    body = await response.get_json()
    assert body["input"] == {
        "hex": "#777777",
        "rgb": "rgb(119 119 119)",
        "rgb_legacy": "rgb(119, 119, 119)",
        "hsl": "hsl(0 0% 46.67%)",
        "hsl_legacy": "hsl(0, 0%, 46.67%)",
        "hwb": "hwb(0 46.67% 53.33%)",
        "names": [],
        "red": 119,
        "green": 119,
        "blue": 119,
        "alpha": 1.0,
        "luminance": pytest.approx(0.18447, abs=1e-5),
    }
    assert body["against"]["names"] == ["white"]
    assert body["contrast"] == {
        "ratio": pytest.approx(4.478, abs=0.001),
        "ratio_text": "4.47:1",
        "aa_normal": False,
        "aa_large": True,
        "aaa_normal": False,
        "aaa_large": False,
    }
    assert body["warnings"] == []


async def test_api_against_defaults_to_white(tool_client):
    response = await tool_client.post("/api/color", json={"input": "black"})
    body = await response.get_json()
    assert (body["against"]["hex"], body["contrast"]["ratio_text"]) == ("#ffffff", "21:1")


@pytest.mark.parametrize(
    ("body", "field", "phrase"),
    [
        ({"input": "nope"}, "input", "'nope' is not a colour name"),
        ({"input": "red", "against": "#xyz"}, "against", "'x' at position 2 (counting from 1)"),
        ({}, "input", "input"),
        ({"input": 5}, "input", "input"),
        ({"input": "red", "against": None}, "against", "against"),
        ({"input": "#" + "f" * MAX_INPUT}, "input", str(MAX_INPUT)),
    ],
)
async def test_api_errors_are_422_naming_the_field(tool_client, body, field, phrase):
    response = await tool_client.post("/api/color", json=body)
    assert response.status_code == 422
    error = (await response.get_json())["error"]
    assert error["field"] == field
    assert phrase in error["message"]


async def test_api_invalid_colour_lists_the_accepted_forms(tool_client):
    response = await tool_client.post("/api/color", json={"input": "hsl(1 2)"})
    assert response.status_code == 422
    message = (await response.get_json())["error"]["message"]
    assert "hsl() takes 3 values" in message
    assert "148 CSS colour names" in message


# --- page -------------------------------------------------------------------------------------------


async def test_empty_page(tool_client):
    response = await tool_client.get("/tools/color/")
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'method="post" action="/tools/color/"' in page
    assert 'name="against" type="text" value="white"' in page and 'name="input" type="text" value="#3366cc"' in page
    assert "/static/css/tools/color.css" in page
    assert "Example — Hex on white." in page and '<code id="color-hex">#3366cc</code>' in page  # the first example
    assert "style=" not in page


async def test_page_post_without_htmx_returns_the_whole_page(tool_client):
    form = urlencode({"input": "hsl(120deg 100% 25%)", "against": "white"})
    response = await tool_client.post("/tools/color/", data=form, headers=FORM)
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" in page
    assert '<code id="color-hex">#008000</code>' in page
    assert '<code id="color-rgb">rgb(0 128 0)</code>' in page
    assert "<strong>green</strong>" in page
    # the swatch is an SVG rect with a fill attribute, no style attribute (the CSP forbids inline styles)
    assert '<rect width="120" height="60" fill="#008000"/>' in page
    assert "style=" not in page
    assert 'data-copy-target="color-hsl"' in page
    assert "HX-Request" in response.headers.get("Vary", "")
    assert share_link(page) == "/tools/color/?" + urlencode({"input": "hsl(120deg 100% 25%)", "against": "white"})


async def test_page_post_with_htmx_returns_only_the_result(tool_client):
    form = urlencode({"input": "#777", "against": "white"})
    response = await tool_client.post("/tools/color/", data=form, headers={**FORM, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in fragment
    assert '<span id="color-ratio">4.47:1</span>' in fragment
    assert '<td class="color-fail">Fail <small>(4.5:1)</small></td>' in fragment
    assert '<td class="color-pass">Pass <small>(3:1)</small></td>' in fragment
    assert "HX-Request" in response.headers.get("Vary", "")


async def test_get_with_query_reproduces_the_result(tool_client):
    response = await tool_client.get("/tools/color/?input=rebeccapurple&against=black")
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<code id="color-hex">#663399</code>' in page
    assert 'name="against" type="text" value="black"' in page
    assert share_link(page) == "/tools/color/?input=rebeccapurple&against=black"


async def test_page_error_is_shown_next_to_its_field(tool_client):
    form = urlencode({"input": "red", "against": "rgb(1, 2)"})
    response = await tool_client.post("/tools/color/", data=form, headers={**FORM, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 422
    oob = re.search(r'<div id="against-feedback" hx-swap-oob="true">(.*?)</div>', fragment, re.S)
    assert oob and "rgb() takes 3 values" in oob.group(1)
    assert '<div id="input-feedback" hx-swap-oob="true"></div>' in fragment
    assert "color-hex" not in fragment


async def test_page_emptied_field_is_not_an_error(tool_client):
    form = urlencode({"input": " ", "against": "white"})
    response = await tool_client.post("/tools/color/", data=form, headers={**FORM, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "field-error" not in fragment


async def test_tool_is_listed_on_the_home_page(tool_client):
    page = await (await tool_client.get("/")).get_data(as_text=True)
    assert "/tools/color/" in page


# --- the native colour picker -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "picker", "shown", "chosen"),
    [
        ("red", "#00ff00", "#ff0000", "#00ff00"),  # the picker was moved: it wins
        ("red", "#FF0000", "#ff0000", "red"),  # not moved (case does not matter): the text, as typed
        ("hsl(0 100% 50%)", "#000000", "#000000", "hsl(0 100% 50%)"),
        ("", "#336699", "#000000", "#336699"),  # only the picker was used
        ("", "#000000", "#000000", ""),  # nothing chosen at all
        ("teal", None, None, "teal"),  # no picker in the form (an API-like post)
        ("teal", "#123456", None, "#123456"),  # a picker without picker_shown was set by hand
    ],
)
def test_chosen_input(text, picker, shown, chosen):
    assert chosen_input(text, picker, shown) == chosen


@pytest.mark.parametrize(
    ("hex_colour", "value"),
    [("#3366cc", "#3366cc"), ("#00800080", "#008000"), (None, "#000000"), ("", "#000000")],
)
def test_picker_value(hex_colour, value):
    assert picker_value(hex_colour) == value


async def test_page_shows_the_picker_at_the_results_colour(tool_client):
    page = await (await tool_client.get("/tools/color/?input=rebeccapurple")).get_data(as_text=True)
    assert 'id="picker" name="picker" type="color" value="#663399"' in page
    assert 'name="picker_shown" value="#663399"' in page
    assert "/static/js/tools/color.js" in page
    first = await (await tool_client.get("/tools/color/")).get_data(as_text=True)  # a first load: the example
    shown = re.search(r'name="picker" type="color" value="(#[0-9a-f]{6})"', first).group(1)
    assert f'name="picker_shown" value="{shown}"' in first and "Example —" in first


async def test_page_without_javascript_takes_a_moved_picker(tool_client):
    # The form as a browser sends it: the old text, the picker moved to #00ff00, the value it showed before.
    form = urlencode({"input": "red", "picker": "#00ff00", "picker_shown": "#ff0000", "against": "white"})
    response = await tool_client.post("/tools/color/", data=form, headers=FORM)
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<code id="color-hex">#00ff00</code>' in page and "<strong>lime</strong>" in page
    assert 'name="input" type="text" value="#00ff00"' in page  # the text field now says it
    assert 'name="picker_shown" value="#00ff00"' in page
    assert share_link(page) == "/tools/color/?" + urlencode({"input": "#00ff00", "against": "white"})


async def test_page_with_an_unmoved_picker_takes_the_text(tool_client):
    form = urlencode({"input": "navy", "picker": "#ff0000", "picker_shown": "#ff0000", "against": "white"})
    fragment = await (await tool_client.post("/tools/color/", data=form, headers={**FORM, **HTMX})).get_data(
        as_text=True
    )
    assert '<code id="color-hex">#000080</code>' in fragment


async def test_page_refuses_a_malformed_picker_value_next_to_it(tool_client):
    form = urlencode({"input": "red", "picker": "red", "picker_shown": "#000000"})
    response = await tool_client.post("/tools/color/", data=form, headers={**FORM, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 422
    oob = re.search(r'<div id="picker-feedback" hx-swap-oob="true">(.*?)</div>', fragment, re.S)
    assert oob and "a colour picker sends # and six hex digits" in oob.group(1)
    assert "color-hex" not in fragment


async def test_result_rows_are_spaced_by_the_stylesheet(tool_client):
    page = await (await tool_client.get("/tools/color/?input=red")).get_data(as_text=True)
    assert '<div class="results color-forms">' in page and "style=" not in page
    css = await (await tool_client.get("/static/css/tools/color.css")).get_data(as_text=True)
    assert ".color-forms .result-row { padding: 0.45rem 0;" in css
