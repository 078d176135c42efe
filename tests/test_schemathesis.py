"""Schemathesis against /api/openapi.json, in-process through its ASGI transport: no 5xx, responses match the schema.

Every operation in the document runs, the owner-only ones with an owner's API token, on SQLite (the hostile
input tests cover PostgreSQL). Excluded: DELETE /api/tokens/{token_id}, whose generated ids (1 among them)
would revoke the token the other operations use; the hostile input tests still cover it.
"""

from __future__ import annotations

import asyncio
import atexit
import shutil
import tempfile

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from core.auth import create_token, create_user
from core.config import load_database_settings
from core.migrate import upgrade_to_head
from tests.conftest import in_thread, make_app

pytestmark = pytest.mark.slow  # generated requests against every operation of the OpenAPI document

EXAMPLES = 10  # per operation
EXCLUDED = {("DELETE", "/api/tokens/{token_id}")}


def migrated_database() -> str:
    """A fresh SQLite file with the schema and an owner account, removed when the test process ends.

    Schemathesis loads the schema (and so parametrizes the tests) at import time, before any fixture.
    """
    directory = tempfile.mkdtemp(prefix="mytools-schemathesis-")
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    url = f"sqlite:///{directory}/mytools.sqlite3"
    in_thread(upgrade_to_head, load_database_settings({"DATABASE_URL": url}))
    return url


def owner_token(database_url: str) -> str:
    """An owner and an API token, made by a separate app instance (schemathesis runs the app in its own loop)."""

    async def make():
        application = make_app(database_url)
        async with application.test_app(), application.app_context():
            await create_user("owner", "correct horse battery")
            return await create_token("owner")

    return in_thread(asyncio.run, make())


DATABASE_URL = migrated_database()
TOKEN = owner_token(DATABASE_URL)
# from_asgi starts the app's lifespan (before_serving connects the pool) in schemathesis's own event loop.
# Its ASGI client sends Host: testserver (Starlette's convention), a name the app answers to only when told.
schema = schemathesis.openapi.from_asgi(
    "/api/openapi.json", make_app(DATABASE_URL, MYTOOLS_ALLOWED_HOSTS="testserver")
).exclude(
    func=lambda ctx: (ctx.operation.method.upper(), ctx.operation.path) in EXCLUDED,
)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_matches_its_schema(case):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {TOKEN}"},
        checks=[not_a_server_error, response_schema_conformance],
    )
