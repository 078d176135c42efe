"""Icons: one SVG sprite holding the Lucide icons this site uses, drawn with <svg><use href="…#i-name">.

scripts/icons.py builds the sprite from the lucide-static npm package: every tool's `icon` plus UI_ICONS.
"""

from __future__ import annotations

from markupsafe import Markup
from quart import current_app, request

from core.static import static_url

ICON_PACKAGE, ICON_VERSION = "lucide-static", "1.62.0"
SPRITE = f"vendor/{ICON_PACKAGE}-{ICON_VERSION}-sprite.svg"
DEFAULT_ICON = "wrench"  # a tool that names no icon of its own
UI_ICONS = ("search", "menu", DEFAULT_ICON)  # the header's palette button and account menu
ICONS_KEY = "mytools.icons"
ICON_MARKUP = Markup('<svg class="icon" aria-hidden="true" focusable="false"><use href="{}#i-{}"></use></svg>')


def sprite_url() -> str:
    """The sprite's versioned URL (the palette's script draws its icons from it too)."""
    return static_url(SPRITE)


def icon(name: str) -> Markup:
    """Template helper: a decorative icon (hidden from screen readers; the text beside it says what it is).

    Built once per name (and root path) per app: a page draws dozens, and formatting one costs more than the
    lookup. Names come from templates and the registry, never from a request, so the cache stays small.
    """
    cache: dict = current_app.extensions.setdefault(ICONS_KEY, {})
    key = (request.root_path, name)
    markup = cache.get(key)
    if markup is None:
        markup = cache[key] = ICON_MARKUP.format(sprite_url(), name)
    return markup
