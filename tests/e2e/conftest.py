"""End-to-end fixtures: a real Hypercorn server on PostgreSQL, driven by Debian's Chromium."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from serverutil import (
    PG_URL,
    PROJECT_ROOT,
    REQUIRE_PG,
    Server,
    free_port,
    fresh_database,
    python_module,
    server_env,
    wait_for_status,
    with_database,
)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
OWNER, PASSWORD = "owner", "correct horse battery"
AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1.min.js"


def serious_violations(page) -> list[dict]:
    """axe's serious and critical violations on the page as it is (its context must bypass the CSP)."""
    page.add_script_tag(path=str(AXE))
    violations = json.loads(page.evaluate("async () => JSON.stringify(await axe.run(document))"))["violations"]
    return [v for v in violations if v["impact"] in ("serious", "critical")]


@pytest.fixture(scope="session")
def screenshots(request, tmp_path_factory) -> Path:
    """The folder for screenshots: a temporary one, or --screenshots (./scripts/screenshots: docs/screenshots)."""
    chosen = request.config.getoption("--screenshots")
    if not chosen:
        return tmp_path_factory.mktemp("screenshots")
    folder = Path(chosen).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def live_env():
    """The environment of the live server: a fresh PostgreSQL database with one owner (a CLI test runs commands
    on the same database)."""
    with fresh_database() as name:
        env = server_env(
            DATABASE_URL=with_database(PG_URL, name),
            SECRET_KEY="e2e-" + "k" * 40,
            MYTOOLS_AUTO_MIGRATE="true",
            PASTE_ANONYMOUS="false",
        )
        created = subprocess.run(
            [sys.executable, "-m", "quart", "--app", "app", "create-user", OWNER, "--password", PASSWORD],
            cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert created.returncode == 0, created.stderr
        yield env


# Module scope: Playwright's event loop must be gone before the async tests of other modules run.
@pytest.fixture(scope="module")
def live_server(live_env):
    """The site on a free port, one Hypercorn worker, a fresh PostgreSQL database, one owner."""
    port = free_port()
    server = Server([*python_module("hypercorn"), "app:app", "--bind", f"127.0.0.1:{port}"], live_env)
    try:
        base_url = f"http://127.0.0.1:{port}"
        wait_for_status(server, f"{base_url}/healthz", timeout=60)
        yield base_url
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser(live_server):  # after the server: Playwright's loop must not be running during its setup
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing: apt-get install chromium (never download a browser)"
        if REQUIRE_PG:  # CI: every browser test must run
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def log_in(page) -> None:
    page.goto("/login")
    page.fill("#name", OWNER)
    page.fill("#password", PASSWORD)
    page.click("#main form button[type=submit]")
    page.wait_for_url("**/")
