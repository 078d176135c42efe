"""The password tool: entropy arithmetic, class and look-alike guarantees, the EFF list, zxcvbn, and that a
checked password never leaves the form (no URL, no log line, no response body but its own input field)."""

from __future__ import annotations

import base64
import html
import math
import re
import string
from urllib.parse import urlencode

import pytest
from hypercorn.config import Config
from hypercorn.logging import AccessLogAtoms

from core.forms import ToolInputError
from tools.password.generators import (
    LOOKALIKES,
    WORDLIST_PATH,
    make_passphrase,
    make_password,
    make_token,
    wordlist,
)
from tools.password.strength import ZXCVBN_MAX_LENGTH, estimate

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
HTMX = {"HX-Request": "true"}
ALL_CLASSES = ["lower", "upper", "digits", "symbols"]
SECRET = "Zebra-Quokka-Hinge-4711"  # a password distinctive enough to search responses for

# zxcvbn-python README ("Usage"): zxcvbn('JohnSmith123', user_inputs=['John', 'Smith']) gives score 2,
# guesses 2567800 (guesses_log10 6.4096) and these crack time displays.
README_CRACK_TIMES = {
    "offline_fast_hashing_1e10_per_second": "less than a second",
    "offline_slow_hashing_1e4_per_second": "4 minutes",
    "online_no_throttling_10_per_second": "3 days",
    "online_throttling_100_per_hour": "3 years",
}
# Checking "password": score 0 (zxcvbn README: "0 # too guessable: risky password. (guesses < 10^3)") and
# the warning the README gives as its example, "this is a top-10 common password".
PASSWORD_CHECK = {
    "mode": "check",
    "value": None,
    "entropy_bits": None,
    "alphabet_size": None,
    "strength": {
        "score": 0,
        "label": "too guessable: risky password",
        "guesses_log10": 0.48,  # zxcvbn: 3 guesses (rank 2 of its password list, + 1), log10(3) = 0.477
        "crack_times_display": {
            "online_throttling_100_per_hour": "2 minutes",
            "online_no_throttling_10_per_second": "less than a second",
            "offline_slow_hashing_1e4_per_second": "less than a second",
            "offline_fast_hashing_1e10_per_second": "less than a second",
        },
        "warning": "This is a top-10 common password.",
        "suggestions": ["Add another word or two. Uncommon words are better."],
        "checked_length": 8,
        "truncated": False,
    },
}


def share_link(page: str) -> str | None:
    found = re.search(r'<p class="share"><a href="([^"]*)">', page)
    return html.unescape(found.group(1)) if found else None


def generated_value(page: str) -> str:
    return html.unescape(re.search(r'<code id="password-value">([^<]*)</code>', page).group(1))


# --- entropy ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("length", "classes", "exclude", "alphabet", "bits"),
    [
        # hand-computed: 26 + 26 + 10 + 32 = 94 symbols; 20 * log2(94) = 20 * 6.554589 = 131.09
        (20, ALL_CLASSES, False, 94, 131.09),
        # hand-computed: without I l 1 | O 0 o, 94 - 7 = 87; 20 * log2(87) = 20 * 6.442943 = 128.86
        (20, ALL_CLASSES, True, 87, 128.86),
        # hand-computed: 20 * log2(26) = 20 * 4.700440 = 94.01
        (20, ["lower"], False, 26, 94.01),
        # hand-computed: 16 * log2(10) = 16 * 3.321928 = 53.15
        (16, ["digits"], False, 10, 53.15),
        # hand-computed: 256 * log2(94) = 1677.97
        (256, ALL_CLASSES, False, 94, 1677.97),
    ],
)
def test_password_entropy(length, classes, exclude, alphabet, bits):
    value, size, entropy = make_password(length, classes, exclude)
    assert (len(value), size, entropy) == (length, alphabet, bits)
    assert entropy == round(length * math.log2(alphabet), 2)


def test_passphrase_entropy():
    # EFF: 7776 = 6^5 words, log2(7776) = 12.925 bits each; hand-computed 6 * 12.925 = 77.55.
    assert make_passphrase(6)[1] == 77.55
    # plus a digit on one of 6 words: log2(10 * 6) = 5.907 -> 77.549 + 5.907 = 83.46.
    assert make_passphrase(6, add_digit=True)[1] == 83.46
    assert make_passphrase(1)[1] == 12.92  # 12.925 rounds to 12.92 (binary 12.92481...)


@pytest.mark.parametrize(("size", "bits"), [(1, 8.0), (16, 128.0), (32, 256.0), (512, 4096.0)])
def test_token_entropy_is_8_bits_a_byte(size, bits):
    for token_format in ("hex", "base64url", "bytes"):
        assert make_token(size, token_format)[1] == bits


# --- what passwords contain -------------------------------------------------------------------------


@pytest.mark.parametrize("exclude", [False, True])
def test_every_chosen_class_appears_every_time(exclude):
    # Length 4 with 4 classes is the hardest case: every character must be of a different class.
    for _ in range(2000):
        value = make_password(4, ALL_CLASSES, exclude)[0]
        assert any(c in string.ascii_lowercase for c in value), value
        assert any(c in string.ascii_uppercase for c in value), value
        assert any(c in string.digits for c in value), value
        assert any(c in string.punctuation for c in value), value


def test_lookalikes_never_appear():
    for _ in range(500):
        value = make_password(64, ALL_CLASSES, exclude_lookalikes=True)[0]
        assert not set(value) & set(LOOKALIKES), value
    assert set(LOOKALIKES) == set("Il1|O0o")


def test_only_chosen_classes_appear():
    seen = set()
    for _ in range(300):
        value = make_password(30, ["lower", "digits"])[0]
        seen |= set(value)
    assert seen <= set(string.ascii_lowercase + string.digits)
    assert seen == set(string.ascii_lowercase + string.digits)  # 9000 draws reach all 36 (p of a miss < 1e-100)


def test_password_needs_a_class():
    with pytest.raises(ToolInputError) as raised:
        make_password(20, [])
    assert (raised.value.field, raised.value.message) == ("lower", "choose at least one kind of character")


# --- passphrases and tokens -------------------------------------------------------------------------


def test_eff_wordlist_has_7776_unique_words():
    words = wordlist()
    assert len(words) == 7776 == len(set(words)) == 6**5
    assert (words[0], words[-1]) == ("abacus", "zoom")  # the EFF list's first and last words
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)?", w) for w in words)
    assert WORDLIST_PATH.name == "eff_large_wordlist.txt"


def test_passphrase_shape():
    words = set(wordlist())
    value, _ = make_passphrase(8, separator=" ")
    assert len(value.split(" ")) == 8 and set(value.split(" ")) <= words
    value, _ = make_passphrase(5, separator="_", capitalize=True, add_digit=True)
    parts = value.split("_")
    assert len(parts) == 5
    assert all(p[0].isupper() for p in parts)
    assert sum(c.isdigit() for c in value) == 1
    digit_word = next(p for p in parts if p[-1].isdigit())
    assert digit_word[:-1].lower() in words
    assert re.fullmatch(r"[a-z-]+", make_passphrase(3, separator="")[0])


def test_token_formats():
    hex_token = make_token(16, "hex")[0]
    assert re.fullmatch(r"[0-9a-f]{32}", hex_token)
    url_token = make_token(32, "base64url")[0]
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", url_token)  # ceil(32 * 4 / 3) = 43, no '=' (as token_urlsafe)
    assert len(base64.urlsafe_b64decode(url_token + "=")) == 32
    byte_list = make_token(4, "bytes")[0]
    assert re.fullmatch(r"0x[0-9a-f]{2}(, 0x[0-9a-f]{2}){3}", byte_list)


# --- strength ---------------------------------------------------------------------------------------


def test_zxcvbn_readme_example():
    result = estimate("JohnSmith123", user_inputs=["John", "Smith"])
    assert (result.score, result.guesses_log10) == (2, 6.41)
    assert result.crack_times_display == README_CRACK_TIMES


def test_password_scores_0():
    result = estimate("password")
    assert (result.score, result.warning) == (0, "This is a top-10 common password.")


def test_long_random_passphrase_scores_4():
    for _ in range(5):
        result = estimate(make_passphrase(8)[0])
        assert result.score == 4  # zxcvbn README: 4 = guesses >= 10^10
        assert result.guesses_log10 >= 10


def test_long_passwords_are_estimated_on_the_first_72_characters():
    long_one = make_password(200, ALL_CLASSES)[0]
    result = estimate(long_one)
    assert (result.checked_length, result.truncated, result.score) == (ZXCVBN_MAX_LENGTH, True, 4)
    assert long_one not in result.model_dump_json()


# --- JSON API ---------------------------------------------------------------------------------------


async def test_api_check_password_exact(tool_client):
    response = await tool_client.post("/api/password", json={"mode": "check", "input": "password"})
    assert response.status_code == 200
    assert await response.get_json() == PASSWORD_CHECK
    assert response.headers["Cache-Control"] == "no-store"


async def test_api_check_never_returns_the_password(tool_client):
    response = await tool_client.post("/api/password", json={"mode": "check", "input": SECRET})
    assert response.status_code == 200
    assert SECRET not in await response.get_data(as_text=True)
    assert (await response.get_json())["strength"]["checked_length"] == len(SECRET)


async def test_api_default_password(tool_client):
    body = await (await tool_client.post("/api/password", json={})).get_json()
    assert (body["mode"], body["alphabet_size"], body["entropy_bits"], body["strength"]) == (
        "password",
        94,
        131.09,
        None,
    )
    assert len(body["value"]) == 20


async def test_api_passphrase_and_token(tool_client):
    body = await (
        await tool_client.post("/api/password", json={"mode": "passphrase", "words": 4, "separator": "."})
    ).get_json()
    assert body["entropy_bits"] == 51.7  # hand-computed: 4 * 12.925 = 51.70
    assert body["alphabet_size"] == 7776 and len(body["value"].split(".")) == 4
    body = await (
        await tool_client.post("/api/password", json={"mode": "token", "token_bytes": 24, "token_format": "base64url"})
    ).get_json()
    assert (body["entropy_bits"], body["alphabet_size"], len(body["value"])) == (192.0, 256, 32)


@pytest.mark.parametrize(
    ("body", "field", "phrase"),
    [
        ({"length": 3}, "length", "greater than or equal to 4"),
        ({"length": 257}, "length", "less than or equal to 256"),
        ({"mode": "passphrase", "words": 21}, "words", "less than or equal to 20"),
        ({"mode": "passphrase", "separator": "------"}, "separator", "at most 5 characters"),
        ({"mode": "token", "token_bytes": 0}, "token_bytes", "greater than or equal to 1"),
        ({"mode": "token", "token_format": "base32"}, "token_format", "'hex', 'base64url' or 'bytes'"),
        ({"lower": False, "upper": False, "digits": False, "symbols": False}, "lower", "at least one kind"),
        ({"mode": "check"}, "input", "type a password to check"),
        ({"mode": "check", "input": "x" * 257}, "input", "at most 256 characters"),
        ({"mode": "guess"}, "mode", "'password', 'passphrase', 'token' or 'check'"),
    ],
)
async def test_api_errors_name_the_field(tool_client, body, field, phrase):
    response = await tool_client.post("/api/password", json=body)
    assert response.status_code == 422
    error = (await response.get_json())["error"]
    assert error["field"] == field
    assert phrase in error["message"]


# --- page -------------------------------------------------------------------------------------------


async def test_page_post_returns_the_whole_page(tool_client):
    form = urlencode({"mode": "passphrase", "words": "7", "separator": " ", "capitalize": "true"})
    response = await tool_client.post("/tools/password/", data=form, headers=FORM)
    page = await response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" in page
    value = generated_value(page)
    assert len(value.split(" ")) == 7 and all(w[0].isupper() for w in value.split(" "))
    assert '<span id="password-entropy">90.47 bits of entropy</span>' in page  # 7 * 12.925 = 90.47
    assert response.headers["Cache-Control"] == "no-store"
    assert "HX-Request" in response.headers["Vary"]


async def test_page_htmx_returns_only_the_result(tool_client):
    form = urlencode({"mode": "password", "length": "30", "lower": "true", "digits": "true"})
    response = await tool_client.post("/tools/password/", data=form, headers={**FORM, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in fragment
    # Unticked checkboxes send nothing: only a-z and 0-9 remain, 36 symbols; 30 * log2(36) = 155.10.
    value = generated_value(fragment)
    assert len(value) == 30 and set(value) <= set(string.ascii_lowercase + string.digits)
    assert '<span id="password-entropy">155.10 bits of entropy</span>' in fragment
    assert "HX-Request" in response.headers["Vary"]
    # Out-of-band field messages only for the fields of the form on the page, so none misses its target.
    assert 'id="length-feedback" hx-swap-oob="true"' in fragment
    assert 'id="words-feedback"' not in fragment and 'id="input-feedback"' not in fragment


async def test_shareable_get_reproduces_the_settings(tool_client):
    response = await tool_client.get("/tools/password/?mode=token&token_bytes=8&token_format=hex")
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.fullmatch(r"[0-9a-f]{16}", generated_value(page))
    assert share_link(page) == "/tools/password/?mode=token&token_bytes=8&token_format=hex"


async def test_stray_fields_of_another_mode_are_ignored(tool_client):
    response = await tool_client.get("/tools/password/?mode=token&token_bytes=2&words=999&input=secret")
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert share_link(page) == "/tools/password/?mode=token&token_bytes=2"


async def test_page_errors(tool_client):
    form = urlencode({"mode": "password", "length": "20"})  # every class unticked
    response = await tool_client.post("/tools/password/", data=form, headers=FORM)
    page = await response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="lower-error" role="alert">choose at least one kind of character</small>' in page
    response = await tool_client.get("/tools/password/?mode=passphrase&words=0")
    assert response.status_code == 422
    assert "Input should be greater than or equal to 1" in await response.get_data(as_text=True)


async def test_checked_password_appears_only_in_its_input(tool_client):
    form = urlencode({"mode": "check", "input": SECRET})
    response = await tool_client.post("/tools/password/", data=form, headers=FORM)
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<span id="strength-label">' in page
    # Without JavaScript the whole page comes back: the password is only in the password field's value.
    assert page.count(SECRET) == 1
    assert f'type="password" autocomplete="off" spellcheck="false" autocapitalize="off" value="{SECRET}"' in page
    assert share_link(page) is None
    # With htmx only the result is swapped: it does not contain the password at all.
    fragment = await (await tool_client.post("/tools/password/", data=form, headers={**FORM, **HTMX})).get_data(
        as_text=True
    )
    assert "Score 4 of 4" in fragment
    assert SECRET not in fragment
    assert "share" not in fragment


async def test_strength_check_from_a_url_is_refused(tool_client):
    response = await tool_client.get(f"/tools/password/?mode=check&input={SECRET}")
    page = await response.get_data(as_text=True)
    assert response.status_code == 422
    assert SECRET not in page  # neither estimated nor refilled
    assert "only accepts the form&#39;s POST" in page
    assert 'id="strength-label"' not in page
    empty = await tool_client.get("/tools/password/?mode=check")
    assert empty.status_code == 200 and "field-error" not in await empty.get_data(as_text=True)


async def test_the_access_log_line_never_holds_the_password(tool_client):
    # Capture the ASGI scope of the form post, then format Hypercorn's access log line from it exactly as
    # Hypercorn does (hypercorn.logging.AccessLogAtoms with the default access_log_format).
    scopes = []

    async def keep_scope(response):
        from quart import request

        scopes.append(request.scope)
        return response

    tool_client.app.after_request(keep_scope)
    form = urlencode({"mode": "check", "input": SECRET})
    response = await tool_client.post("/tools/password/", data=form, headers={**FORM, **HTMX})
    assert response.status_code == 200
    atoms = AccessLogAtoms(scopes[-1], {"status": 200, "headers": []}, 0.01)
    line = Config().access_log_format % atoms
    assert '"POST /tools/password/ ' in line
    assert SECRET not in line and "input=" not in line


async def test_check_form_posts_the_password_in_the_body(tool_client):
    page = await (await tool_client.get("/tools/password/?mode=check")).get_data(as_text=True)
    form = page[page.index("<form") : page.index("</form>")]
    # Both the plain form and htmx send the password in the request body, never in the URL.
    assert 'method="post"' in form and 'hx-post="/tools/password/"' in form and "hx-get" not in form
    assert '<input id="input" name="input" type="password"' in form
