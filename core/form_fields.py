"""A tool's form, described from its input model: what the generic page template draws."""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

LONG_TEXT = 200  # a str field allowed more characters than this is a text area


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    kind: str  # "textarea", "text", "number", "select", "checkbox", "checkboxes"
    help: str = ""
    choices: tuple[str, ...] = ()
    default: Any = None
    required: bool = False


def _plain(annotation) -> tuple[Any, bool]:
    """(the annotation without None, whether it was optional)."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return (args[0] if len(args) == 1 else annotation), True
    return annotation, False


def _max_length(info) -> int | None:
    return next((m.max_length for m in info.metadata if getattr(m, "max_length", None) is not None), None)


def _kind(annotation, info) -> tuple[str, tuple[str, ...]]:
    origin = typing.get_origin(annotation)
    if origin is Literal:
        return "select", tuple(str(a) for a in typing.get_args(annotation))
    if origin in (list, tuple, set, frozenset):
        (item,) = typing.get_args(annotation)[:1] or (str,)
        if typing.get_origin(item) is Literal:
            return "checkboxes", tuple(str(a) for a in typing.get_args(item))
        return "textarea", ()
    if annotation is bool:
        return "checkbox", ()
    if annotation in (int, float):
        return "number", ()
    limit = _max_length(info)
    return ("text" if limit is not None and limit <= LONG_TEXT else "textarea"), ()


@cache
def form_fields(model: type[BaseModel]) -> tuple[FormField, ...]:
    """One FormField per field of the model, in order."""
    fields = []
    for name, info in model.model_fields.items():
        annotation, _ = _plain(info.annotation)
        kind, choices = _kind(annotation, info)
        default = None if info.default is PydanticUndefined else info.default
        label = info.title or name.replace("_", " ").capitalize()
        fields.append(FormField(name, label, kind, info.description or "", choices, default, info.is_required()))
    return tuple(fields)
