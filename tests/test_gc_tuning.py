"""The collector's tuning lasts while the app serves: startup heap frozen, young threshold raised, both undone."""

from __future__ import annotations

import gc
import shutil

from core.gc_tuning import YOUNG_THRESHOLD
from tests.conftest import make_app


async def test_serving_freezes_the_startup_heap_and_shutdown_undoes_it(tmp_path, sqlite_template):
    path = tmp_path / "mytools.sqlite3"
    shutil.copy(sqlite_template, path)
    app = make_app(f"sqlite:///{path}")
    before = gc.get_threshold()
    assert gc.get_freeze_count() == 0
    async with app.test_app():
        assert gc.get_freeze_count() > 10_000  # the imported app's objects
        assert gc.get_threshold() == (YOUNG_THRESHOLD, *before[1:])
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == before
