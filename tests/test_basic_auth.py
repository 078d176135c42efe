"""The basic-auth tool against RFC 7617's examples, both ways, and its refusals."""

from __future__ import annotations

import pytest

from core.forms import ToolInputError
from tools.basic_auth import BasicAuthInput, basic_auth

# RFC 7617 section 2: user-id "Aladdin", password "open sesame".
ALADDIN = "QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
# RFC 7617 section 2.1: user-id "test", password "123£" in UTF-8 (£ is C2 A3).
TEST_POUND = "dGVzdDoxMjPCow=="


def build(username: str, password: str):
    return basic_auth(BasicAuthInput(mode="build", username=username, password=password))


def decode(text: str):
    return basic_auth(BasicAuthInput(mode="decode", input=text))


def test_rfc_7617_section_2_example():
    output = build("Aladdin", "open sesame")
    assert output.header == f"Authorization: Basic {ALADDIN}"
    assert output.value == f"Basic {ALADDIN}"


def test_rfc_7617_section_2_1_utf8_example():
    assert build("test", "123£").credentials == TEST_POUND


@pytest.mark.parametrize(
    "text",
    [f"Authorization: Basic {ALADDIN}", f"authorization:basic {ALADDIN}", f"Basic {ALADDIN}", ALADDIN, ALADDIN[:-2]],
)
def test_decode_any_spelling_of_the_header(text):
    output = decode(text)
    assert (output.username, output.password, output.user_pass) == ("Aladdin", "open sesame", "Aladdin:open sesame")
    assert output.charset == "UTF-8"


def test_decode_utf8_and_latin1():
    assert decode(f"Basic {TEST_POUND}").password == "123£"
    # "test:123£" in ISO-8859-1 (£ is A3): what browsers sent before RFC 7617's charset parameter.
    latin = decode("Basic dGVzdDoxMjOj")
    assert (latin.password, latin.charset) == ("123£", "ISO-8859-1")


def test_a_colon_in_the_password_is_kept():
    assert build("u", "a:b").credentials == "dTphOmI="  # base64("u:a:b")
    assert decode("Basic dTphOmI=").password == "a:b"


REFUSED = {
    "a colon in the user-id (RFC 7617 section 2)": ("build", {"username": "a:b"}, "username"),
    "a control character in the password": ("build", {"username": "a", "password": "x\ny"}, "password"),
    "not Base64": ("decode", {"input": "Basic !!!"}, "input"),
    "no colon inside": ("decode", {"input": "Basic YWJj"}, "input"),  # "abc"
    "nothing to decode": ("decode", {"input": "Basic "}, "input"),
    "two words after Basic": ("decode", {"input": "Basic a b"}, "input"),
    "another scheme": ("decode", {"input": "Bearer abc.def"}, "input"),
}


@pytest.mark.parametrize("case", REFUSED)
def test_refusals_name_the_field(case):
    mode, fields, field = REFUSED[case]
    with pytest.raises(ToolInputError) as error:
        basic_auth(BasicAuthInput(mode=mode, **fields))
    assert error.value.field == field


async def test_api_is_not_cached_and_page_offers_no_link(tool_client):
    api = await tool_client.post("/api/basic-auth", json={"username": "Aladdin", "password": "open sesame"})
    assert (await api.get_json())["credentials"] == ALADDIN
    assert api.headers["Cache-Control"] == "no-store"
    response = await tool_client.post("/tools/basic-auth/", form={"mode": "decode", "input": f"Basic {ALADDIN}"})
    page = await response.get_data(as_text=True)
    assert "open sesame" in page and "Link to this result" not in page
    assert 'type="password"' in page
