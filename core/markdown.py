"""The site's one Markdown renderer (notes, pastes, the markdown tool): markdown-it-py, then nh3.

CommonMark with GFM tables, strikethrough, task lists and footnotes. Pure and unbounded: callers run it
through core.bounded_render, which stops it at its time, memory and output limits.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote, urljoin, urlsplit

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

# Classes the plugins write; any other class (from raw HTML in the source) is dropped, so a document cannot
# borrow the page's own classes.
PLUGIN_CLASSES = frozenset(
    {
        "contains-task-list",
        "task-list-item",
        "task-list-item-checkbox",
        "footnote-ref",
        "footnotes-sep",
        "footnotes",
        "footnotes-list",
        "footnote-item",
        "footnote-backref",
    }
)
_LANGUAGE_CLASS = re.compile(r"language-[\w+#.-]{1,64}")  # a fenced code block's info string
_FOOTNOTE_ID = re.compile(r"fn(?:ref)?\d+(?::\d+)?")  # fn1, fnref1, fnref1:2 (a second reference)


def _align_attribute(state: StateCore) -> None:
    """Table cells get align="center" (as the GFM spec writes them) instead of a style attribute.

    The page's Content-Security-Policy refuses style attributes, and nh3 would drop them anyway.
    """
    for token in state.tokens:
        if token.type in ("th_open", "td_open"):
            style = token.attrGet("style")
            if isinstance(style, str) and style.startswith("text-align:"):
                token.attrs = {"align": style.removeprefix("text-align:")}


def _del_open(self, tokens, idx, options, env) -> str:
    return "<del>"


def _del_close(self, tokens, idx, options, env) -> str:
    return "</del>"


def make_parser() -> MarkdownIt:
    parser = (
        MarkdownIt("commonmark")
        .enable(["table", "strikethrough"])
        # Checkboxes are disabled (read-only) by default; label=True wraps each in a <label> with its item's text,
        # so a screen reader names the box (axe: "form elements must have labels").
        .use(tasklists_plugin, label=True)
        .use(footnote_plugin)
    )
    parser.core.ruler.push("table_align_attribute", _align_attribute)
    # ~~text~~ as <del>, the element the GFM spec uses (markdown-it writes <s>).
    parser.add_render_rule("s_open", _del_open)
    parser.add_render_rule("s_close", _del_close)
    return parser


# Paths of this site that record or count a request: rendered content must not make a visitor's browser
# (which sends this site's cookies) request them. Relative links are resolved against every kind of page
# that shows rendered Markdown, since "../hooks/b" reaches /hooks/ from a page one level down.
OWN_PATH_PREFIXES = ("/hooks/", "/s/")
RENDERING_PAGES = ("/", "/p/x", "/tools/markdown/", "/tools/notes/1", "/tools/notes/1/edit", "/api/markdown")
URL_ATTRIBUTES = frozenset({"href", "src", "srcset", "cite", "poster", "longdesc", "background", "action"})
_STRIPPED = re.compile(r"[\t\n\r]")  # browsers drop these anywhere in a URL
_OWN = "own.invalid"


def _resolved_paths(url: str, own_hosts: frozenset[str]) -> list[str]:
    """The decoded, dot-segment-free paths on this site that `url` can reach from a rendering page."""
    url = _STRIPPED.sub("", url).strip().replace("\\", "/")
    paths = []
    for page in RENDERING_PAGES:
        try:
            parts = urlsplit(urljoin(f"https://{_OWN}{page}", url))
        except ValueError:
            return ["/"]  # unparseable: treat as this site's
        host = (parts.hostname or "").rstrip(".").lower()
        if parts.scheme in ("http", "https") and (host == _OWN or host in own_hosts):
            # The server decodes %XX before routing, so /%68ooks/ is /hooks/.
            path = posixpath.normpath("/" + unquote(unquote(parts.path)).lstrip("/"))
            paths.append(path + ("/" if not path.endswith("/") else ""))
    return paths


def reaches_own_paths(url: str, own_hosts: frozenset[str] = frozenset()) -> bool:
    """True when following `url` on a page of this site would request its /hooks/ or /s/ paths."""
    candidates = [u.strip().split(" ")[0] for u in url.split(",")] if "," in url else [url]
    return any(
        path.startswith(prefix)
        for one in candidates
        for path in _resolved_paths(one, own_hosts)
        for prefix in OWN_PATH_PREFIXES
    )


def _keep_attribute(tag: str, attribute: str, value: str, own_hosts: frozenset[str] = frozenset()) -> str | None:
    if attribute in URL_ATTRIBUTES and reaches_own_paths(value, own_hosts):
        return None
    if attribute == "class":
        kept = [c for c in value.split() if c in PLUGIN_CLASSES or (tag == "code" and _LANGUAGE_CLASS.fullmatch(c))]
        return " ".join(kept) or None
    if attribute == "id":
        # Only the footnote anchors: other ids could clash with the page's own (id="result", id="input").
        return value if _FOOTNOTE_ID.fullmatch(value) else None
    return value


def _attributes() -> dict[str, set[str]]:
    allowed = {tag: set(names) for tag, names in nh3.ALLOWED_ATTRIBUTES.items()}
    extra = {
        "a": {"title", "id", "class"},
        "img": {"title"},
        "input": {"checked", "class"},
        "sup": {"id", "class"},
        "li": {"id", "class"},
        "ol": {"class"},
        "ul": {"class"},
        "hr": {"class"},
        "section": {"class"},
        "code": {"class"},
        "details": {"open"},
    }
    for tag, names in extra.items():
        allowed.setdefault(tag, set()).update(names)
    return allowed


def make_cleaner(own_hosts: frozenset[str] = frozenset()) -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(nh3.ALLOWED_TAGS) | {"input", "label", "section"},
        attributes=_attributes(),
        attribute_filter=lambda tag, attribute, value: _keep_attribute(tag, attribute, value, own_hosts),
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        # Every <input> is read-only (the task lists' checkboxes already are), and a checkbox or a plain box.
        # Only one attribute is set: nh3 adds set attributes in no fixed order, and the output should not vary.
        tag_attribute_values={"input": {"type": {"checkbox"}}},
        set_tag_attribute_values={"input": {"disabled": ""}},
    )


CLEANER = make_cleaner()
PARSER = make_parser()
TEXT_PARSER = make_parser().disable("html_block").disable("html_inline")


def to_html(source: str, raw_html: bool = True) -> str:
    """markdown-it-py's HTML, not yet sanitized: with raw_html, raw HTML in the source passes through here."""
    return (PARSER if raw_html else TEXT_PARSER).render(source)


def sanitize(html: str, own_hosts: frozenset[str] = frozenset()) -> str:
    return (make_cleaner(own_hosts) if own_hosts else CLEANER).clean(html)


def render_markdown(source: str, raw_html: bool = True, own_hosts: frozenset[str] = frozenset()) -> str:
    """The source as HTML that is safe to put in a page of this site (with `raw_html`, HTML in the source is
    kept where safe; without, it shows as text). Links and images that would request this site's /hooks/
    or /s/ paths (relative, or on one of `own_hosts`) lose their URL."""
    return sanitize(to_html(source, raw_html), frozenset(h.lower() for h in own_hosts))
