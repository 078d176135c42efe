"""Build an HTTP Basic Authorization header from a user and password, or decode one (RFC 7617)."""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
from typing import Literal

from pydantic import BaseModel, Field

from core.forms import ToolInputError
from core.operations import NO_STORE, Operation
from core.registry import Tool

MAX_FIELD = 1_000
CREDENTIALS = re.compile(r"\s*(?:authorization\s*:\s*)?(?:basic\s+)?(\S*)\s*", re.I)


class BasicAuthInput(BaseModel):
    mode: Literal["build", "decode"] = Field(default="build", description="build a header, or decode one.")
    username: str = Field(default="", max_length=MAX_FIELD, description="build: the user-id (no ':').")
    password: str = Field(default="", max_length=MAX_FIELD, description="build: the password (never put in a link).")
    input: str = Field(
        default="",
        max_length=4 * MAX_FIELD,
        title="Header",
        description="decode: 'Authorization: Basic …', 'Basic …' or the Base64 alone.",
    )


class BasicAuthOutput(BaseModel):
    mode: str
    header: str = Field(description="The whole header line: Authorization: Basic <credentials>.")
    value: str = Field(description="The header's value: Basic <credentials>.")
    credentials: str = Field(description="Base64 of user-id ':' password in UTF-8 (RFC 7617 section 2.1).")
    username: str
    password: str
    user_pass: str = Field(description="user-id ':' password, the text the Base64 holds.")
    charset: str = Field(description="How the bytes were read: UTF-8, or ISO-8859-1 when they are not UTF-8.")


def refuse_controls(text: str, field: str) -> None:
    """RFC 7617 section 2: the user-id and the password must not contain control characters."""
    control = next((char for char in text if unicodedata.category(char) == "Cc"), None)
    if control is not None:
        raise ToolInputError(f"control character U+{ord(control):04X} is not allowed (RFC 7617 section 2)", field)


def answer(mode: str, username: str, password: str, credentials: str, charset: str = "UTF-8") -> BasicAuthOutput:
    return BasicAuthOutput(
        mode=mode,
        header=f"Authorization: Basic {credentials}",
        value=f"Basic {credentials}",
        credentials=credentials,
        username=username,
        password=password,
        user_pass=f"{username}:{password}",
        charset=charset,
    )


def build_header(username: str, password: str) -> BasicAuthOutput:
    if ":" in username:
        raise ToolInputError("a user-id cannot contain ':' (RFC 7617 section 2)", "username")
    refuse_controls(username, "username")
    refuse_controls(password, "password")
    credentials = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
    return answer("build", username, password, credentials)


def decode_header(text: str) -> BasicAuthOutput:
    found = CREDENTIALS.fullmatch(text)
    if found is None:
        raise ToolInputError("give one header: Authorization: Basic and one Base64 word", "input")
    token = found.group(1)
    if not token:
        raise ToolInputError("give the header, e.g. Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", "input")
    try:
        raw = base64.b64decode(token + "=" * (-len(token) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise ToolInputError("the credentials are not Base64 (after 'Basic ')", "input") from None
    try:
        user_pass, charset = raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        user_pass, charset = raw.decode("iso-8859-1"), "ISO-8859-1"  # what browsers sent before RFC 7617
    if ":" not in user_pass:
        raise ToolInputError("the decoded text has no ':' between user-id and password", "input")
    username, password = user_pass.split(":", 1)
    return answer("decode", username, password, token, charset)


def basic_auth(data: BasicAuthInput) -> BasicAuthOutput:
    """Build the Authorization header for a user-id and password, or decode one back to them."""
    if data.mode == "build":
        return build_header(data.username, data.password)
    return decode_header(data.input)


TOOL = Tool(
    slug="basic-auth",
    title="Basic auth header",
    category="Network",
    icon="user-lock",
    keywords=("http", "authorization", "basic", "rfc 7617", "credentials", "header", "curl -u"),
    examples=(
        ("RFC 7617 example: Aladdin", {"mode": "build", "username": "Aladdin", "password": "open sesame"}),
        ("Decode a header", {"mode": "decode", "input": "Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="}),
        ("RFC 7617 UTF-8 example", {"mode": "build", "username": "test", "password": "123£"}),
    ),
    operations=(
        Operation(
            BasicAuthInput,
            basic_auth,
            BasicAuthOutput,
            # build: the header's value; decode: the user-id:password text.
            primary=lambda output: output.value if output.mode == "build" else output.user_pass,
            share_secret=("password", "input"),
            context=lambda form, result: {"share": None},  # a link without the password would not reproduce it
            response_headers=NO_STORE,  # an answer that holds a password stays out of every cache
        ),
    ),
)
