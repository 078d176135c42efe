"""The URL tool's UTM builder: campaign parameters added to a URL, its own query and fragment kept."""

from __future__ import annotations

import pytest

from core.forms import ToolInputError
from tools.url import UtmInput, utm

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def test_parameters_go_after_the_query_and_before_the_fragment():
    # Hand-checked: the space in "spring sale" is %20 (RFC 3986 percent-encoding), the fragment stays last.
    built = utm(
        UtmInput(
            input="https://example.com/shop?lang=fr#top",
            utm_source="newsletter",
            utm_medium="email",
            utm_campaign="spring sale",
        )
    )
    assert built.url == (
        "https://example.com/shop?lang=fr&utm_source=newsletter&utm_medium=email&utm_campaign=spring%20sale#top"
    )
    assert built.replaced == []


def test_reserved_characters_and_unicode_are_encoded_and_old_utm_values_replaced():
    # '&' and '=' would end the value: %26 and %3D; é is UTF-8 C3 A9.
    built = utm(UtmInput(input="https://example.com/?utm_source=old&a=1", utm_source="a&b=c", utm_content="é"))
    assert built.url == "https://example.com/?a=1&utm_source=a%26b%3Dc&utm_content=%C3%A9"
    assert built.replaced == ["utm_source"]


def test_empty_optional_fields_are_left_out():
    assert utm(UtmInput(input="https://example.com", utm_source="x", utm_term=" ")).url == (
        "https://example.com?utm_source=x"
    )


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"input": "https://example.com", "utm_source": " "}, "utm_source", "needs at least a source"),
        ({"input": "example.com/a", "utm_source": "x"}, "input", "the URL has no scheme"),
    ],
)
def test_refusals(fields, field, message):
    with pytest.raises(ToolInputError) as error:
        utm(UtmInput(**fields))
    assert error.value.field == field and message in error.value.message


async def test_utm_api_page_and_partial(tool_client):
    body = {"input": "https://example.com/?a=1", "utm_source": "news letter"}
    api = await tool_client.post("/api/url/utm", json=body)
    assert await api.get_json() == {"url": "https://example.com/?a=1&utm_source=news%20letter", "replaced": []}
    page = await tool_client.post("/tools/url/utm/", form=body)
    html = await page.get_data(as_text=True)
    assert (
        page.status_code == 200
        and '<code id="url-utm">https://example.com/?a=1&amp;utm_source=news%20letter</code>' in html
    )
    assert 'id="utm-heading"' in (await (await tool_client.get("/tools/url/")).get_data(as_text=True))
    partial = await tool_client.post("/tools/url/utm/", form=body, headers={"HX-Request": "true"})
    fragment = await partial.get_data(as_text=True)
    assert "<html" not in fragment and 'id="url-utm"' in fragment
    missing = await tool_client.post("/tools/url/utm/", form={"input": "https://example.com", "utm_source": ""})
    assert missing.status_code == 422 and "needs at least a source" in await missing.get_data(as_text=True)
