"""The encode tool's page and JSON API."""

from __future__ import annotations

from quart import Blueprint
from quart_schema import validate_request, validate_response

from core.forms import ToolInputError, read_form
from core.registry import Tool
from core.render import render_tool, share_url
from tools.encode.convert import FORMAT_LABELS, FORMATS, EncodeInput, EncodeOutput, convert

TOOL = Tool(
    slug="encode",
    title="Encode / decode",
    category="Encoding",
    keywords=(
        "base64",
        "base64url",
        "base32",
        "base16",
        "hex",
        "url",
        "percent",
        "urlencode",
        "html",
        "entities",
        "escape",
        "unescape",
        "rfc 4648",
        "rfc 3986",
    ),
    examples=(
        ("Base64 of “Hello, World!”", {"input": "Hello, World!", "mode": "encode", "format": "base64"}),
        ("Decode Base64 (RFC 4648 “foobar”)", {"input": "Zm9vYmFy", "mode": "decode", "format": "base64"}),
        ("Percent-encode a query value", {"input": "café & crème/½", "mode": "encode", "format": "url-component"}),
        (
            "Unescape HTML entities",
            {"input": "&lt;p&gt;Caf&eacute; &amp; cr&#232;me&lt;/p&gt;", "mode": "decode", "format": "html"},
        ),
    ),
)
bp = Blueprint("encode", __name__)


@bp.route("/tools/encode/", methods=["GET", "POST"])
async def page():
    form = await read_form(EncodeInput)
    result = None
    if form.data:
        try:
            result = convert(form.data)
        except ToolInputError as exc:
            form = form._replace(errors={exc.field: exc.message})
    return await render_tool(
        TOOL,
        form=form,
        result=result,
        formats=FORMATS,
        format_labels=FORMAT_LABELS,
        share=share_url(TOOL.page_url, form.values) if result and form.data.input else None,
    )


@bp.post("/api/encode")
@validate_request(EncodeInput)
@validate_response(EncodeOutput)
async def api(data: EncodeInput):
    """Encode text as Base64, Base64url, Base32, Base16, percent-encoding or HTML entities, or decode it."""
    return convert(data)
