"""Build static/vendor/lucide-static-<version>-sprite.svg: one <symbol id="i-NAME"> per icon the site uses.

The icons used are every tool's `icon` (core/registry.Tool) and core.icons.UI_ICONS. Run it after giving a
tool a new icon or changing ICON_VERSION; it fetches the package with `npm pack` (the npm registry only)
unless --package names an unpacked lucide-static folder, and copies the package's LICENSE beside the sprite:

    .venv/bin/python scripts/icons.py
    .venv/bin/python scripts/icons.py --package /tmp/package
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from core.icons import ICON_PACKAGE, ICON_VERSION, SPRITE, UI_ICONS  # noqa: E402
from core.registry import import_tool_modules, tool_of  # noqa: E402

SVG_BODY = re.compile(r"<svg\b[^>]*>(.*)</svg>", re.S)
LICENSE = SPRITE.removesuffix("-sprite.svg") + ".LICENSE.txt"


def used_icons() -> list[str]:
    """The icon names the site draws, sorted: the tools' and the UI's."""
    return sorted({tool_of(module).icon for module in import_tool_modules()} | set(UI_ICONS))


def symbol(name: str, svg: str) -> str:
    """One icon file's shapes as a <symbol>; stroke and fill come from the .icon CSS class."""
    found = SVG_BODY.search(svg)
    if not found:
        raise SystemExit(f"{name}.svg: no <svg> element")
    shapes = " ".join(line.strip() for line in found.group(1).strip().splitlines())
    return f'<symbol id="i-{name}" viewBox="0 0 24 24">{shapes}</symbol>'


def sprite(package: Path, names: list[str]) -> str:
    missing = [n for n in names if not (package / "icons" / f"{n}.svg").is_file()]
    if missing:
        raise SystemExit(f"not in {ICON_PACKAGE} {ICON_VERSION}: {', '.join(missing)}")
    symbols = "\n".join(symbol(n, (package / "icons" / f"{n}.svg").read_text()) for n in names)
    header = f"<!-- {ICON_PACKAGE} {ICON_VERSION} (ISC: LICENSE beside this file), by scripts/icons.py -->"
    return f'{header}\n<svg xmlns="http://www.w3.org/2000/svg">\n{symbols}\n</svg>\n'


def fetch_package(folder: Path) -> Path:
    """`npm pack` the pinned version into folder and unpack it; returns the package folder."""
    subprocess.run(["npm", "pack", f"{ICON_PACKAGE}@{ICON_VERSION}"], cwd=folder, check=True, capture_output=True)
    with tarfile.open(folder / f"{ICON_PACKAGE}-{ICON_VERSION}.tgz") as archive:
        archive.extractall(folder, filter="data")
    return folder / "package"


def build(package: Path) -> None:
    static = PROJECT_ROOT / "static"
    (static / SPRITE).write_text(sprite(package, used_icons()))
    shutil.copyfile(package / "LICENSE", static / LICENSE)
    print(f"wrote static/{SPRITE} ({len(used_icons())} icons) and static/{LICENSE}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", type=Path, help="an unpacked lucide-static package (default: npm pack it)")
    args = parser.parse_args()
    if args.package:
        build(args.package)
        return
    with tempfile.TemporaryDirectory() as folder:
        build(fetch_package(Path(folder)))


if __name__ == "__main__":
    main()
