"""Paste to HTML: Pygments with CSS classes and line anchors; Markdown through markdown-it-py and nh3."""

from __future__ import annotations

import ast
import json
import re

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.styles import get_style_by_name
from pygments.util import ClassNotFound

from core.bounded_render import Rendered, render_bounded
from core.executor import WorkLimitExceeded, default_limits, run_bounded
from core.hosts import site_hosts
from core.markdown import render_markdown

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
GUESS_SAMPLE = 10_000  # characters the lexers look at in auto-detection (JSON is checked whole)
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


# Auto-detection names only a language it is sure of: one on the page's list (never Markdown, which would be
# rendered), whose Pygments lexer scores the text at least CONFIDENT (a shebang scores 1.0, an INI section 0.8,
# <!DOCTYPE html> 0.5; a one-line `KEY=value` scores nothing anywhere). Pygments' own guess_lexer picks the best of
# ~600 lexers however low the score, so it calls `KEY=value` scdoc and a Python function a Tera Term macro.
CONFIDENT = 0.3
DETECTABLE = tuple(name for name, _ in COMMON_LANGUAGES if name not in (AUTO, PLAIN, MARKDOWN, "json"))
TOP_LEVEL_LINE = re.compile(r"\n(?=\S)")
PYTHON_STATEMENTS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom)


def is_json_document(text: str) -> bool:
    """A JSON object or array (a bare number or string is just text)."""
    if not text.lstrip().startswith(("{", "[")):
        return False
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        return False
    return True


def top_level_prefix(text: str) -> str:
    """The text up to its last line that starts at column 0: a cut sample that still ends between statements."""
    if len(text) < GUESS_SAMPLE:
        return text
    starts = [match.start() for match in TOP_LEVEL_LINE.finditer(text)]
    return text[: starts[-1]] if starts else text


def is_python_module(text: str) -> bool:
    """Python that compiles and defines or imports something (a lone `a = b` is valid Python and an INI line)."""
    try:
        tree = ast.parse(top_level_prefix(text))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return any(isinstance(node, PYTHON_STATEMENTS) for node in tree.body)


def detect_language(content: str) -> str:
    """The language of the text when it is clear (see CONFIDENT); "text" when it is not."""
    sample = content[:GUESS_SAMPLE]
    if is_json_document(content):  # the whole text: a JSON document cut short is not JSON
        return "json"
    scores = [(get_lexer_by_name(name).analyse_text(sample), name) for name in DETECTABLE]
    score, best = max(scores, key=lambda pair: pair[0])
    if score >= CONFIDENT:
        return best
    return "python" if is_python_module(sample) else PLAIN


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


def shows_markdown(content: str, language: str) -> bool:
    """True when the paste is shown as rendered Markdown rather than highlighted source."""
    return language == MARKDOWN and len(content) <= MARKDOWN_LIMIT


def render_paste(content: str, language: str, own_hosts: frozenset[str] = frozenset()) -> str:
    """The paste as HTML (Markdown rendered without raw HTML, or highlighted source). Unbounded: pages call
    it through core.bounded_render."""
    if shows_markdown(content, language):
        return render_markdown(content, raw_html=False, own_hosts=own_hosts)
    return highlight_code(content, language)


DETECT_SECONDS = 1.0  # auto-detection is a guess: past this, the paste is plain text


async def guess_language(content: str) -> str:
    """Pygments' guess, bounded: some texts make its lexers' analysis slow."""
    limits = default_limits()
    try:
        return await run_bounded(
            detect_language, content, limits=limits.replace(seconds=min(limits.seconds, DETECT_SECONDS))
        )
    except WorkLimitExceeded:
        return PLAIN


async def rendered(paste: dict) -> Rendered:
    """The paste as its page shows it: rendered within the limits, and cached, so a render at creation
    serves its first views."""
    return await render_bounded(render_paste, paste["content"], paste["language"], site_hosts())


def pygments_rules(style: str, scope: str) -> list[str]:
    """The token rules of a Pygments style, under `scope` (its global `pre`/`linenos` rules are left out)."""
    defs = HtmlFormatter(style=get_style_by_name(style)).get_style_defs(".highlight")
    return [f"{scope}{line}" for line in defs.splitlines() if line.startswith(".highlight")]


GENERATED_NOTE = "/* Paste: generated by tools/paste/render.py stylesheet(); tests check it is up to date. */\n"


def stylesheet() -> str:
    """The text of static/css/tools/paste.css: the light theme, the dark theme twice (layout: paste-layout.css)."""
    light = "\n".join([".highlight { color: #1f2328; }", *pygments_rules(LIGHT_STYLE, "")])
    system_dark = "\n".join("  " + rule for rule in pygments_rules(DARK_STYLE, ":root:not([data-theme=light]) "))
    chosen_dark = "\n".join(pygments_rules(DARK_STYLE, "[data-theme=dark] "))
    return (
        f"{GENERATED_NOTE}\n/* Pygments {LIGHT_STYLE} (light) */\n{light}\n\n"
        f"/* Pygments {DARK_STYLE}: the system is dark and the page theme is not forced light */\n"
        f"@media (prefers-color-scheme: dark) {{\n{system_dark}\n}}\n\n"
        f"/* Pygments {DARK_STYLE}: the page theme is set to dark */\n{chosen_dark}\n"
    )
