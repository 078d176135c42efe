"""Hash text with MD5, SHA-1, SHA-2, SHA-3 and BLAKE2, optionally as an HMAC."""

from __future__ import annotations

import hashlib
import hmac
from typing import Literal

from pydantic import BaseModel, Field
from quart import Blueprint
from quart_schema import validate_request, validate_response

from core.forms import read_form
from core.registry import Tool
from core.render import render_tool, share_url

TOOL = Tool(
    slug="hash",
    title="Hash",
    category="Crypto",
    keywords=("md5", "sha1", "sha256", "sha512", "sha3", "blake2", "hmac", "digest", "checksum"),
)
bp = Blueprint("hash", __name__)

ALGORITHMS = ("md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha3_256", "sha3_512", "blake2b", "blake2s")
LABELS = {
    "md5": "MD5",
    "sha1": "SHA-1",
    "sha224": "SHA-224",
    "sha256": "SHA-256",
    "sha384": "SHA-384",
    "sha512": "SHA-512",
    "sha3_256": "SHA3-256",
    "sha3_512": "SHA3-512",
    "blake2b": "BLAKE2b",
    "blake2s": "BLAKE2s",
}
Algorithm = Literal["md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha3_256", "sha3_512", "blake2b", "blake2s"]
MAX_INPUT = 1_000_000


class HashInput(BaseModel):
    input: str = Field(max_length=MAX_INPUT, description="Text to hash (UTF-8).")
    algorithms: list[Algorithm] = Field(default_factory=list, description="Algorithms to use; all of them when empty.")
    key: str = Field(default="", max_length=10_000, description="HMAC key (UTF-8); plain digests when empty.")


class HashOutput(BaseModel):
    hmac: bool
    digests: dict[str, str] = Field(description="Algorithm name -> lowercase hex digest.")


def digest(text: str, algorithms: list[str] | tuple[str, ...] = (), key: str = "") -> dict[str, str]:
    """Hex digests of the UTF-8 text; HMAC-<algorithm> when a key is given."""
    data = text.encode()
    chosen = [a for a in ALGORITHMS if a in algorithms] if algorithms else list(ALGORITHMS)
    if key:
        return {a: hmac.new(key.encode(), data, a).hexdigest() for a in chosen}
    return {a: hashlib.new(a, data).hexdigest() for a in chosen}


@bp.route("/tools/hash/", methods=["GET", "POST"])
async def page():
    form = await read_form(HashInput)
    result = digest(form.data.input, form.data.algorithms, form.data.key) if form.data else None
    return await render_tool(
        TOOL,
        status=422 if form.errors else 200,
        form=form,
        result=result,
        labels=LABELS,
        algorithms=ALGORITHMS,
        share=share_url(TOOL.page_url, form.values, secret_fields=("key",)) if result else None,
    )


@bp.post("/api/hash")
@validate_request(HashInput)
@validate_response(HashOutput)
async def api(data: HashInput) -> HashOutput:
    """Hash text with the chosen algorithms (all by default), optionally as an HMAC."""
    return HashOutput(hmac=bool(data.key), digests=digest(data.input, data.algorithms, data.key))
