"""Decode a JSON Web Token, read its exp/nbf/iat, and verify its signature with a secret or a PEM public key."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, Field
from quart import Blueprint, request
from quart_schema import validate_request, validate_response

from core.forms import ToolInputError, read_form
from core.registry import Tool
from core.render import render_tool, share_url
from tools.jwt.report import JwtOutput, KeyEncoding, inspect_token

TOOL = Tool(
    slug="jwt",
    title="JWT",
    category="Crypto",
    keywords=("jws", "json web token", "decode", "verify", "hs256", "rs256", "es256", "eddsa", "bearer", "exp"),
    examples=(
        (
            # RFC 7519 sections 3.1 and 6.1: the same claims, signed with HS256 and unsecured; no key in a link.
            "RFC 7519 example (HS256)",
            {
                "input": "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
                "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ."
                "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
            },
        ),
        (
            "RFC 7519 unsecured (alg none)",
            {
                "input": "eyJhbGciOiJub25lIn0."
                "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ."
            },
        ),
    ),
)
bp = Blueprint("jwt", __name__)

MAX_TOKEN = 100_000
MAX_KEY = 20_000
SECRET_FIELDS = ("key",)


class JwtInput(BaseModel):
    input: str = Field(
        max_length=MAX_TOKEN,
        description="The token in JWS compact form, header.payload.signature (whitespace, 'Bearer ' ignored).",
    )
    key: str = Field(
        default="",
        max_length=MAX_KEY,
        description="Optional. The HMAC secret (HS256/384/512) or a PEM public key or certificate (RS*, PS*, ES*, "
        "EdDSA). Empty: decode only. Never put into share links.",
    )
    key_encoding: KeyEncoding = Field(
        default="text",
        description='How an HMAC secret is written: text (its UTF-8 bytes) or base64url (e.g. a JWK\'s "k").',
    )


def current_time() -> datetime:
    """The clock the views read (tests replace it)."""
    return datetime.now(UTC)


@bp.route("/tools/jwt/", methods=["GET", "POST"])
async def page():
    form = await read_form(JwtInput)
    key_in_link = request.method == "GET" and bool(request.args.get("key"))
    if key_in_link:
        # A key in a link has already leaked into logs and browser history: decode without it, and say why.
        data = form.data.model_copy(update={"key": ""}) if form.data else None
        form = form._replace(data=data, values={k: v for k, v in form.values.items() if k != "key"})
    result = None
    if form.data:
        try:
            result = inspect_token(form.data.input, form.data.key, form.data.key_encoding, current_time())
        except ToolInputError as exc:
            form = form._replace(errors={exc.field: exc.message})
    return await render_tool(
        TOOL,
        form=form,
        result=result,
        key_in_link=key_in_link,
        share=share_url(TOOL.page_url, form.values, secret_fields=SECRET_FIELDS) if result else None,
    )


@bp.post("/api/jwt")
@validate_request(JwtInput)
@validate_response(JwtOutput)
async def api(data: JwtInput):
    """Decode a JWT (header, payload, exp/nbf/iat) and verify its signature when a key is given."""
    return inspect_token(data.input, data.key, data.key_encoding, current_time())
