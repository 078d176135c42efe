"""Library internals are read in core/patches.py only, and only on the versions its patches were measured on."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from core import patches
from tests.conftest import make_app

ROOT = Path(__file__).resolve().parent.parent
SCANNED = [ROOT / "app.py", *sorted((ROOT / "core").rglob("*.py")), *sorted((ROOT / "tools").rglob("*.py"))]
PATCHES_MODULE = ROOT / "core" / "patches.py"
# `_`-prefixed names that are public by their library's documentation: namedtuple's methods, SQLAlchemy's
# and databases' Row._mapping, werkzeug's LocalProxy._get_current_object, os._exit.
PUBLIC = frozenset({"_replace", "_asdict", "_fields", "_make", "_mapping", "_get_current_object", "_exit"})


def own_names(tree: ast.Module) -> set[str]:
    """`_` names the module defines itself: its functions, classes, attributes it assigns."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            names.add(node.attr)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    return names


def private_reads(source: str, label: str) -> list[str]:
    """Each `x._name` read, `from m import _name` and `import m._name` of another library's internals."""
    tree = ast.parse(source, filename=label)
    own = own_names(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            if node.attr not in own and node.attr not in PUBLIC:
                found.append(f"{label}:{node.lineno} .{node.attr}")
        elif isinstance(node, ast.ImportFrom) and node.module:
            parts = [*node.module.split("."), *(alias.name for alias in node.names)]
            if any(part.startswith("_") and not part.startswith("__") for part in parts):
                found.append(f"{label}:{node.lineno} from {node.module} import …")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if any(part.startswith("_") for part in alias.name.split(".")):
                    found.append(f"{label}:{node.lineno} import {alias.name}")
    return found


def test_no_library_internals_are_read_outside_the_patches_module():
    found = [
        hit
        for path in SCANNED
        if path != PATCHES_MODULE
        for hit in private_reads(path.read_text(), str(path.relative_to(ROOT)))
    ]
    assert found == []


def test_the_scan_finds_what_the_old_prepared_statements_read():
    source = (
        "from databases.backends.common.records import Record\n"
        "from regex._main import _compile_replacement_helper\n"
        "class Fast(Record):\n"
        "    def run(self, compiled):\n"
        "        return compiled._result_columns, self._backend._pool, self.own\n"
        "    def _own(self):\n"
        "        self._cache = 1\n"
        "        return self._own, self._cache, row._mapping\n"
    )
    assert sorted(private_reads(source, "probe.py")) == [
        "probe.py:2 from regex._main import …",
        "probe.py:5 ._backend",
        "probe.py:5 ._pool",
        "probe.py:5 ._result_columns",
    ]


def test_the_patches_name_their_versions_and_match_what_is_installed():
    assert {p.distribution for p in patches.PATCHES} >= {"quart-schema", "flask", "quart-auth"}
    for patch in patches.PATCHES:
        assert patch.gain and patch.version == patches.installed(patch.distribution)
    patches.check_versions()


def test_another_version_refuses_to_start(monkeypatch, tmp_path):
    real = patches.installed
    monkeypatch.setattr(patches, "installed", lambda d: "0.26.0" if d == "quart-schema" else real(d))
    with pytest.raises(
        patches.PatchVersionError, match=r"targets quart-schema 0\.25\.0 \(TypeAdapter cache\), but 0\.26\.0"
    ):
        make_app(f"sqlite:///{tmp_path}/v.sqlite3")
