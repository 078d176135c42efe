"""Markdown to safe HTML: markdown-it-py (CommonMark, GFM tables, strikethrough, task lists, footnotes), then nh3."""

from __future__ import annotations

import re

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
        .use(tasklists_plugin)  # checkboxes are disabled (read-only) by default
        .use(footnote_plugin)
    )
    parser.core.ruler.push("table_align_attribute", _align_attribute)
    # ~~text~~ as <del>, the element the GFM spec uses (markdown-it writes <s>).
    parser.add_render_rule("s_open", _del_open)
    parser.add_render_rule("s_close", _del_close)
    return parser


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
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


CLEANER = nh3.Cleaner(
    tags=set(nh3.ALLOWED_TAGS) | {"input", "section"},
    attributes=_attributes(),
    attribute_filter=_keep_attribute,
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener noreferrer nofollow",
    # Every <input> is read-only (the task lists' checkboxes already are), and a checkbox or a plain box.
    # Only one attribute is set: nh3 adds set attributes in no fixed order, and the output should not vary.
    tag_attribute_values={"input": {"type": {"checkbox"}}},
    set_tag_attribute_values={"input": {"disabled": ""}},
)
PARSER = make_parser()


def to_html(source: str) -> str:
    """markdown-it-py's HTML, not yet sanitized: raw HTML in the source passes through here."""
    return PARSER.render(source)


def sanitize(html: str) -> str:
    return CLEANER.clean(html)


def render_markdown(source: str) -> str:
    """The source as HTML that is safe to put in a page."""
    return sanitize(to_html(source))
