"""The API docs page, rendered by the app from its own OpenAPI document (no CDN), with a "Try it" form per operation."""

from __future__ import annotations

import json

from quart import Blueprint, abort, current_app, make_response, request
from quart_auth import current_user

from core.api_try import describe_attempt, run_here
from core.operations import api_path, example_body
from core.registry import enabled_tools
from core.render import is_htmx, render_template

bp = Blueprint("apidocs", __name__)

METHODS = ("get", "post", "put", "patch", "delete")
BODY_TYPES = ("application/json", "multipart/form-data", "application/x-www-form-urlencoded", "text/plain")
PLACEHOLDER_URL = "https://example.org/"
EXTENSION_KEY = "mytools.apidocs"


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


def example_value(name: str, schema: dict, spec: dict):
    """A plausible value for one field of a schema that has no example of its own."""
    schema = resolve(schema, spec)
    if "default" in schema or "enum" in schema:
        return schema.get("default", (schema.get("enum") or [None])[0])
    kind = schema.get("type")
    if kind in ("integer", "number"):
        return schema.get("minimum", 1)
    if kind in ("boolean", "array", "object"):
        return {"boolean": False, "array": [], "object": {}}[kind]
    return PLACEHOLDER_URL if schema.get("format") == "uri" or name in ("url", "target") else "example"


def example_from_schema(schema: dict, spec: dict) -> dict:
    """The schema's own first example, else a body with each required field (routes that are not tool
    operations declare no example of their own)."""
    schema = resolve(schema, spec)
    if schema.get("examples"):
        return schema["examples"][0]
    properties = schema.get("properties", {})
    required = [name for name in schema.get("required", ()) if name in properties]
    return {name: example_value(name, properties[name], spec) for name in required}


def tool_operations(app) -> dict[tuple[str, str], tuple]:
    """(METHOD, path) -> (tool, operation) for every operation of the tool contract."""
    found = {}
    for tool in enabled_tools(app):
        for operation in tool.operations:
            methods = ("GET", "POST") if operation.reads_request else ("POST",)
            for method in methods:
                found[(method, api_path(tool.slug, operation))] = (tool, operation)
    return found


def parameters(op: dict, where: str, spec: dict) -> list[dict]:
    rows = []
    for parameter in op.get("parameters", ()):
        if parameter.get("in") != where:
            continue
        schema = resolve(parameter.get("schema", {}), spec)
        example = "" if where == "query" else example_value(parameter["name"], schema, spec)
        description = parameter.get("description") or schema.get("description", "")
        rows.append({"name": parameter["name"], "example": str(example), "description": description})
    return rows


def group_of(path: str) -> str:
    """ "/api/notes/{note_id}" -> "notes": operations are grouped by their first path segment (the tool)."""
    return path.removeprefix("/api/").split("/", 1)[0]


def describe_operation(method: str, path: str, op: dict, spec: dict, contract: dict) -> dict:
    content = op.get("requestBody", {}).get("content", {})
    media = next((m for m in BODY_TYPES if m in content), None)
    schema = content[media].get("schema") if media else None
    tool, operation = contract.get((method.upper(), path), (None, None))
    runs_here = operation is not None and not operation.reads_request
    if tool is not None:
        body = example_body(tool, operation) if media else None
    else:
        body = example_from_schema(schema, spec) if media == "application/json" else None
    return {
        "id": op["operationId"],  # core.openapi gives every route and method one
        "method": method.upper(),
        "path": path,
        "group": group_of(path),
        "summary": op.get("summary", ""),
        "description": op.get("description", ""),
        "fields": describe_fields(schema, spec) if schema else [],
        "media": media,
        "secured": bool(op.get("security")),
        "path_params": parameters(op, "path", spec),
        "query_params": parameters(op, "query", spec),
        "example": None if body is None else json.dumps(body, indent=2, ensure_ascii=False),
        # A JSON body (or none): the page can send it; a file upload is tried on the tool's page.
        "triable": media in (None, "application/json"),
        # A stateless tool operation: the docs run it through the platform, as the API does.
        "runs_here": runs_here,
        "tool": tool,
        "operation": operation,
    }


def operations(spec: dict) -> list[dict]:
    """Every operation of the document, in path order, described for the page and its try forms."""
    contract = tool_operations(current_app)
    ops = []
    for path, item in sorted(spec.get("paths", {}).items()):
        for method in METHODS:
            if method in item:
                ops.append(describe_operation(method, path, item[method], spec, contract))
    return ops


def grouped(ops: list[dict]) -> list[dict]:
    """The table of contents: one group per tool (by title), its operations in path order."""
    titles = {tool.slug: tool.title for tool in enabled_tools(current_app)}
    groups: dict[str, dict] = {}
    for op in ops:
        slug = op["group"]
        title = titles.get(slug) or slug.replace("-", " ").capitalize()
        groups.setdefault(slug, {"slug": slug, "title": title, "anchor": f"/api/{slug}", "ops": []})["ops"].append(op)
    return sorted(groups.values(), key=lambda group: group["title"].lower())


def documented() -> tuple[dict, list[dict]]:
    """The OpenAPI document and its operations, made once per app: quart-schema takes ~0.3 s to build it,
    and the routes do not change after startup."""
    cached = current_app.extensions.get(EXTENSION_KEY)
    if cached is None:
        spec = current_app.extensions["QUART_SCHEMA"].openapi_provider.schema()
        cached = current_app.extensions[EXTENSION_KEY] = (spec, operations(spec))
    return cached


def find_operation(operation_id: str) -> dict | None:
    return next((op for op in documented()[1] if op["id"] == operation_id), None)


@bp.get("/api/")
async def docs():
    spec, ops = documented()
    return await render_template("apidocs.html", spec=spec, groups=grouped(ops))


@bp.post("/api/try/<operation_id>")
async def try_operation(operation_id: str):
    """One operation's "Try it" form: its curl command, and its answer (run here, or sent by the browser)."""
    op = find_operation(operation_id)
    if op is None or not op["triable"]:
        abort(404)
    attempt = describe_attempt(op, await request.form)
    answer, send = None, False
    if not attempt.problem and op["runs_here"]:
        answer = await run_here(op["operation"], attempt.body)
    elif not attempt.problem:
        send = not op["secured"] or await current_user.is_authenticated
    name = "apidocs/_attempt.html" if is_htmx() else "apidocs/try.html"
    page = await render_template(name, op=op, attempt=attempt, answer=answer, send=send)
    response = await make_response(page)
    response.vary.add("HX-Request")
    response.headers["Cache-Control"] = "no-store"  # answers may hold secrets (passwords, tokens)
    response.headers.update(op["operation"].response_headers if op["operation"] else {})
    return response
