"""Make a QR code from text, a URL or Wi-Fi settings: inline SVG, SVG and PNG downloads."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, ValidationError
from quart import Blueprint, Response, request

from core.forms import FormInput, ToolInputError, field_errors, read_form
from core.operations import Operation, run_page
from core.registry import Tool
from core.render import render_tool
from tools.qr.codes import (
    MAX_INPUT,
    describe,
    make_code,
    payload_for,
    png_base64,
    png_image,
    svg_file,
    svg_image,
    wifi_payload,
)

# The page (its result masks a Wi-Fi password) and the downloads are this module's; the platform adds the API.
bp = Blueprint("qr", __name__)

LEVELS = {"L": "L (~7 % damage)", "M": "M (~15 %)", "Q": "Q (~25 %)", "H": "H (~30 %)"}
SECURITY = {"WPA": "WPA/WPA2/WPA3", "WEP": "WEP", "nopass": "No password"}
# The fields each kind uses: links and the download form carry only these.
FIELDS = {
    "text": ("kind", "input", "level", "scale"),
    "url": ("kind", "input", "level", "scale"),
    "wifi": ("kind", "ssid", "wifi_password", "security", "hidden", "level", "scale"),
}
PASSWORD_IN_URL = (
    "a Wi-Fi password is not accepted in a link, where browser history and server logs would keep it: "
    "type it into the form"
)
MASK = "••••••"


class QrInput(BaseModel):
    kind: Literal["text", "url", "wifi"] = Field(default="text", description="What to encode.")
    input: str = Field(
        default="", max_length=MAX_INPUT, description="kind=text or url: the text or the http(s) URL to encode."
    )
    ssid: str = Field(default="", max_length=32, description="kind=wifi: the network name (at most 32 bytes).")
    wifi_password: str = Field(
        default="", max_length=64, description="kind=wifi: the password (WPA: 8-63 characters or 64 hex digits)."
    )
    security: Literal["WPA", "WEP", "nopass"] = Field(
        default="WPA", description="kind=wifi: WPA (also WPA2/WPA3), WEP, or nopass (an open network)."
    )
    hidden: bool = Field(default=False, description="kind=wifi: the network does not broadcast its name.")
    level: Literal["L", "M", "Q", "H"] = Field(
        default="M", description="Error correction: L ~7 %, M ~15 %, Q ~25 %, H ~30 % of the code may be damaged."
    )
    scale: int = Field(default=8, ge=1, le=40, description="Pixels per module in downloads and API images, 1-40.")


class QrOutput(BaseModel):
    payload: str = Field(description="The exact text in the code (for Wi-Fi: WIFI:T:...;S:...;P:...;;).")
    version: int = Field(description="QR version 1-40 (size: 17 + 4 * version modules).")
    level: str = Field(description="Error correction level used: exactly the one asked for.")
    mode: str = Field(description="Encoding mode: numeric, alphanumeric or byte (UTF-8).")
    size: int = Field(description="Modules per side, without the 4-module quiet zone.")
    svg: str = Field(description="SVG document (no XML declaration), width and height = scale * (size + 8).")
    png_base64: str = Field(description="PNG image, base64-encoded.")


def build(data: QrInput):
    """(payload, QR code) for the input; raises ToolInputError naming the field."""
    payload = payload_for(data.kind, data.input, data.ssid, data.wifi_password, data.security, data.hidden)
    return payload, make_code(payload, data.level)


def page_result(data: QrInput) -> dict:
    payload, code = build(data)
    shown = payload
    if data.kind == "wifi" and data.security != "nopass":
        shown = wifi_payload(data.ssid, MASK, data.security, data.hidden)  # the page never shows the password
    return {
        "payload": shown,
        "masked": shown != payload,
        "version": code.version,
        "level": code.error,
        "mode": code.mode,
        "size": code.symbol_size(border=0)[0],
        "svg": svg_image(code, describe(data.kind, data.input, data.ssid), inline=True),
    }


async def read_qr_form() -> FormInput:
    """read_form, with only the chosen kind's fields; a Wi-Fi password is never taken from a URL."""
    form = await read_form(QrInput)
    kind = form.values.get("kind") or "text"
    if not form.values or kind not in FIELDS:
        return form
    # The form posts every field (the other kind's are only hidden by CSS): ignore those.
    values = {name: value for name, value in form.values.items() if name in FIELDS[kind]}
    if request.method == "GET" and values.get("wifi_password"):
        del values["wifi_password"]
        return FormInput(None, values, {"wifi_password": PASSWORD_IN_URL}, form.fields)
    try:
        return FormInput(QrInput.model_validate(values), values, {}, form.fields)
    except ValidationError as exc:
        return FormInput(None, values, field_errors(exc), form.fields)


def page_context(form: FormInput, result: dict | None) -> dict:
    kind = form.values.get("kind") or "text"
    shareable = result and (kind != "wifi" or form.data.security == "nopass")  # a link would need the password
    return {"levels": LEVELS, "security_labels": SECURITY, **({} if shareable else {"share": None})}


# The page's own operation: its form (the kind's fields, no Wi-Fi password from a URL) and result (the
# password masked, an inline SVG, no PNG) are not the API's.
PAGE = Operation(QrInput, page_result, form=read_qr_form, context=page_context, share_secret=("wifi_password",))


@bp.after_request
async def never_cache(response):
    # A Wi-Fi code carries its password: keep every answer out of caches.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/tools/qr/", methods=["GET", "POST"])
async def page():
    return await run_page(TOOL, PAGE)


@bp.route("/tools/qr/download.<any(svg, png):image_format>", methods=["GET", "POST"])
async def download(image_format: str):
    """The QR code as an SVG or PNG file (attachment); the page again, with the errors, when input is wrong."""
    form = await read_qr_form()
    if form.data is None and not form.errors:
        form = form._replace(errors={"input": "nothing to encode: fill in the form"})
    if form.data:
        try:
            _, code = build(form.data)
        except ToolInputError as exc:
            form = form._replace(errors={exc.field: exc.message})
    if form.errors:
        return await render_tool(TOOL, form=form, result=None, **page_context(form, None))
    title = describe(form.data.kind, form.data.input, form.data.ssid)
    if image_format == "svg":
        body, mimetype = svg_file(code, title, form.data.scale), "image/svg+xml"
    else:
        body, mimetype = png_image(code, form.data.scale), "image/png"
    headers = {"Content-Disposition": f'attachment; filename="qr-code.{image_format}"'}
    return Response(body, mimetype=mimetype, headers=headers)


def make(data: QrInput) -> QrOutput:
    """Make a QR code from text, a URL or Wi-Fi settings; returns the payload, SVG text and a base64 PNG."""
    payload, code = build(data)
    return QrOutput(
        payload=payload,
        version=code.version,
        level=code.error,
        mode=code.mode,
        size=code.symbol_size(border=0)[0],
        svg=svg_image(code, describe(data.kind, data.input, data.ssid), data.scale),
        png_base64=png_base64(code, data.scale),
    )


TOOL = Tool(
    slug="qr",
    title="QR code",
    category="Generators",
    icon="qr-code",
    keywords=("qrcode", "qr code", "barcode", "wifi", "wi-fi", "svg", "png", "url"),
    examples=(
        ("A URL", {"kind": "url", "input": "https://example.com/"}),
        ("Text, high error correction", {"kind": "text", "input": "Hello from mytools!", "level": "H"}),
        ("Open Wi-Fi network", {"kind": "wifi", "ssid": "Café Guest", "security": "nopass"}),
    ),
    operations=(Operation(QrInput, make, QrOutput, primary="svg"),),
    own_page=True,
)
