"""XML: layout, XPath 1.0 (the spec's examples), XSD validation, safe parsing (billion laughs, XXE, XSD includes)."""

from __future__ import annotations

import pytest

from core.forms import ToolInputError
from core.limits import OutputTooLarge, set_output_cap
from tools.xml import SCHEMA, XmlInput, check_xml, primary_text

CATALOG = (
    '<catalog><book id="1"><title>Moby Dick</title><price>8.99</price></book>'
    '<book id="2"><title>Dune</title><price>22.99</price></book></catalog>'
)
# The "billion laughs" document (Wikipedia, "Billion laughs attack"; defusedxml's README): ten levels of ten
# references each would expand to 10⁹ "lol"s, about 3 GB.
BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<lolz>&lol9;</lolz>"""
# OWASP, "XML External Entity (XXE) Processing": the classic disclosure of /etc/passwd.
XXE = """<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE foo [
  <!ELEMENT foo ANY >
  <!ENTITY xxe SYSTEM "file:///etc/passwd" >]>
<foo>&xxe;</foo>"""


def run(text: str, **options):
    return check_xml(XmlInput(input=text, **options))


def test_pretty_print_two_spaces():
    assert run(CATALOG).result == (
        "<catalog>\n"
        '  <book id="1">\n    <title>Moby Dick</title>\n    <price>8.99</price>\n  </book>\n'
        '  <book id="2">\n    <title>Dune</title>\n    <price>22.99</price>\n  </book>\n'
        "</catalog>\n"
    )


def test_tab_and_minify_keep_the_declaration_and_the_text():
    text = "<?xml version='1.0' encoding='ISO-8859-1'?>\n<a>\n  <b x='1'/>\n  <c>tëxt</c>\n</a>"
    assert run(text, layout="minify").result == '<?xml version="1.0" encoding="UTF-8"?>\n<a><b x="1"/><c>tëxt</c></a>'
    assert run(text, layout="tab").result.endswith('<a>\n\t<b x="1"/>\n\t<c>tëxt</c>\n</a>\n')


def test_counts_and_root():
    answer = run('<r xmlns="urn:x"><a/><a/></r>')
    assert (answer.root, answer.elements) == ("{urn:x}r", 3)


# XPath 1.0 (W3C Recommendation, 1999), section 2.5 "Abbreviated Syntax": the forms of its examples,
# applied to the catalog and checked by hand.
XPATH_CASES = [
    ("//title/text()", [("/catalog/book[1]/title/text()", "Moby Dick"), ("/catalog/book[2]/title/text()", "Dune")]),
    ("//book[price < 10]/title/text()", [("/catalog/book[1]/title/text()", "Moby Dick")]),  # para[@type="warning"]
    ("//book/@id", [("/catalog/book[1]/@id", "1"), ("/catalog/book[2]/@id", "2")]),  # @name
    ("/catalog/book[last()]/title", [("/catalog/book[2]/title", "<title>Dune</title>")]),  # para[last()]
    ("count(//book)", [(None, "2")]),  # a number
    ("sum(//book/@id)", [(None, "3")]),  # 1 + 2
    ("boolean(//book[@id='3'])", [(None, "false")]),
    ("string(//book[2]/title)", [(None, "Dune")]),
]


@pytest.mark.parametrize(("xpath", "expected"), XPATH_CASES)
def test_xpath(xpath, expected):
    answer = run(CATALOG, xpath=xpath)
    assert [(r.path, r.value) for r in answer.xpath] == expected


def test_xpath_with_the_documents_namespace_prefixes():
    answer = run('<a:r xmlns:a="urn:a"><a:x>1</a:x></a:r>', xpath="//a:x/text()")
    assert [r.value for r in answer.xpath] == ["1"]


def test_a_recipe_gets_the_xpath_values_or_the_document():
    assert primary_text(run(CATALOG, xpath="//title/text()")) == "Moby Dick\nDune"
    assert primary_text(run("<a><b/></a>", layout="minify")) == "<a><b/></a>"


def test_xsd_validation_hand_checked():
    # -3 is not an xs:positiveInteger (XML Schema Part 2, 3.3.25: 1, 2, …); 7 is.
    invalid = run("<n>-3</n>", xsd=SCHEMA)
    assert invalid.schema_valid is False
    assert invalid.schema_errors == [
        "Line 1: Element 'n': '-3' is not a valid value of the atomic type 'xs:positiveInteger'."
    ]
    assert run("<n>7</n>", xsd=SCHEMA).schema_valid is True
    assert run("<n>7</n>").schema_valid is None


def test_a_schema_that_points_at_other_files_is_refused():
    for reference in ("include", "import", "redefine"):
        xsd = (
            '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
            f'<xs:{reference} schemaLocation="file:///etc/passwd"/></xs:schema>'
        )
        with pytest.raises(ToolInputError, match="self-contained") as error:
            run("<n>1</n>", xsd=xsd)
        assert error.value.field == "xsd"


def test_billion_laughs_is_refused():
    # libxml2 counts what the references would amplify to, even when they are not expanded.
    with pytest.raises(ToolInputError, match="amplification") as error:
        run(BILLION_LAUGHS)
    assert error.value.field == "input"


def test_a_few_internal_entities_stay_references():
    answer = run('<!DOCTYPE a [<!ENTITY e "ee">]><a>&e;&e;</a>', xpath="string(/a)", layout="minify")
    # The layout keeps the references; XPath's string value reads through them (libxml2), under its amplification
    # limit (the billion laughs above).
    assert answer.result.endswith("<a>&e;&e;</a>") and answer.xpath[0].value == "eeee"


def test_external_entities_read_no_file():
    answer = run(XXE, xpath="string(/foo)")
    assert answer.xpath[0].value == "" and "root:" not in answer.result
    dtd = run('<!DOCTYPE a SYSTEM "file:///etc/passwd"><a/>')
    assert "root:" not in dtd.result
    parameter = run('<!DOCTYPE a [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]><a/>')
    assert "root:" not in parameter.result


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"input": "<a><b></a>"}, "input", "Not well-formed XML at line 1, column 11: Opening and ending tag mismatch"),
        ({"input": "<a>\n<b>"}, "input", "Not well-formed XML at line 2"),
        ({"input": "<a/><b/>"}, "input", "Extra content at the end of the document"),
        ({"input": "<a>" * 300 + "</a>" * 300}, "input", "Excessive depth"),  # libxml2's 256 levels
        ({"input": "<a/>", "xpath": "//["}, "xpath", "Invalid XPath"),
        ({"input": "<a/>", "xsd": "<a/>"}, "xsd", "Not a usable XML Schema"),
        ({"input": "<a/>", "xsd": "<xs:schema"}, "xsd", "Not well-formed XML"),
    ],
)
def test_bad_input_names_the_field(body, field, message):
    with pytest.raises(ToolInputError) as error:
        check_xml(XmlInput(**body))
    assert error.value.field == field and message in error.value.message


def test_a_large_xpath_result_hits_the_output_cap():
    set_output_cap(1_000)
    try:
        with pytest.raises(OutputTooLarge):
            run("<a>" + "<b>xxxxxxxxxx</b>" * 200 + "</a>", xpath="//b | //a")
    finally:
        set_output_cap(16 * 2**20)


async def test_api_and_page(tool_client):
    response = await tool_client.post("/api/xml", json={"input": CATALOG, "xpath": "count(//book)"})
    assert (await response.get_json())["xpath"] == [{"path": None, "value": "2"}]
    bad = await tool_client.post("/api/xml", json={"input": "<a>"})
    assert bad.status_code == 422 and (await bad.get_json())["error"]["field"] == "input"
    page = await (await tool_client.get("/tools/xml/", query_string={"input": "<n>-3</n>", "xsd": SCHEMA})).get_data(
        as_text=True
    )
    assert "Not valid against the schema" in page and "positiveInteger" in page


def test_mixed_content_comments_and_cdata_survive_the_layout():
    assert run("<doc><p>Hello <b>world</b>!</p></doc>").result == "<doc>\n  <p>Hello <b>world</b>!</p>\n</doc>\n"
    kept = run("<a><!-- c --><?pi x?><![CDATA[<x>]]></a>", layout="minify", xpath="string(/a)")
    assert kept.result == "<a><!-- c --><?pi x?><![CDATA[<x>]]></a>" and kept.xpath[0].value == "<x>"
