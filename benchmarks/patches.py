"""The gain of each patch in core/patches.py, measured with it and without it (CPU µs per call).

.venv/bin/python -m benchmarks.patches
"""

from __future__ import annotations

import asyncio
import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pydantic import TypeAdapter  # noqa: E402

from core import patches  # noqa: E402

ROUNDS = 2000


def per_call(function, number: int = ROUNDS) -> float:
    """The best of five runs, in µs per call."""
    return min(timeit.repeat(function, number=number, repeat=5)) / number * 1e6


def type_adapter_cache() -> tuple[float, float]:
    """One API call's adapters: its request model and a plain response type (pydantic caches a model's own
    schema, so the model costs little; a plain type's schema is built at each TypeAdapter)."""
    from tools.hash.models import HashInput  # noqa: PLC0415 - a real request model of the API

    def uncached() -> None:
        TypeAdapter(HashInput), TypeAdapter(dict[str, str])

    def cached() -> None:
        patches.type_adapter(HashInput), patches.type_adapter(dict[str, str])

    return per_call(uncached, 200), per_call(cached)


def sync_context(auth):
    """quart-auth's own, sync, template context processor."""
    return lambda: {"current_user": auth.load_user()}


def context_processors() -> tuple[float, float]:
    """One render's context processors on a tool page, before and after both template-context patches."""
    from app import create_app  # noqa: PLC0415

    results = []
    for patched in (False, True):
        app = create_app({"DATABASE_URL": "sqlite:///:memory:"})
        if not patched:  # undo both: Flask's no-op per blueprint, quart-auth's sync processor
            from flask.templating import _default_template_ctx_processor  # noqa: PLC0415

            for name, processors in app.template_context_processors.items():
                if name is not None:
                    processors.insert(0, _default_template_ctx_processor)
            auth = app.extensions["QUART_AUTH"][0]
            processors = app.template_context_processors[None]
            processors[processors.index(auth._template_context)] = sync_context(auth)

        async def render_context(app=app) -> float:
            async with app.test_request_context("/tools/json/"):
                loop = asyncio.get_running_loop()
                start = loop.time()
                for _ in range(ROUNDS):
                    await app.update_template_context({})
                return (loop.time() - start) / ROUNDS * 1e6

        results.append(asyncio.run(render_context()))
    return results[0], results[1]


def main() -> None:
    measures = (("quart-schema TypeAdapter cache", type_adapter_cache), ("template context", context_processors))
    for name, measure in measures:
        before, after = measure()
        print(f"{name}: {before:.1f} µs -> {after:.1f} µs per call")


if __name__ == "__main__":
    main()
