"""What a bin's capture URL answers: the owner's choice, sent so that no part of it can run at this origin."""

from __future__ import annotations

SERVED_AS_TEXT = "text/plain; charset=utf-8"
# Types a browser runs as script, applies as a stylesheet or compiles: the JavaScript MIME types of the WHATWG
# MIME Sniffing standard, CSS and WebAssembly. Looked for anywhere in the value, because a browser may take the
# last of several comma-separated types ("text/plain, text/javascript").
RUNNABLE = ("javascript", "ecmascript", "jscript", "livescript", "css", "wasm")
# Documents that can carry script (HTML, XHTML, SVG, XML with XSLT): a browser downloads them instead of showing
# them; a webhook sender (which ignores Content-Disposition) still gets the type it expects.
MARKUP = ("html", "xml", "svg", "xsl")
# nosniff: a <script src> or <link rel=stylesheet> at this origin refuses any non-script (non-CSS) type; sandbox:
# a bin answer opened as a page runs no script and shares no origin with the site.
ANSWER_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "X-Content-Type-Options": "nosniff",
}


def served_answer(content_type: str) -> tuple[str, dict[str, str]]:
    """The Content-Type an answer is really sent with, and its extra headers (the owner's type when harmless)."""
    kind = content_type.lower()
    if any(word in kind for word in RUNNABLE):
        return SERVED_AS_TEXT, {}
    if any(word in kind for word in MARKUP):
        return content_type, {"Content-Disposition": "attachment"}
    return content_type, {}


def answer_note(content_type: str) -> str | None:
    """Why the answer is not sent exactly as chosen, for the bin's settings; None when it is."""
    served, extra = served_answer(content_type)
    if served != content_type:
        return f"Sent as {served}: a script or stylesheet type could run on this site."
    if extra:
        return "Sent as a download (Content-Disposition: attachment): a browser never shows it as a page."
    return None
