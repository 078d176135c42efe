"""Tool icons: every tool names one, the committed sprite holds exactly the icons used, pages draw them."""

from __future__ import annotations

import re

from core.config import PROJECT_ROOT
from core.icons import DEFAULT_ICON, SPRITE, UI_ICONS
from core.registry import Tool, enabled_tools, import_tool_modules, tool_of
from core.search import index_entry
from scripts.icons import LICENSE, symbol, used_icons

STATIC = PROJECT_ROOT / "static"


def sprite_symbols() -> list[str]:
    return re.findall(r'<symbol id="i-([a-z0-9-]+)" viewBox="0 0 24 24">', (STATIC / SPRITE).read_text())


def test_every_tool_has_its_own_icon():
    tools = [tool_of(module) for module in import_tool_modules()]
    icons = [tool.icon for tool in tools]
    assert DEFAULT_ICON not in icons  # each tool chose one that fits
    assert len(set(icons)) == len(icons), "two tools share an icon"
    assert Tool("x", "X", "Y").icon == DEFAULT_ICON


def test_the_sprite_holds_exactly_the_icons_used_with_the_license_beside_it():
    # A tool given a new icon without running scripts/icons.py fails here.
    assert sprite_symbols() == used_icons()
    assert set(UI_ICONS) <= set(sprite_symbols())
    assert "ISC License" in (STATIC / LICENSE).read_text()


def test_a_symbol_keeps_the_shapes_and_drops_the_svg_attributes():
    svg = '<!-- c -->\n<svg\n  class="lucide"\n>\n  <path d="M4 9h16" />\n  <circle r="1" />\n</svg>'
    assert symbol("x", svg) == '<symbol id="i-x" viewBox="0 0 24 24"><path d="M4 9h16" /> <circle r="1" /></symbol>'


def test_the_palette_index_names_each_tools_icon():
    tool = Tool("hash", "Hash", "Crypto", summary="Hash text.", icon="hash")
    assert index_entry(tool)["icon"] == "hash"


async def test_home_cards_and_tool_pages_draw_the_icons_from_the_sprite(tool_client):
    home = await (await tool_client.get("/")).get_data(as_text=True)
    page = await (await tool_client.get("/tools/hash/")).get_data(as_text=True)
    sprite = re.search(r'<use href="(/static/vendor/lucide-static-[0-9.]+-sprite\.svg\?v=[0-9a-f]{10})#i-hash"', page)
    assert sprite, "the hash page draws its icon from the versioned sprite"
    for tool in enabled_tools(tool_client.app):
        assert f'<use href="{sprite.group(1)}#i-{tool.icon}"></use></svg><a href="{tool.page_url}">' in home, tool.slug
    # The sidebar: every tool, the current one marked.
    assert '<a href="/tools/hash/" aria-current="page"><svg class="icon"' in page
    assert page.count('aria-current="page"') == 1
    served = await tool_client.get(sprite.group(1))
    assert served.status_code == 200 and served.mimetype == "image/svg+xml"
