"""quart-schema builds a pydantic TypeAdapter (a whole core schema) for every body it validates or dumps.

Building one costs about as much as the rest of a small API request; pydantic's docs say to create an
adapter once and reuse it. This gives quart-schema one adapter per type, built on first use.
"""

from __future__ import annotations

from functools import lru_cache

import quart_schema.conversion
from pydantic import TypeAdapter

CACHE_SIZE = 512  # the API's request and response models, and the few plain types views return


@lru_cache(maxsize=CACHE_SIZE)
def _adapter(type_) -> TypeAdapter:
    return TypeAdapter(type_)


def type_adapter(type_) -> TypeAdapter:
    """The shared TypeAdapter of a type (a fresh one for the rare unhashable type annotation)."""
    try:
        return _adapter(type_)
    except TypeError:  # unhashable, e.g. Annotated[...] with a dict in its metadata
        return TypeAdapter(type_)


def install_type_adapter_cache() -> None:
    quart_schema.conversion.TypeAdapter = type_adapter
