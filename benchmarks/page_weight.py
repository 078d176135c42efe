"""Page weight: bytes on the wire (gzip) for a page plus every stylesheet, script and icon sprite it links.

Runs the app in-process (Quart's test client, through the same ASGI middleware as Hypercorn) on a
fresh SQLite file, asks like a browser does (Accept-Encoding: gzip, Sec-Fetch-Site: none), and prints
one table per page. Sizes are response bodies as sent (compressed when the server compressed them);
headers are not counted.

    .venv/bin/python benchmarks/page_weight.py                 # / and /tools/hash/
    .venv/bin/python benchmarks/page_weight.py / /tools/json/
"""

from __future__ import annotations

import asyncio
import gzip
import re
import sys
import tempfile
from dataclasses import dataclass
from html import unescape
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from app import create_app  # noqa: E402

BUDGET = 60 * 1024  # bytes, compressed: a page with all its CSS and JS
PAGES = ("/", "/tools/hash/")
BROWSER = {"Accept-Encoding": "gzip, deflate, br", "Sec-Fetch-Site": "none", "Accept": "text/html"}
LINKED = re.compile(r'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src|use href)="([^"#]+)')


@dataclass(frozen=True)
class Transfer:
    url: str
    raw: int  # bytes before compression
    sent: int  # bytes as sent
    encoding: str


async def fetch(client, url: str) -> tuple[Transfer, bytes]:
    response = await client.get(url, headers=BROWSER)
    if response.status_code != 200:
        raise RuntimeError(f"{url}: HTTP {response.status_code}")
    # The test client hands back the body as the server sent it (compressed when gzipped).
    sent = await response.get_data()
    encoding = response.headers.get("Content-Encoding", "identity")
    raw = gzip.decompress(sent) if encoding == "gzip" else sent
    return Transfer(url, len(raw), len(sent), encoding), raw


async def page_weight(client, path: str) -> list[Transfer]:
    """The page and each CSS/JS/SVG file it links (once each), in document order."""
    page, html = await fetch(client, path)
    transfers = [page]
    for url in dict.fromkeys(unescape(u) for u in LINKED.findall(html.decode())):
        transfers.append((await fetch(client, url))[0])
    return transfers


def table(path: str, transfers: list[Transfer]) -> str:
    lines = [f"{path}", f"  {'resource':<58} {'raw':>9} {'sent':>9}  encoding"]
    for t in transfers:
        lines.append(f"  {t.url:<58} {t.raw:>9,} {t.sent:>9,}  {t.encoding}")
    raw, sent = sum(t.raw for t in transfers), sum(t.sent for t in transfers)
    verdict = "within" if sent < BUDGET else "OVER"
    lines.append(f"  {'total':<58} {raw:>9,} {sent:>9,}  ({verdict} the {BUDGET // 1024} KB budget)")
    return "\n".join(lines)


async def main(paths: list[str]) -> int:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "DATABASE_URL": f"sqlite:///{folder}/weight.sqlite3",
                "SECRET_KEY": "page-weight-" + "x" * 32,
                "MYTOOLS_AUTO_MIGRATE": "true",
                "LOG_LEVEL": "WARNING",
            }
        )
        over = 0
        async with app.test_app() as test_app:
            client = test_app.test_client()
            for path in paths:
                transfers = await page_weight(client, path)
                print(table(path, transfers), end="\n\n")
                over += sum(t.sent for t in transfers) >= BUDGET
        return 1 if over else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:] or list(PAGES))))
