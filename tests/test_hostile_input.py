"""Hostile input on every API operation: never a 5xx, a JSON error for every 4xx, and the app keeps answering.

The operations come from the app's own OpenAPI document, so a new tool is covered without a change here.
Each operation gets fixed adversarial cases (unreadable and non-object bodies, deep nesting, NaN written
literally, wrong types, values at and past each field's limits, NUL bytes, lone surrogates) and then
bodies that hypothesis generates from the operation's schema. Owner-only operations (notes, links,
paste, hooks, favorites) run with the owner's token on both databases. The last net in core.errors (a
value the database refuses becomes a 422) is off here: every tool must refuse such values itself.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

import pytest
import pytest_asyncio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import core.errors
from core.auth import create_token, create_user
from tests.conftest import make_app, truncate_all

pytestmark = pytest.mark.slow  # a sweep of every operation with hostile and generated input

GENERATED_EXAMPLES = 20  # per stateless operation
GENERATED_OWNER_EXAMPLES = 10  # per owner operation and database
DEPTH = 10_000
NO_CAP = 1_000_001  # the length tried for a string field that declares no maxLength
SHA256_ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"  # FIPS 180-2, "abc"

NASTY_STRINGS = (
    "",
    " ",
    "\x00",
    "a\x00b",
    "\ud800",
    "\udfff\ud800",
    "a\ud83dz",
    "\r\nX-Injected: 1",
    "\u202e\ufeff\u200b",
    "'; DROP TABLE notes; --",
    "%_\\",
    "<script>alert(1)</script>",
    "{{7*7}}",
    "../../etc/passwd",
    "１２３",
    "٣",
    "𝟘x10",
    "0" * 5000,
    "9" * 5000,
    "-" * 5000,
    "[" * DEPTH + "]" * DEPTH,
    '{"a":' * DEPTH + "1" + "}" * DEPTH,
    "(" * DEPTH + ")" * DEPTH,
    ">" * DEPTH + " x",
    "- " * DEPTH + "x",
    "<a>" * DEPTH + "</a>" * DEPTH,
    "a: " * 2000 + "b",
    "&" * 5000,
)
NASTY_NUMBERS = (0, -1, 1, 2**31, 2**53 + 1, 2**63, -(2**63) - 1, 2**64, 10**400, 1e308, -1e308, 1.5, 1e-320)
NASTY_VALUES = (None, True, False, [], {}, ["x"], {"a": 1}, [None], [[[]]], "x", *NASTY_NUMBERS)
# Characters hypothesis may put in strings: anything, plus the ones that break encoders and databases.
ALPHABET = st.one_of(
    st.characters(),
    st.sampled_from(["\x00", "\ud800", "\udfff", "\r", "\n", "'", '"', "\\", "%", "_", "<", ">", "&", "{", "}"]),
)


@dataclass
class Operation:
    method: str
    path: str
    body: dict | None  # the JSON request body's schema, $refs resolved
    content_type: str | None
    params: list[dict] = field(default_factory=list)
    owner: bool = False

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def fields(self) -> dict:
        return (self.body or {}).get("properties", {})


def resolve(schema, components: dict, depth: int = 0):
    """The schema with every local $ref replaced by what it points to."""
    if depth > 20:
        return {}
    if isinstance(schema, list):
        return [resolve(item, components, depth) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        return resolve(components[schema["$ref"].rsplit("/", 1)[1]], components, depth + 1)
    return {key: resolve(value, components, depth) for key, value in schema.items()}


def load_operations() -> list[Operation]:
    """Every operation under /api/ in the app's OpenAPI document."""

    async def fetch():
        application = make_app("sqlite:///unused-by-the-openapi-route.sqlite3")
        return await (await application.test_client().get("/api/openapi.json")).get_json()

    spec = asyncio.run(fetch())
    components = spec.get("components", {}).get("schemas", {})
    operations = []
    for path, methods in spec["paths"].items():
        if not path.startswith("/api/"):
            continue
        for method, op in methods.items():
            content = op.get("requestBody", {}).get("content", {})
            content_type = next(iter(content), None)
            body = resolve(content[content_type]["schema"], components) if content_type else None
            owner = any("bearer" in scheme for scheme in op.get("security") or [])
            params = resolve(op.get("parameters", []), components)
            operations.append(Operation(method.upper(), path, body, content_type, params, owner))
    return operations


OPERATIONS = load_operations()
STATELESS = [op for op in OPERATIONS if not op.owner]
OWNER = [op for op in OPERATIONS if op.owner]
JSON_HEADERS = {"Content-Type": "application/json"}


# --- values from a schema ---------------------------------------------------------------------------------


def baseline_value(schema: dict):
    """A plain value the schema accepts (the tool may still refuse it): the rest of the body stays sane."""
    if "default" in schema:
        return schema["default"]
    if "enum" in schema:
        return schema["enum"][0]
    if "anyOf" in schema:
        return baseline_value(schema["anyOf"][0])
    kind = schema.get("type")
    if kind == "integer" or kind == "number":
        return schema.get("minimum", 1)
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    if kind == "object":
        return baseline_body(schema)
    if schema.get("format") == "date-time":
        return "2030-01-01T00:00:00Z"
    return "https://example.com/a"


def baseline_body(schema: dict | None) -> dict:
    schema = schema or {}
    return {name: baseline_value(schema["properties"][name]) for name in schema.get("required", [])}


def caps(schema: dict) -> list[int]:
    """The maxLength of a string schema (of each string branch of an anyOf)."""
    branches = schema.get("anyOf", [schema])
    return [branch["maxLength"] for branch in branches if branch.get("type") == "string" and "maxLength" in branch]


def is_string(schema: dict) -> bool:
    return any(branch.get("type") == "string" for branch in schema.get("anyOf", [schema]))


def limits(schema: dict) -> list:
    """Numbers at and just past the bounds of an integer or number schema."""
    values = []
    for branch in schema.get("anyOf", [schema]):
        for key, step in (("minimum", -1), ("maximum", 1), ("exclusiveMinimum", 0), ("exclusiveMaximum", 0)):
            if key in branch:
                values += [branch[key], branch[key] + step]
    return values


def field_values(schema: dict) -> list:
    """Fixed hostile values for one field."""
    values = [*NASTY_VALUES, *limits(schema)]
    if is_string(schema):
        values += NASTY_STRINGS
        for cap in caps(schema) or [NO_CAP - 1]:
            values += ["x" * cap, "x" * (cap + 1), "\x00" * min(cap, 100_000), "é" * cap]
    return values


def value_strategy(schema: dict, depth: int = 0) -> st.SearchStrategy:
    """Values shaped by a JSON schema, leaning on its edges; not always valid, on purpose."""
    if "enum" in schema:
        return st.one_of(st.sampled_from(schema["enum"]), st.text(ALPHABET, max_size=10))
    if "anyOf" in schema or "oneOf" in schema:
        return st.one_of([value_strategy(branch, depth) for branch in schema.get("anyOf", schema.get("oneOf"))])
    kind = schema.get("type")
    if kind == "string":
        return string_strategy(schema)
    if kind == "integer":
        low, high = schema.get("minimum"), schema.get("maximum")
        edges = st.sampled_from([*limits(schema), 0, -1, 2**63, -(2**63) - 1]) if limits(schema) else st.nothing()
        return st.one_of(st.integers(min_value=low, max_value=high), edges, st.integers())
    if kind == "number":
        return st.floats(allow_nan=True, allow_infinity=True)
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    if kind == "array" and depth < 3:
        items = value_strategy(schema.get("items", {}), depth + 1)
        return st.lists(items, max_size=min(schema.get("maxItems", 5) + 1, 6))
    if kind == "object" and depth < 3:
        return object_strategy(schema, depth + 1)
    return any_json()


def string_strategy(schema: dict) -> st.SearchStrategy:
    low, cap = schema.get("minLength", 0), schema.get("maxLength")
    options = [
        st.text(ALPHABET, min_size=low, max_size=min(cap or 300, 300)),
        st.sampled_from(NASTY_STRINGS),
    ]
    if "pattern" in schema:
        options.append(st.from_regex(schema["pattern"], fullmatch=True).filter(lambda s: len(s) <= (cap or 300)))
    if schema.get("format") == "date-time":
        options.append(st.datetimes().map(lambda moment: moment.isoformat()))
    if cap and cap <= 20_000:  # longer ones are in the fixed cases: generating many would be slow
        options.append(st.builds(lambda char, extra: char * (cap + extra), ALPHABET, st.sampled_from([0, 1])))
    return st.one_of(options)


def any_json() -> st.SearchStrategy:
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(),
        st.text(ALPHABET, max_size=20),
        st.sampled_from(NASTY_NUMBERS),
    )
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
        max_leaves=8,
    )


def object_strategy(schema: dict, depth: int = 0) -> st.SearchStrategy:
    properties = schema.get("properties", {})
    required = set(schema.get("required", []))
    return st.fixed_dictionaries(
        {name: value_strategy(properties[name], depth) for name in properties if name in required},
        optional={name: value_strategy(properties[name], depth) for name in properties if name not in required},
    )


@st.composite
def body_strategy(draw, op: Operation):
    """A request body: shaped by the schema, then maybe broken (a wrong type, a missing or an extra field)."""
    body = draw(object_strategy(op.body or {}))
    names = sorted(op.fields)
    mutation = draw(st.sampled_from(["none", "wrong type", "drop", "extra", "not an object"]))
    if mutation == "wrong type" and names:
        body[draw(st.sampled_from(names))] = draw(any_json())
    elif mutation == "drop" and body:
        body.pop(draw(st.sampled_from(sorted(body))))
    elif mutation == "extra":
        body[draw(st.text(ALPHABET, min_size=1, max_size=10))] = draw(any_json())
    elif mutation == "not an object":
        return draw(any_json())
    return body


# --- fixed cases --------------------------------------------------------------------------------------------


def dumps(value) -> bytes:
    # allow_nan writes NaN and Infinity literally, as a careless client would; \ud800 stays an escape.
    return json.dumps(value, allow_nan=True).encode()


def raw_bodies(op: Operation) -> list[tuple[str, bytes, dict]]:
    """Bodies that are not a JSON object, or not JSON at all."""
    nested = baseline_body(op.body)
    cases = [
        ("empty body", b"", JSON_HEADERS),
        ("no content type", dumps(nested), {}),
        ("form content type", b"input=x", {"Content-Type": "application/x-www-form-urlencoded"}),
        ("invalid UTF-8", b'{"input": "\xff\xfe\xc3\x28"}', JSON_HEADERS),
        ("only invalid UTF-8", b"\xff" * 100, JSON_HEADERS),
        ("UTF-8 surrogate bytes", b'{"input": "\xed\xa0\x80"}', JSON_HEADERS),
        ("UTF-16 body", json.dumps(nested).encode("utf-16"), JSON_HEADERS),
        ("truncated JSON", dumps(nested)[:-1], JSON_HEADERS),
        ("NUL bytes", b"\x00" * 100, JSON_HEADERS),
        ("deep array", b"[" * DEPTH + b"]" * DEPTH, JSON_HEADERS),
        ("deep object", b'{"a":' * DEPTH + b"1" + b"}" * DEPTH, JSON_HEADERS),
        ("huge number", b"9" * 5000, JSON_HEADERS),
        ("literal NaN", b"NaN", JSON_HEADERS),
        ("duplicate keys", b'{"a": 1, "a": 2}', JSON_HEADERS),
    ]
    for value in (None, [], [nested], "string", 1, True, -(2**63)):
        cases.append((f"non-object {value!r}", dumps(value), JSON_HEADERS))
    for name in op.fields:
        deep = "[" * DEPTH + "]" * DEPTH
        cases.append((f"{name}: deep array", b'{"%s": %s}' % (name.encode(), deep.encode()), JSON_HEADERS))
        for literal in (b"NaN", b"Infinity", b"-Infinity", b"1e999", b"-0", b"0.0000001e-400"):
            raw = dumps({**nested, name: "PLACEHOLDER"}).replace(b'"PLACEHOLDER"', literal)
            cases.append((f"{name}: {literal.decode()}", raw, JSON_HEADERS))
    return cases


def json_bodies(op: Operation) -> list[tuple[str, object]]:
    """JSON objects with one field made hostile at a time; the others keep a plain value."""
    base = baseline_body(op.body)
    cases = [("baseline", base), ("no fields", {}), ("extra fields", {**base, "zzz": 1, "__proto__": {"x": 1}})]
    for name in op.body.get("required", []) if op.body else []:
        cases.append((f"without {name}", {k: v for k, v in base.items() if k != name}))
    for name, schema in op.fields.items():
        for value in field_values(schema):
            cases.append((f"{name}={str(value)[:30]!r}", {**base, name: value}))
    return cases


# For path and query parameters: ids past every integer type, NUL, a lone surrogate (sent as %ED%A0%80), ...
PARAM_VALUES = ("0", "-1", "1", str(2**31), str(2**63), "9" * 40, "1e308", "NaN", "x" * 2000, "\x00", "a\x00b")
PARAM_VALUES += ("\ud800", "'; DROP TABLE notes; --", "%", "_", "\\", "\r\nX: 1", "..", "<script>alert(1)</script>")


# --- running requests ---------------------------------------------------------------------------------------


def url_quote(text: str) -> str:
    """Percent-encoded as a client would send it: a lone surrogate becomes the invalid UTF-8 %ED%A0%80."""
    return quote(text, safe="", errors="surrogatepass")


@dataclass
class Caller:
    client: object
    token: str | None = None
    path_values: dict[str, str] = field(default_factory=dict)  # {note_id} etc.: of an object that exists

    def headers(self, extra: dict | None = None) -> dict:
        headers = dict(extra or {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    async def send(self, op: Operation, label: str, *, path=None, query=None, **kwargs):
        kwargs["headers"] = self.headers(kwargs.get("headers"))
        path = path or self.path_for(op)
        if query:
            path += "?" + urlencode(query, quote_via=lambda text, *_: url_quote(text))
        response = await self.client.open(path, method=op.method, **kwargs)
        await check(response, op, label)
        return response

    def path_for(self, op: Operation, override: dict | None = None) -> str:
        path = op.path
        for param in op.params:
            if param["in"] == "path":
                name = param["name"]
                value = (override or {}).get(name, self.path_values.get(name, "1"))
                path = path.replace("{" + name + "}", url_quote(value))
        return path


async def check(response, op: Operation, label: str) -> None:
    where = f"{op.id} [{label}]"
    assert response.status_code < 500, f"{where}: {response.status_code} {(await response.get_data())[:300]!r}"
    if response.status_code >= 400:
        body = await response.get_json(silent=True) if response.mimetype == "application/json" else None
        assert body is not None, f"{where}: a {response.status_code} without a JSON body ({response.mimetype})"
        message = body.get("error", {}).get("message") if isinstance(body, dict) else None
        assert isinstance(message, str) and message, f"{where}: no error message in {body!r}"


async def send_json(caller: Caller, op: Operation, label: str, value) -> None:
    await caller.send(op, label, data=dumps(value), headers=JSON_HEADERS)
    if op.content_type != "application/json":  # multipart (POST /api/hash/file): the values as form fields too
        fields = value.items() if isinstance(value, dict) else []
        pairs = [(key, item if isinstance(item, str) else json.dumps(item)) for key, item in fields]
        form = urlencode(pairs, quote_via=lambda text, *_: url_quote(text))
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        await caller.send(op, label + " as form", data=form, headers=headers)


async def run_fixed_cases(caller: Caller, op: Operation) -> None:
    if op.body is not None:
        for label, data, headers in raw_bodies(op):
            await caller.send(op, label, data=data, headers=headers)
        for label, value in json_bodies(op):
            await send_json(caller, op, label, value)
    else:
        await caller.send(op, "no body")
        await caller.send(op, "unexpected body", data=b"[" * DEPTH, headers=JSON_HEADERS)
    body = {"json": baseline_body(op.body)} if op.body is not None else {}
    for param in op.params:
        for value in PARAM_VALUES:
            label = f"{param['in']} {param['name']}={value[:30]!r}"
            if param["in"] == "path":
                await caller.send(op, label, path=caller.path_for(op, {param["name"]: value}), **body)
            elif param["in"] == "query":
                await caller.send(op, label, query={param["name"]: value}, **body)


async def still_answers(caller: Caller) -> None:
    """A normal request after the storm: the known SHA-256 of "abc", and the owner's notes when logged in."""
    response = await caller.client.post("/api/hash", json={"input": "abc", "algorithms": ["sha256"]})
    assert response.status_code == 200
    assert SHA256_ABC in json.dumps(await response.get_json())
    if caller.token:
        headers = {"Authorization": f"Bearer {await fresh_token(caller)}"}  # the test's may be revoked
        created = await caller.client.post("/api/notes", json={"title": "Still here"}, headers=headers)
        assert created.status_code == 201
        note = await caller.client.get(f"/api/notes/{(await created.get_json())['id']}", headers=headers)
        assert (await note.get_json())["title"] == "Still here"


async def fresh_token(caller: Caller) -> str:
    async with caller.client.app.app_context():
        return await create_token(OWNER_NAME)


async def create_resources(caller: Caller) -> None:
    """For operations on one object (PUT /api/notes/{note_id}, ...): create one with a plain body first."""
    for op in OWNER:
        if op.method != "POST" or "{" in op.path or op.body is None:
            continue
        response = await caller.client.post(op.path, json=baseline_body(op.body), headers=caller.headers())
        created = await response.get_json(silent=True)
        if response.status_code >= 300 or not isinstance(created, dict):
            continue
        for other in OWNER:
            if other.path.startswith(op.path + "/{"):
                name = other.path[len(op.path) + 2 :].split("}", 1)[0]
                for key in (name, name.removesuffix("_id"), "id", "code"):
                    if key in created:
                        caller.path_values.setdefault(name, str(created[key]))
                        break


# --- the apps: one per module (and per database), so the tests spend their time on requests ---------------

IN_MODULE_LOOP = pytest.mark.asyncio(loop_scope="module")  # the loop the shared apps run in


@pytest.fixture(scope="module", autouse=True)
def no_safety_net():
    """A NUL or an oversized id reaching the database would be a 500 here, not the net's generic 422."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(core.errors, "is_unstorable_value", lambda error: False)
        yield


OWNER_NAME = "owner"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def stateless(tmp_path_factory, sqlite_template):
    """The app on SQLite, shared by the stateless operations' tests."""
    path = tmp_path_factory.mktemp("hostile") / "mytools.sqlite3"
    shutil.copy(sqlite_template, path)
    application = make_app(f"sqlite:///{path}")
    async with application.test_app():
        yield Caller(application.test_client())


@pytest_asyncio.fixture(
    scope="module", loop_scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]
)
async def owner_app(request, tmp_path_factory, sqlite_template):
    """The app on each database with an owner account, shared by the owner operations' tests."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("hostile") / "mytools.sqlite3"
        shutil.copy(sqlite_template, path)
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("pg_database_url")
        await truncate_all(url)
    application = make_app(url)
    async with application.test_app():
        async with application.app_context():
            await create_user(OWNER_NAME, "correct horse battery")
        caller = Caller(application.test_client())
        caller.token = await fresh_token(caller)
        await create_resources(caller)
        yield caller


@pytest_asyncio.fixture(loop_scope="module")
async def stateless_caller(stateless):
    yield stateless
    await still_answers(stateless)


@pytest_asyncio.fixture(loop_scope="module")
async def owner_caller(owner_app):
    owner_app.token = await fresh_token(owner_app)  # each test its own: one may revoke it (DELETE /api/tokens/1)
    yield owner_app
    await still_answers(owner_app)


# --- the tests ----------------------------------------------------------------------------------------------


def test_the_operations_come_from_the_openapi_document():
    ids = {op.id for op in OPERATIONS}
    assert {"POST /api/hash", "POST /api/json", "POST /api/notes", "PUT /api/notes/{note_id}"} <= ids
    assert len([op for op in STATELESS if op.body is not None]) >= 24
    assert all(op.path.startswith("/api/") for op in OPERATIONS)


@IN_MODULE_LOOP
@pytest.mark.parametrize("op", STATELESS, ids=lambda op: op.id)
async def test_fixed_hostile_input(stateless_caller, op):
    await run_fixed_cases(stateless_caller, op)


@IN_MODULE_LOOP
@pytest.mark.parametrize("op", OWNER, ids=lambda op: op.id)
async def test_fixed_hostile_input_as_owner(owner_caller, op):
    await run_fixed_cases(owner_caller, op)


def generated(examples: int):
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,  # the same examples on every run, so CI never fails by chance
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )


TEXTS = st.one_of(st.text(ALPHABET, max_size=50), st.sampled_from(NASTY_STRINGS[:20]), st.integers().map(str))


async def send_generated(caller: Caller, op: Operation, data) -> None:
    """One generated request: a body from the schema (maybe broken) and generated path and query values."""
    queries = {p["name"]: data.draw(TEXTS) for p in op.params if p["in"] == "query"}
    override = {p["name"]: data.draw(TEXTS) for p in op.params if p["in"] == "path" and data.draw(st.booleans())}
    path = caller.path_for(op, override)
    if op.body is None:
        await caller.send(op, "generated", path=path, query=queries)
    else:
        body = data.draw(body_strategy(op))
        label = f"generated {body!r:.300}"
        await caller.send(op, label, path=path, query=queries, data=dumps(body), headers=JSON_HEADERS)


@IN_MODULE_LOOP
@pytest.mark.parametrize("op", STATELESS, ids=lambda op: op.id)
@generated(GENERATED_EXAMPLES)
@given(data=st.data())
async def test_generated_input(stateless_caller, op, data):
    await send_generated(stateless_caller, op, data)


@IN_MODULE_LOOP
@pytest.mark.parametrize("op", OWNER, ids=lambda op: op.id)
@generated(GENERATED_OWNER_EXAMPLES)
@given(data=st.data())
async def test_generated_input_as_owner(owner_caller, op, data):
    await send_generated(owner_caller, op, data)


def test_nasty_strings_are_what_they_claim():
    assert any(re.search(r"[\ud800-\udfff]", s) for s in NASTY_STRINGS)
    assert any("\x00" in s for s in NASTY_STRINGS)
