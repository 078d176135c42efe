"""Every stateful tool has the same shape (file names, what imports what), every table has its migration, and
the README's stateful example (notes) is the real code."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine

from core.config import PROJECT_ROOT, load_database_settings
from core.db import metadata, sqlalchemy_url
from core.registry import import_tool_modules

TOOLS = PROJECT_ROOT / "tools"
README = PROJECT_ROOT / "README.md"
ROUTE_MODULES = {"views", "api"}
FIXED = {"__init__.py", "models.py", "store.py", "views.py", "api.py"}
# Files beyond the fixed names, each one idea of its own; a new one is a decision, so it is listed here.
EXTRAS = {
    "links": {"rules.py", "images.py"},  # short-link rules as pure functions; the SVG chart and QR code
    "paste": {"render.py"},  # highlighting and Markdown, run in the bounded executor
    "hooks": {"answers.py", "display.py"},  # what a capture URL may answer; how a captured request is shown
    "recipes": {"builder.py"},  # the builder's plain form as a recipe and back (add, remove, move, share code)
}
# What each fixed module must not import: pages and API share through models.py, never through each other.
FORBIDDEN_IMPORTS = {
    "models": {"store", "views", "api", "cli"},
    "store": {"views", "api", "cli"},
    "api": {"views", "cli"},
    "views": {"api", "cli"},
    "cli": {"views", "api"},
}

import_tool_modules()


def declared_tables() -> dict[str, str]:
    """table name -> the module whose global it is, for every table on core.db.metadata."""
    found = {}
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] not in {"core", "tools"}:
            continue
        for value in vars(module).values():
            if isinstance(value, sa.Table) and value.metadata is metadata:
                found.setdefault(value.name, name)
    return found


def stateful_tools() -> set[str]:
    """Tools that declare a table: their slug (the package under tools/)."""
    return {module.split(".")[1] for module in declared_tables().values() if module.startswith("tools.")}


def package_imports(path: Path, slug: str) -> set[str]:
    """The modules of tools/<slug>/ that a file imports (`from tools.<slug> import x` counts as x)."""
    imported = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module == f"tools.{slug}":
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(f"tools.{slug}."):
            imported.add(node.module.split(".")[2])
        elif isinstance(node, ast.Import):
            imported.update(a.name.split(".")[2] for a in node.names if a.name.startswith(f"tools.{slug}."))
    return imported


def test_the_four_stateful_tools_are_found():
    assert stateful_tools() >= {"links", "paste", "hooks", "notes"}


def test_every_table_of_a_tool_is_declared_in_its_store_module():
    for table, module in declared_tables().items():
        if module.startswith("tools."):
            assert module.endswith(".store"), f"table {table} is declared in {module}, not in its store.py"
    assert set(declared_tables()) == set(metadata.tables)


@pytest.mark.parametrize("slug", sorted(stateful_tools()))
def test_stateful_tool_has_the_fixed_file_names(slug):
    package = TOOLS / slug
    assert package.is_dir(), f"{slug} is a single module: a stateful tool is a package"
    files = {path.name for path in package.glob("*.py")}
    assert FIXED <= files, f"{slug} lacks {sorted(FIXED - files)}"
    assert files - FIXED - {"cli.py"} == EXTRAS.get(slug, set())
    commands = sys.modules[f"tools.{slug}"].bp.cli.commands
    assert ("cli.py" in files) == bool(commands), f"{slug}: commands belong in cli.py, and cli.py holds commands"


@pytest.mark.parametrize("slug", sorted(stateful_tools()))
def test_init_holds_tool_and_blueprint_and_imports_the_routes_last(slug):
    tree = ast.parse((TOOLS / slug / "__init__.py").read_text())
    assigned = {target.id for node in tree.body if isinstance(node, ast.Assign) for target in node.targets}
    assert {"TOOL", "bp"} <= assigned
    last = tree.body[-1]
    assert isinstance(last, ast.ImportFrom) and last.module == f"tools.{slug}"
    routes = ROUTE_MODULES | ({"cli"} if (TOOLS / slug / "cli.py").exists() else set())
    assert {alias.name for alias in last.names} == routes
    defined = {node.name for node in tree.body if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)}
    assert not defined, f"{slug}/__init__.py defines {sorted(defined)}: helpers go to models.py or store.py"


@pytest.mark.parametrize("slug", sorted(stateful_tools()))
def test_api_and_pages_share_only_through_models_and_store(slug):
    for module, forbidden in FORBIDDEN_IMPORTS.items():
        path = TOOLS / slug / f"{module}.py"
        if path.exists():
            wrong = package_imports(path, slug) & forbidden
            assert not wrong, f"tools/{slug}/{module}.py imports {sorted(wrong)}"


def test_the_import_check_sees_an_api_importing_the_views(tmp_path):
    path = tmp_path / "api.py"
    path.write_text("from tools.paste.views import paste_links\nfrom tools.paste import bp, views\n")
    assert package_imports(path, "paste") == {"views", "bp"}


# SQLite cannot reflect the expression index on lower(users.name); alembic says so and leaves it out.
@pytest.mark.filterwarnings("ignore:.*expression-based index")
async def test_every_table_has_its_migration(database_url):
    """The migrated database (of each kind) has exactly the tables, columns and indexes the tools declare."""
    engine = create_async_engine(sqlalchemy_url(load_database_settings({"DATABASE_URL": database_url})))
    try:
        async with engine.connect() as connection:
            differences = await connection.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync, opts={"compare_type": True}), metadata)
            )
    finally:
        await engine.dispose()
    assert differences == []


# --- the README's stateful example -----------------------------------------------------------

STATEFUL_SECTION = re.compile(r"### A tool that stores data\n(.*?)\n## ", re.S)
FILE_ROW = re.compile(r"^\| `(\w+\.py)` \| (\d+) \|", re.M)
SNIPPET = re.compile(r"From `([\w/.]+)`:\n\n```python\n(.*?)```", re.S)


def readme_section() -> str:
    section = STATEFUL_SECTION.search(README.read_text())
    assert section is not None, "README has no '### A tool that stores data' section"
    return section.group(1)


def test_readme_lists_every_notes_file_with_its_line_count():
    rows = dict(FILE_ROW.findall(readme_section()))
    actual = {path.name: str(len(path.read_text().splitlines())) for path in (TOOLS / "notes").glob("*.py")}
    assert rows == actual


def test_readme_snippets_are_the_real_code():
    snippets = SNIPPET.findall(readme_section())
    assert {path for path, _ in snippets} >= {
        "tools/notes/__init__.py",
        "tools/notes/store.py",
        "tools/notes/api.py",
        "migrations/versions/0001_users_api_tokens_notes.py",
    }
    for path, code in snippets:
        assert code in (PROJECT_ROOT / path).read_text(), f"the README's snippet of {path} is not in the file"
    init = dict(snippets)["tools/notes/__init__.py"]
    assert init == (TOOLS / "notes" / "__init__.py").read_text(), "__init__.py is shown whole"
