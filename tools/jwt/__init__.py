"""Decode a JSON Web Token, read its exp/nbf/iat, verify its signature, or sign claims as a new token."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, Field
from quart import Blueprint, make_response, request

from core.forms import FormInput, ToolInputError, read_form
from core.operations import NO_STORE, Operation, execute
from core.registry import Tool
from core.render import is_htmx, render_template
from tools.jwt.report import JwtOutput, KeyEncoding, inspect_token
from tools.jwt.sign import SignInput, SignOutput, sign

bp = Blueprint("jwt", __name__)  # the platform adds the decode page and the API; the sign page is below

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


def decode(data: JwtInput, now: datetime) -> JwtOutput:
    """Decode a JWT (header, payload, exp/nbf/iat) and verify its signature when a key is given."""
    return inspect_token(data.input, data.key, data.key_encoding, now)


def key_in_link() -> bool:
    return request.method == "GET" and bool(request.args.get("key"))


async def read_page_form(model: type[BaseModel] = JwtInput) -> FormInput:
    """The page's form; a key in a link is dropped: it has already leaked into logs and browser history."""
    form = await read_form(model)
    if not key_in_link():
        return form
    data = form.data.model_copy(update={"key": ""}) if form.data else None
    return form._replace(data=data, values={k: v for k, v in form.values.items() if k != "key"})


# RFC 7519 §3.1's claims, compact; jwt.io's example secret (32 bytes, as RFC 7518 §3.2 asks for HS256).
SIGN_EXAMPLE = {
    "input": '{"iss":"joe","exp":1300819380,"http://example.com/is_root":true}',
    "key": "a-string-secret-at-least-256-bits-long",
}
SIGN = Operation(
    SignInput,
    sign,
    SignOutput,
    name="sign",
    primary="token",
    bounded=True,  # reading and using a private key of up to 8192 bits
    example=SIGN_EXAMPLE,
    share_secret=SECRET_FIELDS,
    response_headers=NO_STORE,
)


@bp.route("/tools/jwt/sign/", methods=["GET", "POST"])
async def sign_page():
    """Sign claims as a token: the form (a key is never read from a link), and the token."""
    form = await read_page_form(SignInput)
    result = None
    if form.data is not None and form.data.input.strip() and form.data.key.strip():  # both typed: sign
        try:
            result = await execute(SIGN, form.data)
        except ToolInputError as exc:
            form = form._replace(errors={exc.field: exc.message})
    name = "jwt/_sign_result.html" if is_htmx() else "jwt/sign.html"
    page = await render_template(name, form=form, result=result, key_in_link=key_in_link())
    response = await make_response(page, 422 if form.errors else 200)
    response.vary.add("HX-Request")
    response.headers.update(NO_STORE)
    return response


TOOL = Tool(
    slug="jwt",
    title="JWT",
    category="Crypto",
    icon="key-round",
    keywords=(
        "jws",
        "json web token",
        "decode",
        "verify",
        "sign",
        "encode",
        "hs256",
        "rs256",
        "es256",
        "eddsa",
        "bearer",
        "exp",
    ),
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
    operations=(
        Operation(
            JwtInput,
            decode,
            JwtOutput,
            primary="payload_pretty",
            request_args=lambda: (current_time(),),
            form=read_page_form,
            context=lambda form, result: {"key_in_link": key_in_link()},  # the page says why the key was ignored
            share_secret=SECRET_FIELDS,
        ),
        SIGN,
    ),
)
