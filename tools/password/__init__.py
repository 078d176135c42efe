"""Generate passwords, EFF passphrases and random tokens, and check a password's strength with zxcvbn."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, ValidationError
from quart import Blueprint, request

from core.forms import FormInput, ToolInputError, field_errors, read_form
from core.operations import Operation
from core.registry import Tool
from tools.password.generators import (
    CLASSES,
    LOOKALIKES,
    WORDLIST_SIZE,
    make_passphrase,
    make_password,
    make_token,
)
from tools.password.strength import SCENARIOS, ZXCVBN_MAX_LENGTH, Strength, estimate

bp = Blueprint("password", __name__)  # for never_cache; the platform adds the page and API

Mode = Literal["password", "passphrase", "token", "check"]
MODES = {"password": "Password", "passphrase": "Passphrase", "token": "Token", "check": "Check strength"}
MAX_CHECKED = 256
# The fields each mode uses: a page post or link is read with these only, so a stray parameter of another mode
# can neither fail nor hide an error under a form that is not on the page.
FIELDS = {
    "password": ("length", "lower", "upper", "digits", "symbols", "exclude_lookalikes"),
    "passphrase": ("words", "separator", "capitalize", "add_digit"),
    "token": ("token_bytes", "token_format"),
    "check": ("input",),
}
CHECKBOXES = frozenset({"lower", "upper", "digits", "symbols", "exclude_lookalikes", "capitalize", "add_digit"})
GET_CHECK_REFUSED = (
    "The strength check only accepts the form's POST, which keeps the password out of addresses, browser "
    "history and server logs: the password in this link was ignored. Type it into the field instead."
)


class PasswordInput(BaseModel):
    mode: Mode = Field(default="password", description="password, passphrase, token, or check (strength).")
    length: int = Field(default=20, ge=4, le=256, description="mode=password: number of characters, 4-256.")
    lower: bool = Field(default=True, description="mode=password: use a-z.")
    upper: bool = Field(default=True, description="mode=password: use A-Z.")
    digits: bool = Field(default=True, description="mode=password: use 0-9.")
    symbols: bool = Field(default=True, description="mode=password: use the 32 ASCII symbols !\"#$%&'()*+,-./ etc.")
    exclude_lookalikes: bool = Field(default=False, description=f"mode=password: leave out {LOOKALIKES}.")
    words: int = Field(default=6, ge=1, le=20, description="mode=passphrase: number of words, 1-20.")
    separator: str = Field(default="-", max_length=5, description="mode=passphrase: between words (may be empty).")
    capitalize: bool = Field(default=False, description="mode=passphrase: capitalize each word.")
    add_digit: bool = Field(default=False, description="mode=passphrase: append a random digit to a random word.")
    token_bytes: int = Field(default=32, ge=1, le=512, description="mode=token: number of random bytes, 1-512.")
    token_format: Literal["hex", "base64url", "bytes"] = Field(
        default="hex", description="mode=token: hex, base64url (no padding), or bytes (0x.. list)."
    )
    input: str = Field(
        default="",
        max_length=MAX_CHECKED,
        description=f"mode=check: the password to estimate (first {ZXCVBN_MAX_LENGTH} characters). "
        "Never stored, logged or returned.",
    )


class PasswordOutput(BaseModel):
    mode: Mode
    value: str | None = Field(description="The generated password, passphrase or token; null for a check.")
    entropy_bits: float | None = Field(description="Entropy of the generated value in bits; null for a check.")
    alphabet_size: int | None = Field(
        description="Symbols drawn from: characters (password), words (7776), byte values (256)."
    )
    strength: Strength | None = Field(description="mode=check: zxcvbn's estimate.")


def run(data: PasswordInput) -> PasswordOutput:
    """Generate or check as the input asks; raises ToolInputError naming the field."""
    if data.mode == "check":
        if not data.input:
            raise ToolInputError("type a password to check", "input")
        return PasswordOutput(
            mode="check", value=None, entropy_bits=None, alphabet_size=None, strength=estimate(data.input)
        )
    if data.mode == "passphrase":
        value, bits = make_passphrase(data.words, data.separator, data.capitalize, data.add_digit)
        return PasswordOutput(
            mode="passphrase", value=value, entropy_bits=bits, alphabet_size=WORDLIST_SIZE, strength=None
        )
    if data.mode == "token":
        value, bits = make_token(data.token_bytes, data.token_format)
        return PasswordOutput(mode="token", value=value, entropy_bits=bits, alphabet_size=256, strength=None)
    classes = [name for name in CLASSES if getattr(data, name)]
    value, size, bits = make_password(data.length, classes, data.exclude_lookalikes)
    return PasswordOutput(mode="password", value=value, entropy_bits=bits, alphabet_size=size, strength=None)


async def read_password_form() -> FormInput:
    """read_form, restricted to the chosen mode's fields, with HTML checkbox semantics on a post.

    A strength check never runs from a URL, and the password in such a URL is not shown again.
    """
    form = await read_form(PasswordInput)
    if not form.values:
        return form  # an empty form
    mode = form.values.get("mode") or "password"
    if mode not in FIELDS:
        return FormInput(None, {"mode": mode}, {"mode": form.errors.get("mode", "unknown mode")}, ("mode",))
    fields = ("mode", *FIELDS[mode])
    values = {name: value for name, value in form.values.items() if name in fields}
    if request.method == "GET" and mode == "check":
        errors = {"input": GET_CHECK_REFUSED} if "input" in values else {}
        return FormInput(None, {"mode": "check"}, errors, fields)
    if request.method == "POST":
        # HTML sends nothing for an unticked checkbox: absent means False (links keep the defaults).
        values |= {name: "false" for name in FIELDS[mode] if name in CHECKBOXES and name not in values}
    try:
        return FormInput(PasswordInput.model_validate(values), values, {}, fields)
    except ValidationError as exc:
        return FormInput(None, values, field_errors(exc), fields)


@bp.after_request
async def never_cache(response):
    # Generated secrets and strength results must not sit in a browser or proxy cache.
    response.headers["Cache-Control"] = "no-store"
    return response


def primary_text(output: PasswordOutput) -> str:
    """The generated value, or for a check the strength in words."""
    return output.value if output.value is not None else output.strength.label


def page_context(form: FormInput, result: PasswordOutput | None) -> dict:
    mode = form.values.get("mode") if form.values.get("mode") in MODES else "password"
    # A link reproduces the settings (a new random value each time); a checked password never goes in one.
    context = {"mode": mode, "modes": MODES, "scenarios": SCENARIOS, "lookalikes": LOOKALIKES}
    context["max_checked"] = ZXCVBN_MAX_LENGTH
    if mode == "check":
        context["share"] = None
    return context


TOOL = Tool(
    slug="password",
    title="Password",
    category="Generators",
    icon="rectangle-ellipsis",
    keywords=("passphrase", "diceware", "eff", "token", "secret", "random", "entropy", "strength", "zxcvbn"),
    examples=(
        ("16 characters, no lookalikes", {"mode": "password", "length": "16", "exclude_lookalikes": "true"}),
        ("32 letters and digits", {"mode": "password", "length": "32", "symbols": "false"}),
        ("6-word passphrase", {"mode": "passphrase", "words": "6", "separator": "-", "capitalize": "true"}),
        ("256-bit hex token", {"mode": "token", "token_bytes": "32", "token_format": "hex"}),
    ),
    operations=(
        Operation(
            PasswordInput,
            run,
            PasswordOutput,
            varies=True,
            primary=primary_text,
            summary="Generate a password, passphrase or token with its entropy, or estimate a password's strength "
            "(mode=check).",
            form=read_password_form,
            context=page_context,
            share_secret=("input",),
        ),
    ),
)
