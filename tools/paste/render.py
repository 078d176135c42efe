"""Paste to HTML: Pygments with CSS classes and line anchors; Markdown through markdown-it-py and nh3."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name, guess_lexer
from pygments.styles import get_style_by_name
from pygments.util import ClassNotFound

AUTO = "auto"
MARKDOWN = "markdown"
PLAIN = "text"
# Offered on the page; the API accepts any Pygments language name or alias.
COMMON_LANGUAGES = (
    ("auto", "Detect"),
    ("text", "Plain text"),
    ("markdown", "Markdown (rendered)"),
    ("bash", "Bash / shell"),
    ("c", "C"),
    ("cpp", "C++"),
    ("csharp", "C#"),
    ("css", "CSS"),
    ("diff", "Diff"),
    ("docker", "Dockerfile"),
    ("go", "Go"),
    ("html", "HTML"),
    ("ini", "INI"),
    ("java", "Java"),
    ("javascript", "JavaScript"),
    ("json", "JSON"),
    ("kotlin", "Kotlin"),
    ("php", "PHP"),
    ("python", "Python"),
    ("pytb", "Python traceback"),
    ("ruby", "Ruby"),
    ("rust", "Rust"),
    ("sql", "SQL"),
    ("swift", "Swift"),
    ("toml", "TOML"),
    ("typescript", "TypeScript"),
    ("xml", "XML"),
    ("yaml", "YAML"),
)
GUESS_SAMPLE = 10_000  # characters looked at by auto-detection (guess_lexer reads all it is given)
# Measured here: Pygments highlights ~0.6 MB of Python per second and Markdown renders ~0.1 MB per second
# (pathological input: "[" repeated). Above these sizes a paste is shown as plain text / highlighted source.
HIGHLIGHT_LIMIT = 256 * 1024
MARKDOWN_LIMIT = 100 * 1024
LIGHT_STYLE = "default"
DARK_STYLE = "github-dark"


def language_name(name: str) -> str:
    """The canonical alias of a Pygments language ("py" -> "python"); ClassNotFound when unknown."""
    name = name.strip().lower()
    if name in (AUTO, MARKDOWN, PLAIN):
        return name
    return get_lexer_by_name(name).aliases[0]


def is_language(name: str) -> bool:
    try:
        language_name(name)
    except ClassNotFound:
        return False
    return True


def detect_language(content: str) -> str:
    """Pygments' best guess from the start of the text; "text" when it has none."""
    try:
        lexer = guess_lexer(content[:GUESS_SAMPLE])
    except ClassNotFound:
        return PLAIN
    return lexer.aliases[0] if lexer.aliases else PLAIN


def language_label(name: str) -> str:
    labels = dict(COMMON_LANGUAGES)
    if name in labels and name != AUTO:
        return labels[name].removesuffix(" (rendered)")
    try:
        return get_lexer_by_name(name).name
    except ClassNotFound:
        return name


def highlight_code(content: str, language: str) -> str:
    """Highlighted HTML with CSS classes only (the CSP forbids style attributes); line n is <span id="L-n">."""
    name = language if language != MARKDOWN else "md"
    if len(content) > HIGHLIGHT_LIMIT:
        name = PLAIN
    try:
        lexer = get_lexer_by_name(name, stripnl=False, ensurenl=True)
    except ClassNotFound:
        lexer = get_lexer_by_name(PLAIN, stripnl=False, ensurenl=True)
    formatter = HtmlFormatter(linenos="inline", linespans="L", anchorlinenos=True, wrapcode=True, cssclass="highlight")
    return highlight(content, lexer, formatter)


# Raw HTML in the source is shown as text, and nh3 removes anything unsafe that remains
# (javascript: links, event handlers), so a paste can never run script.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table").enable("strikethrough")
ALLOWED_TAGS = nh3.ALLOWED_TAGS | {"table", "thead", "tbody", "tr", "th", "td", "s", "del", "pre", "code", "hr"}


def render_markdown(source: str) -> str:
    return nh3.clean(
        _markdown.render(source),
        tags=ALLOWED_TAGS,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def render_paste(content: str, language: str) -> tuple[str, bool]:
    """(html, rendered_markdown): slow for big pastes, so call it in a thread."""
    if language == MARKDOWN and len(content) <= MARKDOWN_LIMIT:
        return render_markdown(content), True
    return highlight_code(content, language), False


def pygments_rules(style: str, scope: str) -> list[str]:
    """The token rules of a Pygments style, under `scope` (its global `pre`/`linenos` rules are left out)."""
    defs = HtmlFormatter(style=get_style_by_name(style)).get_style_defs(".highlight")
    return [f"{scope}{line}" for line in defs.splitlines() if line.startswith(".highlight")]


def stylesheet() -> str:
    """The text of static/css/tools/paste.css: layout, the light theme, the dark theme twice."""
    light = "\n".join([".highlight { color: #1f2328; }", *pygments_rules(LIGHT_STYLE, "")])
    system_dark = "\n".join("  " + rule for rule in pygments_rules(DARK_STYLE, ":root:not([data-theme=light]) "))
    chosen_dark = "\n".join(pygments_rules(DARK_STYLE, "[data-theme=dark] "))
    return (
        f"{LAYOUT_CSS}\n/* Pygments {LIGHT_STYLE} (light) */\n{light}\n\n"
        f"/* Pygments {DARK_STYLE}: the system is dark and the page theme is not forced light */\n"
        f"@media (prefers-color-scheme: dark) {{\n{system_dark}\n}}\n\n"
        f"/* Pygments {DARK_STYLE}: the page theme is set to dark */\n{chosen_dark}\n"
    )


LAYOUT_CSS = """/* Paste: generated by tools/paste/render.py stylesheet(); tests check it is up to date. */
.paste-meta { color: var(--pico-muted-color); font-size: 0.9rem; }
.paste-body .highlight { overflow-x: auto; border-radius: var(--pico-border-radius); margin-bottom: var(--mt-gap); }
.paste-body .highlight pre { margin: 0; padding: 0.75rem 0; background: transparent; overflow: visible; }
.paste-body .highlight code { display: block; padding: 0; background: transparent;
  font-size: 0.85rem; line-height: 1.45; }
.paste-body .highlight code > span { display: block; padding-right: 0.75rem; white-space: pre; min-height: 1.45em; }
.paste-body .highlight code > span:target { background: rgba(255, 200, 0, 0.25); }
.paste-body .linenos { display: inline-block; min-width: 3.5em; padding: 0 0.75rem 0 0.5rem; text-align: right;
  user-select: none; -webkit-user-select: none; opacity: 0.6; }
.paste-body a:has(> .linenos) { text-decoration: none; color: inherit; }
.paste-markdown { padding: 1rem; border: 1px solid var(--pico-muted-border-color);
  border-radius: var(--pico-border-radius); overflow-wrap: anywhere; }
.paste-markdown pre { white-space: pre-wrap; }
.paste-markdown table { display: block; overflow-x: auto; }
.paste-list td, .paste-list th { overflow-wrap: anywhere; }
.paste-created code { overflow-wrap: anywhere; word-break: break-all; }
.paste-options { display: grid; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); gap: 0 var(--mt-gap); }
"""
