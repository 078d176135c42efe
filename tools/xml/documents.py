"""XML read safely with lxml (no entity expansion, no DTD loading, no network, no huge trees), then laid out,
queried with XPath 1.0 or checked against an XSD."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from core.forms import ToolInputError
from core.limits import OutputTooLarge, output_cap

INDENTS = {"2": "  ", "4": "    ", "tab": "\t"}
MAX_RESULTS = 1_000  # XPath results listed
MAX_SCHEMA_ERRORS = 50
XSD = "{http://www.w3.org/2001/XMLSchema}"
# A schema that points at other files (xs:include, xs:import, xs:redefine, xs:override) could make the server
# read its own files or fetch URLs: only a self-contained schema is accepted.
REFERENCES = tuple(f"{XSD}{name}" for name in ("include", "import", "redefine", "override"))
_DECLARATION = re.compile(r"\A\s*<\?xml\b[^>]*\?>")


class RefuseExternal(etree.Resolver):
    """Every external resource (DTD, entity, schema part) resolves to nothing: the server reads no file."""

    def resolve(self, url, public_id, context):
        return self.resolve_string("", context)


def safe_parser(*, blank_text: bool) -> etree.XMLParser:
    parser = etree.XMLParser(
        resolve_entities=False,  # &lol9; and &xxe; stay references: no billion laughs, no file:///etc/passwd
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,  # libxml2's own limits: 256 levels, 10 MB text nodes
        remove_blank_text=blank_text,
        strip_cdata=False,  # <![CDATA[…]]> stays as written
        encoding="utf-8",  # the text is Unicode already: a declared encoding="ISO-8859-1" is not applied again
    )
    parser.resolvers.add(RefuseExternal())
    return parser


@dataclass
class XPathResult:
    path: str | None
    value: str


@dataclass
class XmlReport:
    text: str
    root: str
    elements: int
    xpath: list[XPathResult] | None = None
    xpath_truncated: bool = False
    schema_valid: bool | None = None
    schema_errors: list[str] = field(default_factory=list)


def parse(text: str, name: str = "input", *, blank_text: bool = True) -> Any:
    """The document; ToolInputError naming the line and column when it is not well-formed XML."""
    try:
        root = etree.fromstring(text.encode("utf-8", "surrogatepass"), safe_parser(blank_text=blank_text))
    except etree.XMLSyntaxError as exc:
        line, column = exc.position
        message = exc.msg.split(", line ")[0].rstrip(".") if exc.msg else "not well-formed"
        raise ToolInputError(f"Not well-formed XML at line {line}, column {column}: {message}.", name) from None
    if root is None:
        raise ToolInputError("The document is empty.", name)
    return root.getroottree()


def serialize(tree, declaration: bool, layout: str) -> str:
    """The document as text: indented by 2 or 4 spaces or a tab, or minified (no whitespace between tags)."""
    if layout != "minify":
        etree.indent(tree, space=INDENTS[layout])
    text = etree.tostring(tree, encoding="unicode", pretty_print=layout != "minify")
    head = f'<?xml version="{tree.docinfo.xml_version or "1.0"}" encoding="UTF-8"?>\n' if declaration else ""
    out = head + text.rstrip("\n") if layout == "minify" else head + text
    if len(out) > output_cap():
        raise OutputTooLarge(output_cap())
    return out


def node_path(tree, value) -> str | None:
    """An XPath to where an XPath result sits: /a/b[2], /a/@id, /a/text()."""
    if etree.iselement(value):  # lxml's element types are public under _ names; these tests are its documented ones
        return tree.getpath(value) if value.tag not in (etree.Comment, etree.PI) else None
    parent = value.getparent() if callable(getattr(value, "getparent", None)) else None  # a "smart" string
    if parent is None:
        return None
    if value.is_attribute:
        return f"{tree.getpath(parent)}/@{value.attrname}"
    return f"{tree.getpath(parent)}/text()"


def result_text(value) -> str:
    if etree.iselement(value):
        return etree.tostring(value, encoding="unicode", with_tail=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def run_xpath(tree, expression: str) -> tuple[list[XPathResult], bool]:
    """The results of an XPath 1.0 expression (namespace prefixes from the root element's declarations)."""
    root = tree.getroot()
    namespaces = {prefix: uri for prefix, uri in root.nsmap.items() if prefix}
    try:
        found = tree.xpath(expression, namespaces=namespaces)
    except etree.XPathError as exc:
        raise ToolInputError(f"Invalid XPath: {exc}.", "xpath") from None
    if not isinstance(found, list):
        return [XPathResult(None, result_text(found))], False
    results, size, cap = [], 0, output_cap()
    for value in found[:MAX_RESULTS]:
        text = result_text(value)
        size += len(text)
        if size > cap:
            raise OutputTooLarge(cap)
        results.append(XPathResult(node_path(tree, value), text))
    return results, len(found) > MAX_RESULTS


def schema_of(text: str) -> etree.XMLSchema:
    tree = parse(text, "xsd", blank_text=False)
    for element in tree.iter(*REFERENCES):
        if element.get("schemaLocation"):
            tag = element.tag.removeprefix(XSD)
            raise ToolInputError(
                f"xs:{tag} with a schemaLocation refers to another file: paste one self-contained schema.", "xsd"
            )
    try:
        return etree.XMLSchema(tree)
    except etree.XMLSchemaParseError as exc:
        raise ToolInputError(f"Not a usable XML Schema: {exc}.", "xsd") from None


def validate(tree, schema_text: str) -> tuple[bool, list[str]]:
    """Whether the document is valid against the XSD, and the schema errors by line."""
    schema = schema_of(schema_text)
    valid = schema.validate(tree)
    errors = [f"Line {e.line}: {e.message}" for e in list(schema.error_log)[:MAX_SCHEMA_ERRORS]]
    return valid, errors


def examine(text: str, layout: str, xpath: str, schema: str) -> XmlReport:
    """Parse, check against a schema when one is given, run an XPath when one is given, and lay out."""
    tree = parse(text, blank_text=True)
    declaration = bool(_DECLARATION.match(text))
    report = XmlReport(text="", root=tree.getroot().tag, elements=sum(1 for _ in tree.iter(etree.Element)))
    if schema.strip():
        # Validated before the layout changes whitespace that the schema may care about.
        report.schema_valid, report.schema_errors = validate(parse(text, blank_text=False), schema)
    if xpath.strip():
        report.xpath, report.xpath_truncated = run_xpath(tree, xpath)
    report.text = serialize(tree, declaration, layout)
    return report
