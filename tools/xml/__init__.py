"""Format, minify and check XML (well-formedness, an XSD when given) and run XPath queries, parsed safely."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from core.bounded_render import render_limits
from core.operations import Operation
from core.registry import Tool
from tools.xml.documents import MAX_RESULTS, examine

MAX_INPUT = 1_000_000
MAX_SCHEMA = 200_000
Layout = Literal["2", "4", "tab", "minify"]


class XmlInput(BaseModel):
    input: str = Field(max_length=MAX_INPUT, title="XML", description="An XML document.")
    layout: Layout = Field(
        default="2", description="Indent by 2 or 4 spaces or a tab, or minify (whitespace between tags removed)."
    )
    xpath: str = Field(
        default="",
        max_length=2_000,
        title="XPath",
        description="An XPath 1.0 expression to evaluate, e.g. //book[price < 10]/title; prefixes are the root's.",
    )
    xsd: str = Field(
        default="",
        max_length=MAX_SCHEMA,
        title="XSD schema",
        description="An XML Schema (XSD 1.0) to validate against; self-contained (no include or import).",
    )


class XPathOut(BaseModel):
    path: str | None = Field(description="Where the node is, e.g. /catalog/book[2]/@id; null for a computed value.")
    value: str = Field(description="The node as XML, an attribute's or text's value, or a number/string/boolean.")


class XmlOutput(BaseModel):
    well_formed: bool = Field(description="Always true: XML that is not well-formed gets a 422 naming line and column.")
    result: str = Field(description="The document laid out as asked.")
    root: str = Field(description="The root element's name ({namespace}name when it has one).")
    elements: int = Field(description="How many elements the document has.")
    xpath: list[XPathOut] | None = Field(description=f"The XPath's results (the first {MAX_RESULTS:,}); null: none.")
    xpath_truncated: bool
    schema_valid: bool | None = Field(description="Whether the document is valid against the schema; null: none given.")
    schema_errors: list[str] = Field(description="Why it is not valid, by line (the first 50).")


def check_xml(data: XmlInput) -> XmlOutput:
    """Check that XML is well-formed (and valid against an XSD when given), lay it out, run an XPath."""
    report = examine(data.input, data.layout, data.xpath, data.xsd)
    xpath = None if report.xpath is None else [XPathOut(path=r.path, value=r.value) for r in report.xpath]
    return XmlOutput(
        well_formed=True,
        result=report.text,
        root=report.root,
        elements=report.elements,
        xpath=xpath,
        xpath_truncated=report.xpath_truncated,
        schema_valid=report.schema_valid,
        schema_errors=report.schema_errors,
    )


def primary_text(output: XmlOutput) -> str:
    """What a recipe passes on: the XPath's values one per line when there is an XPath, else the document."""
    return output.result if output.xpath is None else "\n".join(r.value for r in output.xpath)


CATALOG = (
    '<catalog><book id="1"><title>Moby Dick</title><price>8.99</price></book>'
    '<book id="2"><title>Dune</title><price>22.99</price></book></catalog>'
)
SCHEMA = (
    '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="n" type="xs:positiveInteger"/>'
    "</xs:schema>"
)

TOOL = Tool(
    slug="xml",
    title="XML formatter",
    category="Data",
    icon="code-xml",
    keywords=("xml", "xpath", "xsd", "schema", "validate", "pretty print", "minify", "well-formed", "lxml"),
    examples=(
        ("Pretty-print", {"input": CATALOG}),
        ("XPath: titles under 10", {"input": CATALOG, "xpath": "//book[price < 10]/title/text()"}),
        ("XSD: not valid", {"input": "<n>-3</n>", "xsd": SCHEMA}),
        ("Minify", {"input": "<a>\n  <b x='1'/>\n  <c>text</c>\n</a>", "layout": "minify"}),
    ),
    operations=(
        Operation(
            XmlInput,
            check_xml,
            XmlOutput,
            primary=primary_text,
            # XPath over a large tree (//*//*//*) and XSD checks can cost far more than the text's size.
            bounded=True,
            # What a page shows: at most the render cap (4 MB), not the 16 MB of a download.
            adjust_limits=lambda limits: render_limits(),
            ready=lambda data: bool(data.input.strip()),
        ),
    ),
)
