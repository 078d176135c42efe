"""Export / import: every row of every owned table moves between SQLite and PostgreSQL unchanged."""

from __future__ import annotations

import json
import re
import shutil
import sys
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from core import backup
from core.auth import create_token, create_user, users
from core.db import get_db, metadata
from core.forms import MAX_DB_INTEGER
from tests.conftest import admin_execute, in_thread, make_app, truncate_all, with_database
from tests.serverutil import require_postgres, run_command, server_env
from tests.test_migrations import HEAD
from tools.links.store import clicks, links
from tools.paste.store import insert_paste

PASSWORD = "correct horse battery"
EVERY_BYTE = bytes(range(256))
BACKUP_TABLES = [t.name for t in metadata.sorted_tables if t.name not in {"login_sessions", "rate_limits"}]


def auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def cli(database_url: str, *args: str, input: bytes | None = None):
    """Run a `quart` command of a new app on `database_url` (in a thread: the command runs its own loop)."""
    runner = make_app(database_url).test_cli_runner()
    return in_thread(lambda: runner.invoke(args=list(args), input=input))


def normalized(value):
    """SQLite hands back naive datetimes (UTC); PostgreSQL aware ones."""
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


async def all_rows(database_url: str) -> dict[str, list[tuple]]:
    """Every row of every backup table, ordered by primary key, read by a new app."""
    application = make_app(database_url)
    async with application.test_app(), application.app_context():
        rows = {}
        for table in metadata.sorted_tables:
            if table.name in BACKUP_TABLES:
                query = sa.select(table).order_by(*table.primary_key.columns)
                found = await get_db().fetch_all(query)
                rows[table.name] = [tuple(normalized(row[column.name]) for column in table.columns) for row in found]
        return rows


async def fill(app, client, token: str, alias: str) -> None:
    """Data of every kind, made through the API: note, link and its clicks, paste, favorite, hook capture."""
    note = await client.post("/api/notes", json={"title": "Über", "body": "line 1\nline 2 ✓"}, headers=auth(token))
    assert note.status_code == 201
    link = {"target": "https://example.com/a?b=c", "alias": alias, "permanent": True, "max_visits": 1000}
    created = await client.post(
        "/api/links", json={**link, "expires_at": "2099-01-02T03:04:05.678901Z"}, headers=auth(token)
    )
    assert created.status_code == 201, await created.get_data(as_text=True)
    assert (await client.get(f"/s/{alias}", headers={"Referer": "https://news.example.org/x"})).status_code == 301
    assert (await client.get(f"/s/{alias}", headers={"User-Agent": "Googlebot/2.1"})).status_code == 301
    paste = {"content": "print(1)\n", "title": "snippet", "language": "python"}
    assert (await client.post("/api/paste", json=paste, headers=auth(token))).status_code == 201
    assert (await client.put("/api/favorites/hash", headers=auth(token))).status_code in (200, 204)
    hook_bin = await (await client.post("/api/hooks", json={"name": "ci"}, headers=auth(token))).get_json()
    capture = urlsplit(hook_bin["capture_url"]).path + "/deep?x=1"
    sent = await client.post(capture, data=EVERY_BYTE, headers={"Content-Type": "application/octet-stream"})
    assert sent.status_code == 200
    recipe = {"name": "Decode", "steps": [{"tool": "encode", "options": {"mode": "decode"}}], "public": True}
    assert (await client.post("/api/recipes", json=recipe, headers=auth(token))).status_code == 201
    async with app.app_context():  # the largest value an INTEGER column holds
        await get_db().execute(sa.update(links).where(links.c.code == alias).values(max_visits=MAX_DB_INTEGER))


@pytest.fixture
async def other_database_url(database_url, request, tmp_path, sqlite_template):
    """An empty, migrated database of the other kind: PostgreSQL for an SQLite source, and back."""
    if database_url.startswith("sqlite"):
        url = request.getfixturevalue("pg_database_url")
        await truncate_all(url)  # RESTART IDENTITY: its sequences start at 1, as in a new database
        return url
    path = tmp_path / "target.sqlite3"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@contextmanager
def empty_database_of_the_other_kind(database_url: str, tmp_path):
    """A new database without tables: a PostgreSQL one (dropped at the end) for SQLite, and back."""
    if not database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'new.sqlite3'}"
        return
    name = f"mytools_backup_{uuid.uuid4().hex[:12]}"
    admin_execute(f'CREATE DATABASE "{name}"')
    try:
        yield with_database(require_postgres(), name)
    finally:
        admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def without_time(document: dict) -> dict:
    return {key: value for key, value in document.items() if key != "exported_at"}


# --- pure functions -------------------------------------------------------------------------


def test_values_round_trip_exactly():
    created_at, body, max_visits = users.c.created_at, sa.Column("b", sa.LargeBinary), links.c.max_visits
    naive = datetime(2026, 3, 4, 5, 6, 7, 8)  # as SQLite returns it: UTC without the zone
    assert backup.encode_value(created_at, naive) == "2026-03-04T05:06:07.000008+00:00"
    assert backup.decode_value(created_at, "2026-03-04T07:06:07.000008+02:00") == naive.replace(tzinfo=UTC)
    assert backup.encode_value(body, b"\x00\xff") == "AP8="
    assert backup.decode_value(body, backup.encode_value(body, EVERY_BYTE)) == EVERY_BYTE
    assert backup.decode_value(max_visits, MAX_DB_INTEGER) == MAX_DB_INTEGER
    assert backup.decode_value(max_visits, None) is None
    assert backup.encode_value(clicks.c.is_bot, 1) is True


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        (users.c.created_at, "2026-03-04T05:06:07", "must be an ISO 8601 date and time with a UTC offset"),
        (users.c.created_at, 20260304, "must be an ISO 8601 date and time with a UTC offset"),
        (users.c.created_at, None, "may not be null"),
        (links.c.max_visits, MAX_DB_INTEGER + 1, "is out of the column's range (±2147483647)"),
        (links.c.max_visits, True, "must be an integer"),
        (links.c.permanent, 1, "must be true or false"),
        (users.c.name, "x" * 65, "is longer than 64 characters"),
        (users.c.name, "a\x00b", "must not contain the NUL character (U+0000)"),
        (users.c.name, 7, "must be text"),
    ],
)
def test_bad_values_are_named(column, value, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        backup.decode_value(column, value)


def test_owned_rows_follow_foreign_keys_to_users():
    assert str(backup.owner_condition(links, 7).compile(compile_kwargs={"literal_binds": True})) == "links.owner_id = 7"
    through_links = str(backup.owner_condition(clicks, 7).compile(compile_kwargs={"literal_binds": True}))
    assert through_links == "clicks.link_id IN (SELECT links.id \nFROM links \nWHERE links.owner_id = 7)"
    assert {"login_sessions", "rate_limits"}.isdisjoint(t.name for t in backup.backup_tables())


# --- the round trip ---------------------------------------------------------------------------


async def test_round_trip_keeps_every_row(app, logged_in, owner, database_url, other_database_url, tmp_path):
    await fill(app, logged_in, owner, alias="moved")
    assert (await logged_in.get("/tools/hash/")).status_code == 200  # a recently used tool
    path = tmp_path / "backup.json"

    exported = cli(database_url, "export", "--output", str(path))
    assert exported.exit_code == 0, exported.output
    assert exported.stderr.startswith("Exported 1 users, 1 api_tokens, 1 hook_bins, 1 links, 1 notes, 1 pastes")
    imported = cli(other_database_url, "import", str(path))
    assert imported.exit_code == 0, imported.output
    assert "1 user_tools, 2 clicks, 1 hook_requests." in imported.stdout

    source = await all_rows(database_url)
    assert all(source.values()), source  # data of every kind took part
    assert await all_rows(other_database_url) == source
    again = cli(other_database_url, "export")
    assert without_time(json.loads(again.stdout)) == without_time(json.loads(path.read_text()))


async def test_imported_owner_logs_in_and_new_rows_get_free_ids(
    app, owner, client, other_database_url, database_url, tmp_path
):
    await fill(app, client, owner, alias="moved")
    path = tmp_path / "backup.json"
    assert cli(database_url, "export", "-o", str(path)).exit_code == 0
    assert cli(other_database_url, "import", str(path)).exit_code == 0

    target = make_app(other_database_url)
    async with target.test_app():
        moved = target.test_client()
        assert (await moved.post("/login", form={"name": "owner", "password": PASSWORD})).status_code == 302
        # On PostgreSQL these take ids from sequences that the import moved past the copied ids.
        note = await moved.post("/api/notes", json={"title": "after the move", "body": ""}, headers=auth(owner))
        assert note.status_code == 201
        assert (await note.get_json())["id"] == 2
        link = await moved.post(
            "/api/links", json={"target": "https://example.org/", "alias": "afterwards"}, headers=auth(owner)
        )
        assert link.status_code == 201
        assert (await moved.get("/s/afterwards")).status_code == 302
        async with target.app_context():
            assert await get_db().fetch_val(sa.select(links.c.id).where(links.c.code == "afterwards")) == 2
            assert await get_db().fetch_val(sa.select(sa.func.max(clicks.c.id))) == 3


@pytest.mark.slow  # runs the quart command in new processes
async def test_pipe_through_the_real_command(app, logged_in, owner, database_url, tmp_path):
    """`quart --app app export | quart --app app import -` into a database made by `quart --app app migrate`."""
    await fill(app, logged_in, owner, alias="piped")
    quart = [sys.executable, "-m", "quart", "--app", "app"]
    exported = run_command([*quart, "export"], server_env(DATABASE_URL=database_url, SECRET_KEY="k" * 40))
    assert exported.returncode == 0, exported.stderr
    document = json.loads(exported.stdout)  # nothing but the backup on stdout
    assert "Exported 1 users" in exported.stderr
    assert [table["name"] for table in document["tables"]] == BACKUP_TABLES  # no login sessions
    async with app.app_context():
        session_ids = [row.id for row in await get_db().fetch_all("SELECT id FROM login_sessions")]
    assert len(session_ids) == 1 and session_ids[0] not in exported.stdout

    with empty_database_of_the_other_kind(database_url, tmp_path) as target_url:
        env = server_env(DATABASE_URL=target_url, SECRET_KEY="k" * 40, MYTOOLS_AUTO_MIGRATE="false")
        assert run_command([*quart, "migrate"], env).returncode == 0
        imported = run_command([*quart, "import", "-"], env, input=exported.stdout)
        assert imported.returncode == 0, imported.stderr
        assert imported.stdout.startswith("Imported 1 users, 1 api_tokens")
        assert await all_rows(target_url) == await all_rows(database_url)


# --- refusals ---------------------------------------------------------------------------------


async def test_importing_twice_is_refused_and_changes_nothing(app, owner, client, database_url, tmp_path):
    await fill(app, client, owner, alias="twice")
    path = tmp_path / "backup.json"
    assert cli(database_url, "export", "-o", str(path)).exit_code == 0
    before = await all_rows(database_url)

    again = cli(database_url, "import", str(path))
    assert again.exit_code == 1
    assert again.stderr == "Error: table users already has the row name='owner'; nothing was imported\n"
    assert await all_rows(database_url) == before


async def test_a_conflict_in_a_later_table_imports_nothing(
    app, owner, client, database_url, other_database_url, tmp_path
):
    await fill(app, client, owner, alias="taken")
    path = tmp_path / "backup.json"
    assert cli(database_url, "export", "-o", str(path)).exit_code == 0
    target = make_app(other_database_url)
    async with target.test_app(), target.app_context():
        await create_user("someone", PASSWORD)
        await get_db().execute(sa.update(users).values(id=50))
        moment = datetime.now(UTC)
        times = {"created_at": moment, "updated_at": moment}
        link = {"id": 50, "owner_id": 50, "code": "taken", "target": "https://x.org/", **times}
        await get_db().execute(sa.insert(links).values(**link, permanent=False, disabled=False, visits=0))

    refused = cli(other_database_url, "import", str(path))
    assert refused.exit_code == 1
    assert refused.stderr == "Error: table links already has the row code='taken'; nothing was imported\n"
    rows = await all_rows(other_database_url)
    assert [row[1] for row in rows["users"]] == ["someone"]  # the owner, inserted before links, was rolled back
    assert {name: len(found) for name, found in rows.items() if found} == {"users": 1, "links": 1}


async def test_user_export_holds_only_that_owner(app, owner, client, database_url):
    await fill(app, client, owner, alias="mine")
    async with app.app_context():
        await create_user("other", PASSWORD)
        other = await create_token("other")
        await insert_paste(
            {"id": "anonymous", "title": "", "language": "text", "content": "x", "size": 1, "burn_after_read": False,
             "created_at": datetime.now(UTC)}
        )  # fmt: skip
    await fill(app, client, other, alias="theirs")

    everything = json.loads(cli(database_url, "export").stdout)
    mine = json.loads(cli(database_url, "export", "--user", "owner").stdout)
    counts = {table["name"]: len(table["rows"]) for table in mine["tables"]}
    assert counts == dict.fromkeys(BACKUP_TABLES, 1) | {"clicks": 2}
    all_counts = {table["name"]: len(table["rows"]) for table in everything["tables"]}
    assert all_counts == dict.fromkeys(BACKUP_TABLES, 2) | {"clicks": 4, "pastes": 3}
    assert mine["user"] == "owner" and everything["user"] is None
    codes = [row[2] for table in mine["tables"] if table["name"] == "links" for row in table["rows"]]
    assert codes == ["mine"]
    missing = cli(database_url, "export", "--user", "nobody")
    assert (missing.exit_code, missing.stdout, missing.stderr) == (1, "", "Error: no user named 'nobody'\n")


def edited(document: dict, table: str, change) -> bytes:
    """`document` with `change(entry)` applied to one table's entry, as file content."""
    copy = json.loads(json.dumps(document))
    change(next(entry for entry in copy["tables"] if entry["name"] == table))
    return json.dumps(copy).encode()


def set_first_row(column: int, value):
    return lambda entry: entry["rows"][0].__setitem__(column, value)


BAD_FILES = {
    "not json": (lambda d: b"{not json", "stdin is not a JSON document: Expecting property name"),
    "not utf-8": (lambda d: b'{"a": "\xff"}', "stdin is not a JSON document"),
    "a list": (lambda d: b"[]", 'stdin is not a mytools backup (no "format": "mytools-backup")'),
    "version": (
        lambda d: json.dumps({**d, "version": 2}).encode(),
        "stdin has format version 2; this instance reads 1",
    ),
    "no tables": (lambda d: json.dumps({**d, "tables": None}).encode(), "stdin has no list of tables"),
    "no revision": (lambda d: json.dumps({**d, "schema_revision": None}).encode(), "stdin has no schema_revision"),
    "revision": (
        lambda d: json.dumps({**d, "schema_revision": "0001"}).encode(),
        f"the backup is of schema revision 0001, this database of {HEAD}: import into an instance of the same version",
    ),
    "a table less": (
        lambda d: json.dumps({**d, "tables": [t for t in d["tables"] if t["name"] != "notes"]}).encode(),
        "stdin lacks the tables notes",
    ),
    "sessions": (
        lambda d: json.dumps({**d, "tables": [*d["tables"], {"name": "login_sessions", "rows": []}]}).encode(),
        "stdin: unexpected table 'login_sessions'",
    ),
    "columns": (
        lambda d: edited(d, "users", lambda e: e["columns"].__setitem__(1, "nick")),
        "stdin: the columns of table users differ from this instance's",
    ),
    "no rows": (lambda d: edited(d, "users", lambda e: e.pop("rows")), "stdin: table users has no list of rows"),
    "short row": (lambda d: edited(d, "users", lambda e: e["rows"][0].pop()), "expected a list of 4 values"),
    "naive time": (
        lambda d: edited(d, "users", set_first_row(3, "2026-01-01T00:00:00")),
        "table users, row 1, column created_at: must be an ISO 8601 date and time with a UTC offset",
    ),
    "bad base64": (
        lambda d: edited(d, "hook_requests", set_first_row(6, "not base64!")),
        "table hook_requests, row 1, column body: Only base64 data is allowed",
    ),
    "same row twice": (
        lambda d: edited(d, "notes", lambda e: e["rows"].append(e["rows"][0])),
        "table notes: the database refused rows 1–2: ",
    ),
    "huge id": (
        lambda d: edited(d, "notes", set_first_row(0, 2**40)),
        "table notes, row 1, column id: is out of the column's range (±2147483647)",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES)
async def test_bad_files_get_one_line_and_change_nothing(app, owner, client, database_url, other_database_url, case):
    await fill(app, client, owner, alias="bad")
    document = json.loads(cli(database_url, "export").stdout)
    make_file, message = BAD_FILES[case]

    result = cli(other_database_url, "import", "-", input=make_file(document))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert not any((await all_rows(other_database_url)).values())


async def test_a_missing_file_is_named(database_url, tmp_path):
    result = cli(database_url, "import", str(tmp_path / "nowhere.json"))
    assert result.exit_code == 2
    assert "nowhere.json' does not exist" in result.stderr
