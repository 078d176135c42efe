"""The OpenAPI document: the JSON API routes only, each with an operationId unique by its path."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from quart_schema import OpenAPIProvider
from werkzeug.routing import BaseConverter, Rule

from core.forms import MAX_DB_INTEGER
from core.urls import KeyConverter, RowIdConverter

EXCLUDED_ENDPOINTS = {"openapi", "apidocs.docs", "apidocs.try_operation"}


class ApiOnlyProvider(OpenAPIProvider):
    def generate_rules(self) -> Iterable[Rule]:
        for rule in super().generate_rules():
            if rule.rule.startswith("/api/") and rule.endpoint not in EXCLUDED_ENDPOINTS:
                yield rule

    def operation_id(self, method: str, path: str, func: Callable) -> str | None:
        # "POST /api/notes/{note_id}" -> "post_notes_note_id": one name per route and method.
        words = re.findall(r"[a-zA-Z0-9]+", path.removeprefix("/api/"))
        return "_".join([method.lower(), *words])

    def build_path_parameter(self, name: str, converter: BaseConverter) -> dict:
        """Document what the path converters accept, so clients (and schemathesis) know the bounds."""
        parameter = super().build_path_parameter(name, converter)
        if isinstance(converter, RowIdConverter):
            parameter["schema"] |= {"minimum": 1, "maximum": MAX_DB_INTEGER}
        elif isinstance(converter, KeyConverter):
            parameter["schema"] |= {"pattern": f"^{converter.regex}$"}
        return parameter
