"""Every use of a library's private internals, in one place: what each does, its measured gain, its version.

Nothing else in core/, tools/ or app.py reads a `_`-prefixed attribute of a library (tests/test_patches.py
scans for it). Each patch names the one version it was written and measured against; `check_versions()`
(called by create_app) refuses to start on any other, naming the patch to re-measure and adapt:

    mytools: core/patches.py targets quart-schema 0.25.0 (TypeAdapter cache), but 0.26.0 is installed …

Gains: `python -m benchmarks.patches` (time per call, best of 5; 2 CPUs at load average ~6, so noisy).
"""

from __future__ import annotations

import json.encoder
import sys
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version

import quart_schema.conversion
from flask.templating import _default_template_ctx_processor as flask_default_context
from pydantic import TypeAdapter
from quart import Quart
from quart_auth import AuthUser, QuartAuth
from regex._main import _compile_replacement_helper


@dataclass(frozen=True)
class Patch:
    distribution: str  # as pip names it; "python" for the standard library
    version: str  # the version the patch was written and measured against
    name: str
    gain: str


PATCHES = (
    Patch(
        "quart-schema",
        "0.25.0",
        "TypeAdapter cache",
        "an API call's adapters (request model + a plain response type): 22.7 µs built, 0.3 µs cached",
    ),
    Patch(
        "flask",
        "3.1.3",
        "no Flask default context processor on blueprints",
        "with the quart-auth patch below: a page's context processors 138 µs -> 20 µs (no worker threads)",
    ),
    Patch(
        "quart-auth",
        "0.12.0",
        "async template context",
        "its sync context processor ran in a worker thread on every render (see the line above)",
    ),
    Patch(
        "regex",
        "2026.11.15",
        "replacement template check",
        "function, not speed: a bad replacement is refused even when the pattern matches nothing",
    ),
    Patch(
        "python",
        "3.11",
        "json's Python encoder with our number writer",
        "function, not speed: numbers are written as they were read (1.10 stays 1.10)",
    ),
    Patch(
        "python",
        "3.11",
        "ssl: the certificate chain a server sent",
        "function, not speed: the tls tool shows the whole chain (SSLObject.get_unverified_chain is public in 3.13)",
    ),
)


class PatchVersionError(RuntimeError):
    """An installed library is not the version a patch targets."""


def installed(distribution: str) -> str:
    if distribution == "python":
        return f"{sys.version_info.major}.{sys.version_info.minor}"
    return version(distribution)


def check_versions() -> None:
    """Refuse to start when a patched library is not the version its patch was measured against."""
    wrong = [
        f"{p.distribution} {p.version} ({p.name}), but {found} is installed"
        for p in PATCHES
        if (found := installed(p.distribution)) != p.version
    ]
    if wrong:
        raise PatchVersionError(
            "core/patches.py targets " + "; ".join(wrong) + ": re-measure each patch on the new version, "
            "adapt or drop it, then update its version in PATCHES"
        )


# --- quart-schema: one pydantic TypeAdapter per type ----------------------------------------------
# quart-schema builds a TypeAdapter (a whole core schema) for every body it validates or dumps; pydantic's
# docs say to create one once and reuse it. quart-schema looks the class up in its module at each call.

TYPE_ADAPTER_CACHE_SIZE = 512  # the API's request and response models, and the few plain types views return


@lru_cache(maxsize=TYPE_ADAPTER_CACHE_SIZE)
def _adapter(type_) -> TypeAdapter:
    return TypeAdapter(type_)


def type_adapter(type_) -> TypeAdapter:
    """The shared TypeAdapter of a type (a fresh one for the rare unhashable type annotation)."""
    try:
        return _adapter(type_)
    except TypeError:  # unhashable, e.g. Annotated[...] with a dict in its metadata
        return TypeAdapter(type_)


def install_type_adapter_cache() -> None:
    quart_schema.conversion.TypeAdapter = type_adapter


# --- Flask's default template context processor, on every blueprint --------------------------------


def drop_flask_context_processors(app: Quart) -> None:
    """Remove the no-op context processor Flask's Scaffold gives every blueprint (call after registering them).

    It reads Flask's own context variables, which Quart never sets, so it always returns {}; being sync,
    Quart ran it in a worker thread on every render of the blueprint's pages.
    """
    for processors in app.template_context_processors.values():
        processors[:] = [p for p in processors if p is not flask_default_context]


# --- quart-auth: its template context processor, async ---------------------------------------------


class AsyncTemplateContextAuth(QuartAuth):
    """quart-auth registers `_template_context`, a sync processor Quart runs in a thread on every render."""

    async def _template_context(self) -> dict[str, AuthUser]:
        return {"current_user": self.load_user()}


# --- regex: check a replacement template before anything matches ----------------------------------


def regex_replacement_parts(compiled, replacement: str) -> list:
    """The regex module's parse of a replacement template (raises regex.error / IndexError when it is bad)."""
    return _compile_replacement_helper(compiled, replacement)


# --- json: the standard library's Python encoder, with a number writer of our own ------------------


def json_iterencode(number_text, unsupported, encoder, indent, separators, sort_keys):
    """json.encoder's pure-Python iterencode (the C one ignores float subclasses' spelling); no cycle markers:
    a parsed document cannot contain cycles."""
    item_separator, key_separator = separators
    return json.encoder._make_iterencode(
        None, unsupported, encoder, indent, number_text, key_separator, item_separator, sort_keys, False, True
    )


# --- ssl: the chain as the server sent it ------------------------------------------------------------
# Python 3.13 made SSLObject.get_unverified_chain() public; 3.11 and 3.12 have the same method on the
# underlying _ssl object (the public one calls it). The tls tool reads the chain without verifying it.

DER_ENCODING = 2  # _ssl.ENCODING_DER


def ssl_unverified_chain(ssl_object) -> list[bytes]:
    """The certificates the peer sent, its own first, as DER (empty when it sent none)."""
    public = getattr(ssl_object, "get_unverified_chain", None)
    chain = public() if public else ssl_object._sslobj.get_unverified_chain()
    return [der if isinstance(der, bytes) else der.public_bytes(DER_ENCODING) for der in chain or ()]
