"""The MIME types tool: registered types checked against their RFCs and IANA registrations."""

from __future__ import annotations

import pytest

from core.forms import ToolInputError
from tools.mime import MimeInput, build_table, look_up


def mime(text: str):
    return look_up(MimeInput(input=text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("png", "image/png"),  # RFC 2083
        (".PNG", "image/png"),
        ("report.PDF", "application/pdf"),  # RFC 8118
        ("json", "application/json"),  # RFC 8259
        ("webp", "image/webp"),
        ("md", "text/markdown"),  # RFC 7763 (from the supplement)
        ("woff2", "font/woff2"),  # RFC 8081 (from the supplement)
        ("yaml", "application/yaml"),  # RFC 9512 (from the supplement)
    ],
)
def test_types_of_extensions(text, expected):
    assert mime(text).result == expected


def test_a_compressed_archive_has_a_type_and_an_encoding():
    output = mime("archive.tar.gz")
    assert (output.type, output.encoding) == ("application/x-tar", "gzip")


def test_extensions_of_a_type_usual_one_first():
    assert mime("image/jpeg").extensions == [".jpg", ".jpe", ".jpeg"]
    assert mime("text/html; charset=utf-8").result == ".html"  # parameters are ignored


def test_a_family_lists_its_types():
    fonts = mime("font/*")
    assert [t.type for t in fonts.types] == ["font/otf", "font/ttf", "font/woff", "font/woff2"]
    assert {t.type for t in mime("image").types} >= {"image/png", "image/jpeg", "image/svg+xml"}


def test_the_table_does_not_depend_on_the_host(tmp_path):
    # A host's mime.types file may map anything; the tool reads none.
    import mimetypes

    rogue = tmp_path / "mime.types"
    rogue.write_text("application/x-rogue png\n")
    mimetypes.init([str(rogue)])
    try:
        assert mimetypes.guess_type("x.png")[0] == "application/x-rogue"  # the host's map says so
        assert build_table().guess_type("x.png", strict=False)[0] == "image/png"  # the tool's does not
    finally:
        mimetypes.init()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("xyz", "'xyz' is not in the table"),
        ("application/x-nothing", "no extension for 'application/x-nothing'"),
        ("a b", "neither an extension nor a type"),
        ("nothing/", "no type under 'nothing/'"),
        ("  ", "enter an extension"),
    ],
)
def test_refusals(text, message):
    with pytest.raises(ToolInputError) as error:
        mime(text)
    assert message in error.value.message


async def test_mime_api_and_page(tool_client):
    api = await tool_client.post("/api/mime", json={"input": "png"})
    assert (await api.get_json())["type"] == "image/png"
    page = await (await tool_client.get("/tools/mime/?input=image%2Fjpeg")).get_data(as_text=True)
    assert '<code id="mime-extensions">.jpg .jpe .jpeg</code>' in page
