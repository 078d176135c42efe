"""The API docs page, rendered by the app from its own OpenAPI document (no CDN)."""

from __future__ import annotations

from quart import Blueprint, current_app

from core.render import render_template

bp = Blueprint("apidocs", __name__)

METHODS = ("get", "post", "put", "patch", "delete")
BODY_TYPES = ("application/json", "multipart/form-data", "application/x-www-form-urlencoded", "text/plain")


def resolve(schema: dict, spec: dict) -> dict:
    ref = schema.get("$ref")
    if not ref:
        return schema
    node = spec
    for part in ref.lstrip("#/").split("/"):
        node = node[part]
    return node


def describe_fields(schema: dict, spec: dict) -> list[dict]:
    """Field rows (name, type, required, description) of a request body schema."""
    schema = resolve(schema, spec)
    required = set(schema.get("required", ()))
    rows = []
    for name, prop in schema.get("properties", {}).items():
        prop = resolve(prop, spec)
        kind = prop.get("type") or " | ".join(resolve(p, spec).get("type", "object") for p in prop.get("anyOf", []))
        if prop.get("type") == "array":
            kind = f"array of {resolve(prop.get('items', {}), spec).get('type', 'object')}"
        if "enum" in prop:
            kind = " | ".join(map(str, prop["enum"]))
        rows.append(
            {
                "name": name,
                "type": kind,
                "required": name in required,
                "default": prop.get("default"),
                "description": prop.get("description", ""),
            }
        )
    return rows


def operations(spec: dict) -> list[dict]:
    ops = []
    for path, item in sorted(spec.get("paths", {}).items()):
        for method in METHODS:
            if method not in item:
                continue
            op = item[method]
            content = op.get("requestBody", {}).get("content", {})
            media = next((m for m in BODY_TYPES if m in content), None)
            body = content[media].get("schema") if media else None
            ops.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "fields": describe_fields(body, spec) if body else [],
                    "secured": bool(op.get("security")),
                }
            )
    return ops


@bp.get("/api/")
async def docs():
    spec = current_app.extensions["QUART_SCHEMA"].openapi_provider.schema()
    return await render_template("apidocs.html", spec=spec, operations=operations(spec))
