"""The data converter's format detection, swap, file upload and download (the conversions: test_convert.py)."""

from __future__ import annotations

import html
import io
import json
import re
from urllib.parse import urlencode

import pytest
from werkzeug.datastructures import FileStorage

from app import create_app
from core.forms import ToolInputError
from tools.convert import MAX_INPUT, ConvertInput, ConvertOutput, convert, swapped_values
from tools.convert.detect import candidates, detect
from tools.convert.upload import UploadRefused, decode_text, download_name, read_text

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
HTMX = {"HX-Request": "true"}


def result_of(page: str) -> str | None:
    found = re.search(r'<code id="convert-result">(.*?)</code>', page, re.S)
    return html.unescape(found.group(1)) if found else None


def upload(content: bytes, filename: str = "data.json") -> FileStorage:
    return FileStorage(io.BytesIO(content), filename=filename, content_type="application/octet-stream")


# --- detection ---------------------------------------------------------------------------------------------

DETECTED = [
    ('{"a": [1, 2]}', "json", {"a": [1, 2]}),
    ("[1, 2, 3]", "json", [1, 2, 3]),
    ("  42  ", "json", 42),
    ("<a><b>1</b></a>", "xml", {"a": {"b": "1"}}),
    ('<?xml version="1.0"?>\n<a>x</a>', "xml", {"a": "x"}),
    ('title = "TOML"\n[owner]\nname = "Tom"\n', "toml", {"title": "TOML", "owner": {"name": "Tom"}}),
    ("[server]\nport = 8080\n", "toml", {"server": {"port": 8080}}),
    ("name: Ada\nlanguages:\n  - en\n  - fr\n", "yaml", {"name": "Ada", "languages": ["en", "fr"]}),
    ("- a\n- b\n", "yaml", ["a", "b"]),
    ("{a: 1, b: [x, y]}", "yaml", {"a": 1, "b": ["x", "y"]}),  # a YAML flow mapping, not JSON
    ("id,name\n1,Ada\n2,Grace\n", "csv", [{"id": "1", "name": "Ada"}, {"id": "2", "name": "Grace"}]),
    ('"city","note"\r\n"Zürich","a, b"\r\n', "csv", [{"city": "Zürich", "note": "a, b"}]),
    ('\ufeff{"bom": true}', "json", {"bom": True}),
]


@pytest.mark.parametrize(("text", "name", "data"), DETECTED)
def test_detects_the_format(text, name, data):
    found, value, notes = detect(text)
    assert (found, value) == (name, data)
    assert notes[0].startswith(f"Detected {name.upper()}.")


def test_candidates_are_few_and_chosen_by_the_first_character():
    assert candidates("  <a/>") == ("xml",)
    assert candidates('{"a": 1}') == ("json", "yaml")
    assert candidates("[x]\na = 1") == ("json", "toml", "yaml")
    assert candidates("a: 1") == ("json", "toml", "yaml", "csv")


def test_json_that_is_not_json_says_why_when_read_as_yaml():
    name, value, notes = detect('{"a": 1,}')  # a trailing comma: not JSON, but a YAML flow mapping
    assert (name, value) == ("yaml", {"a": 1})
    assert notes[0] == (
        "Detected YAML. It is not JSON (Invalid JSON at line 1, column 9: Expecting property name enclosed in "
        "double quotes), so it was read as YAML."
    )


def test_a_lone_value_is_yaml_and_said_so():
    assert detect("hello world") == ("yaml", "hello world", ["Detected YAML. It holds a single value."])


def test_nothing_readable_is_an_error_naming_each_try():
    with pytest.raises(ToolInputError) as raised:
        detect("<a><b></a>")
    assert raised.value.field == "input"
    assert raised.value.message == (
        "The format could not be detected (as XML: Invalid XML at line 1, column 9: mismatched tag). "
        "Choose it under From to see why."
    )
    with pytest.raises(ToolInputError) as raised:
        detect("a: [1\n")
    assert "as JSON: Invalid JSON at line 1, column 1" in raised.value.message
    assert "as YAML: Invalid YAML at line 2, column 1" in raised.value.message
    with pytest.raises(ToolInputError, match="Enter some data"):
        detect("  \n")


def test_detection_keeps_the_guards_of_each_reader():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(7)
    )
    with pytest.raises(ToolInputError, match="alias bombs"):
        detect(bomb)
    with pytest.raises(ToolInputError, match="DTDs are refused"):
        detect('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><lolz>&lol;</lolz>')


def test_convert_auto_says_what_it_read():
    output = convert(ConvertInput(input="a = 1\n", source_format="auto", target_format="json"))
    assert (output.source_format, output.detected, output.result) == ("toml", True, '{\n  "a": 1\n}')
    assert output.notes == ["Detected TOML."]
    chosen = convert(ConvertInput(input="a = 1\n", source_format="toml", target_format="json"))
    assert (chosen.detected, chosen.notes) == (False, [])


# --- swap ----------------------------------------------------------------------------------------------------


def test_swap_turns_the_result_into_the_input():
    data = ConvertInput(input='{"a": 1}', source_format="auto", target_format="yaml")
    output = convert(data)
    assert swapped_values(data, output) == {"input": "a: 1\n", "source_format": "yaml", "target_format": "json"}


def test_swap_without_a_result_swaps_only_the_formats():
    data = ConvertInput(input="", source_format="toml", target_format="xml")
    assert swapped_values(data, None) == {"input": "", "source_format": "xml", "target_format": "toml"}
    auto = ConvertInput(input="", source_format="auto", target_format="csv")
    assert swapped_values(auto, None) == {"input": "", "source_format": "csv", "target_format": "csv"}


# --- upload: pure parts ---------------------------------------------------------------------------------------


def test_decode_text_drops_a_bom_and_refuses_what_is_not_text():
    assert decode_text(b"\xef\xbb\xbfa: 1\n", 100) == "a: 1\n"
    assert decode_text("Zürich".encode(), 6) == "Zürich"
    with pytest.raises(UploadRefused) as raised:
        decode_text(b"\x89PNG\r\n\x1a\n", 100)
    assert (raised.value.status, raised.value.field) == (422, "file")
    assert raised.value.message.startswith("The file is not UTF-8 text: byte 0x89 at offset 0")
    with pytest.raises(UploadRefused, match="NUL bytes") as raised:
        decode_text(b"a\x00b", 100)
    assert raised.value.status == 422
    with pytest.raises(UploadRefused, match="7 characters, and the converter takes at most 6") as raised:
        decode_text("Zürich!".encode(), 6)
    assert raised.value.status == 413


def test_read_text_stops_reading_past_the_byte_limit():
    stream = io.BytesIO(b"x" * 1000)
    with pytest.raises(UploadRefused, match=r"at most 40 bytes \(10 characters\)") as raised:
        read_text(stream, 10)  # 10 characters: at most 40 bytes of UTF-8
    assert raised.value.status == 413 and stream.tell() == 41


@pytest.mark.parametrize(
    ("uploaded", "extension", "name"),
    [
        ("data.json", "yaml", "data.yaml"),
        ("C:\\Users\\ada\\config.prod.toml", "json", "config.prod.json"),
        ('../../evil"; x=.csv', "xml", "evil-x.xml"),
        (None, "csv", "converted.csv"),
        ("", "toml", "converted.toml"),
        ("....", "json", "converted.json"),
    ],
)
def test_download_name(uploaded, extension, name):
    assert download_name(uploaded, extension) == name


# --- API -------------------------------------------------------------------------------------------------------


async def test_api_auto(tool_client):
    body = {"input": "id,name\n1,Ada\n", "source_format": "auto", "target_format": "json"}
    response = await tool_client.post("/api/convert", json=body)
    assert response.status_code == 200
    assert await response.get_json() == {
        "source_format": "csv",
        "target_format": "json",
        "detected": True,
        "result": '[\n  {\n    "id": "1",\n    "name": "Ada"\n  }\n]',
        "notes": [
            "Detected CSV.",
            'CSV has no types: every value is a string ("42", "true"); an empty cell is an empty string.',
        ],
    }


async def test_api_auto_that_detects_nothing_is_422_naming_the_input(tool_client):
    body = {"input": "<a>", "source_format": "auto"}
    response = await tool_client.post("/api/convert", json=body)
    assert response.status_code == 422
    error = (await response.get_json())["error"]
    assert error["field"] == "input" and error["message"].startswith("The format could not be detected (as XML:")


async def test_api_auto_is_not_a_target(tool_client):
    response = await tool_client.post("/api/convert", json={"input": "{}", "target_format": "auto"})
    assert response.status_code == 422
    assert (await response.get_json())["error"]["field"] == "target_format"


def test_output_schema_never_says_auto():
    assert "auto" not in ConvertOutput.model_json_schema()["properties"]["source_format"]["enum"]


# --- page: swap -------------------------------------------------------------------------------------------------


async def test_page_swap_without_javascript_posts_the_swapped_form(tool_client):
    form = urlencode({"input": '{"a": [1, 2]}', "source_format": "json", "target_format": "yaml", "swap": "1"})
    response = await tool_client.post("/tools/convert/", data=form, headers=FORM)
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "a:\n- 1\n- 2\n</textarea>" in page  # the result is now the input
    assert re.search(r'<select id="source_format"[^>]*>.*?<option value="yaml" selected>', page, re.S)
    assert re.search(r'<select id="target_format"[^>]*>.*?<option value="json" selected>', page, re.S)
    assert result_of(page) == '{\n  "a": [\n    1,\n    2\n  ]\n}'
    assert "hx-swap-oob" not in page  # a whole page: nothing out of band


async def test_page_swap_with_htmx_sends_the_fields_out_of_band(tool_client):
    form = urlencode({"input": "<a>1</a>", "source_format": "auto", "target_format": "json", "swap": "1"})
    response = await tool_client.post("/tools/convert/", data=form, headers={**FORM, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in fragment
    assert (
        '<textarea id="input" name="input"' in fragment
        and 'hx-swap-oob="true">\n{\n  &#34;a&#34;: &#34;1&#34;\n}</textarea>' in fragment
    )
    assert re.search(r'<select id="source_format" name="source_format"\s+hx-swap-oob="true">', fragment)
    assert (
        '<option value="json" selected>JSON</option>' in fragment
        and '<option value="xml" selected>XML</option>' in fragment
    )
    assert '<input type="file" id="file" name="file"' in fragment
    assert result_of(fragment) == '<?xml version="1.0" encoding="utf-8"?>\n<a>1</a>\n'


async def test_page_without_swap_sends_no_fields_out_of_band(tool_client):
    form = urlencode({"input": "<a>1</a>", "source_format": "auto", "target_format": "json"})
    fragment = await (await tool_client.post("/tools/convert/", data=form, headers={**FORM, **HTMX})).get_data(
        as_text=True
    )
    assert "<textarea" not in fragment and "<select" not in fragment
    assert '<span id="convert-detected">(detected)</span>' in fragment and "from XML" in fragment


# --- page: upload and download -----------------------------------------------------------------------------------


async def test_page_upload_fills_the_input_and_converts(tool_client):
    files = {"file": upload(b"name: Ada\nborn: 1815\n", "ada.yaml")}
    form = {"input": "", "source_format": "auto", "target_format": "json"}
    response = await tool_client.post("/tools/convert/", form=form, files=files)
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "name: Ada\nborn: 1815\n</textarea>" in page
    assert result_of(page) == '{\n  "name": "Ada",\n  "born": 1815\n}'
    assert "Detected YAML." in page


async def test_page_upload_that_is_not_text_is_422_next_to_the_file_field(tool_client):
    files = {"file": upload(b"\xff\xd8\xff\xe0 JFIF", "photo.jpg")}
    form = {"input": "", "source_format": "auto", "target_format": "json"}
    response = await tool_client.post("/tools/convert/", form=form, files=files, headers=HTMX)
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 422
    oob = re.search(r'<div id="file-feedback" hx-swap-oob="true">(.*?)</div>', fragment, re.S)
    assert oob and "The file is not UTF-8 text: byte 0xff at offset 0" in oob.group(1)


async def test_page_upload_too_large_is_413_with_the_limit(tool_client):
    files = {"file": upload(b"[" + b"1," * (2 * MAX_INPUT) + b"1]", "big.json")}  # 4 MB of text
    form = {"input": "", "source_format": "json", "target_format": "yaml"}
    response = await tool_client.post("/tools/convert/", form=form, files=files)
    page = await response.get_data(as_text=True)
    assert response.status_code == 413
    assert re.search(
        r'id="file-error" role="alert">The file is too large: the converter reads at most 3\.8147 MB '
        r"\(1,000,000 characters\)",
        page,
    )


async def test_page_body_over_the_server_limit_is_413(tool_client, monkeypatch):
    files = {"file": upload(b"x" * 20_000, "big.csv")}
    form = {"input": "", "source_format": "csv", "target_format": "json"}
    app = tool_client.app
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 10_000)
    response = await tool_client.post("/tools/convert/", form=form, files=files)
    page = await response.get_data(as_text=True)
    assert response.status_code == 413
    assert (
        'id="file-error" role="alert">The form is too large: at most 500 fields, each at most 4 MB, 9.76562 KB in'
        in page
    )


async def test_download_is_the_converted_document_as_an_attachment(tool_client):
    form = urlencode({"input": '{"a": 1}', "source_format": "json", "target_format": "toml"})
    response = await tool_client.post("/tools/convert/download", data=form, headers=FORM)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="converted.toml"'
    assert response.mimetype == "application/toml"
    assert await response.get_data(as_text=True) == "a = 1\n"


@pytest.mark.parametrize(
    ("target", "mimetype", "body"),
    [
        ("json", "application/json", '[\n  {\n    "a": "1"\n  }\n]'),
        ("yaml", "application/yaml", "- a: '1'\n"),
        ("csv", "text/csv", "a\r\n1\r\n"),
        (
            "xml",
            "application/xml",
            '<?xml version="1.0" encoding="utf-8"?>\n<root>\n  <item>\n    <a>1</a>\n  </item>\n</root>\n',
        ),
    ],
)
async def test_download_by_get_names_the_type(tool_client, target, mimetype, body):
    query = urlencode({"input": "a\n1\n", "source_format": "csv", "target_format": target})
    response = await tool_client.get(f"/tools/convert/download?{query}")
    assert response.status_code == 200 and response.mimetype == mimetype
    assert response.headers["Content-Disposition"] == f'attachment; filename="converted.{target}"'
    assert await response.get_data(as_text=True) == body


async def test_download_of_an_upload_keeps_its_name(tool_client):
    files = {"file": upload(b"a,b\n1,2\n", "report.csv")}
    form = {"input": "", "source_format": "auto", "target_format": "json"}
    response = await tool_client.post("/tools/convert/download", form=form, files=files)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="report.json"'
    assert json.loads(await response.get_data(as_text=True)) == [{"a": "1", "b": "2"}]


async def test_download_of_bad_input_is_the_page_with_the_error(tool_client):
    form = urlencode({"input": "[1, 2]", "source_format": "json", "target_format": "toml"})
    response = await tool_client.post("/tools/convert/download", data=form, headers=FORM)
    page = await response.get_data(as_text=True)
    assert response.status_code == 422 and "Content-Disposition" not in response.headers
    assert "<html" in page and 'id="target_format-error"' in page and "TOML needs a table" in page


async def test_page_has_the_swap_upload_and_download_controls(tool_client):
    page = await (await tool_client.get("/tools/convert/")).get_data(as_text=True)
    assert 'enctype="multipart/form-data" hx-encoding="multipart/form-data"' in page
    assert '<button type="submit" name="swap" value="1"' in page
    assert '<input type="file" id="file" name="file"' in page
    assert 'formaction="/tools/convert/download" formmethod="post"' in page and "data-plain-submit" in page
    assert '<option value="auto" >Detect</option>' in page
    assert "style=" not in page


def test_command_line_detects_the_format():
    runner = create_app({"SECRET_KEY": "x" * 40}).test_cli_runner()
    body = {"input": "<a><b>1</b></a>", "source_format": "auto", "target_format": "yaml"}
    result = runner.invoke(args=["tool", "convert", json.dumps(body)])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert (answer["source_format"], answer["detected"], answer["result"]) == ("xml", True, "a:\n  b: '1'\n")
