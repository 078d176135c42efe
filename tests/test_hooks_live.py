"""The webhook inspector's bin page: the request list (with a body preview) beside the selected request, the
filter, and new requests pushed as Server-Sent Events (heartbeat, stream limit, owner only, end at shutdown),
on both databases (PostgreSQL: through LISTEN/NOTIFY)."""

from __future__ import annotations

import asyncio
import re
from contextlib import asynccontextmanager

import pytest

from core.sse import event, with_heartbeat
from tests.conftest import make_app
from tests.test_hooks import auth, captured, new_bin, path_of
from tools.hooks import display
from tools.hooks.models import parse_filter

HEARTBEAT = 0.2
MAX_STREAMS = 2


@pytest.fixture
async def app(database_url):
    """The app with a short heartbeat and room for two streams."""
    application = make_app(database_url, LIVE_HEARTBEAT_SECONDS=str(HEARTBEAT), LIVE_MAX_STREAMS=str(MAX_STREAMS))
    async with application.test_app():
        yield application


class Stream:
    """An open text/event-stream response, read as it comes."""

    def __init__(self, connection) -> None:
        self.connection = connection
        self.text = ""

    @property
    def status(self) -> int | None:
        return self.connection.status_code

    async def read_until(self, pattern: str, timeout: float = 2.0) -> str:
        """Everything received until `pattern` (a regex) appears; fails after `timeout` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not re.search(pattern, self.text, re.S):
            remaining = deadline - loop.time()
            assert remaining > 0, f"{pattern!r} did not arrive within {timeout} s; got {self.text!r}"
            try:
                chunk = await asyncio.wait_for(self.connection.receive(), remaining)
            except TimeoutError:
                continue
            self.text += chunk.decode()
        return self.text

    def events(self, name: str) -> list[str]:
        """The data of each complete event called `name`."""
        found = []
        for block in self.text.split("\n\n")[:-1]:
            lines = block.split("\n")
            if f"event: {name}" in lines:
                found.append("\n".join(line[6:] for line in lines if line.startswith("data: ")))
        return found


@asynccontextmanager
async def stream(client, url: str, headers: dict | None = None):
    async with client.request(url, headers=headers) as connection:
        await connection.send_complete()
        opened = Stream(connection)
        try:
            yield opened
        finally:
            await connection.disconnect()


async def other_owner(app):
    from core.auth import create_user

    async with app.app_context():
        await create_user("other", "another password")
    other = app.test_client()
    await other.post("/login", form={"name": "other", "password": "another password"})
    return other


# --- pure parts ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "head, size, preview",
    [
        (b"", 0, ""),
        (b'{"event":  "push",\n\t"ref": 1}', 29, '{"event": "push", "ref": 1}'),
        (b"x" * 100, 100, "x" * 80 + "…"),
        (b"short but the rest is not stored", 5000, "short but the rest is not stored…"),
        ("caf\u00e9".encode()[:4], 5, "caf…"),  # a character cut in half by the stored head is left out
        (b"\xff\xfe\x00binary", 9, "(binary)"),
        (b"nul\x00inside", 10, "(binary)"),
        ("esc\x1b[201~ end\u009b\u202e".encode(), 18, "esc [201~ end"),  # no terminal or bidi control
    ],
)
def test_body_preview(head, size, preview):
    assert display.body_preview(head, size) == preview


def test_filter_parsing_names_each_bad_field():
    good = parse_filter({"method": "post", "path": " /github ", "q": "push main"})
    assert (good.method, good.path, good.q, good.errors) == ("POST", "/github", "push main", {})
    assert good.query_args() == {"method": "POST", "path": "/github", "q": "push main"}
    assert not parse_filter({}).active and parse_filter({}).query_args() == {}
    bad = parse_filter({"method": "BREW", "path": "p" * 201, "q": "a\x00b"})
    assert (bad.method, bad.path, bad.q) == ("", "", "")
    assert bad.errors == {
        "method": "Choose one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS.",
        "path": "At most 200 characters.",
        "q": "Control characters cannot be searched for.",
    }
    assert parse_filter({"q": " ".join("w" * 11)}).errors == {"q": "At most 10 words."}


def test_live_settings_are_checked():
    from core.config import ConfigError, load_settings

    defaults = load_settings({})
    assert (defaults.live_max_streams, defaults.live_heartbeat_seconds) == (100, 20.0)
    assert load_settings({"LIVE_HEARTBEAT_SECONDS": "0.5", "LIVE_MAX_STREAMS": "0"}).live_heartbeat_seconds == 0.5
    with pytest.raises(ConfigError, match=r"between 0.05 and 50 \(Heroku closes at 55\), got 55"):
        load_settings({"LIVE_HEARTBEAT_SECONDS": "55"})
    with pytest.raises(ConfigError, match="LIVE_HEARTBEAT_SECONDS must be a number of seconds, got 'soon'"):
        load_settings({"LIVE_HEARTBEAT_SECONDS": "soon"})
    with pytest.raises(ConfigError, match="LIVE_MAX_STREAMS must be at least 0"):
        load_settings({"LIVE_MAX_STREAMS": "-1"})


def test_sse_event_format():
    assert event("<li>\n  a\r\n</li>", "request", 7) == b"id: 7\nevent: request\ndata: <li>\ndata:   a\ndata: </li>\n\n"
    assert event("plain") == b"data: plain\n\n"


async def test_heartbeat_fills_silence_and_stopping_ends_the_stream():
    stopping = asyncio.Event()
    queue: asyncio.Queue = asyncio.Queue()

    async def messages():
        while True:
            yield await queue.get()

    received = []

    async def consume():
        async for chunk in with_heartbeat(messages(), 0.05, stopping):
            received.append(chunk)

    task = asyncio.create_task(consume())
    await asyncio.sleep(0.13)
    await queue.put(b"data: one\n\n")
    await asyncio.sleep(0.02)
    stopping.set()
    await asyncio.wait_for(task, 0.5)  # ends at once, although the source never does
    assert received[0] == b"retry: 3000\n\n"
    assert received[1:3] == [b": ping\n\n", b": ping\n\n"]
    assert received[3] == b"data: one\n\n"


# --- the split view and the filter ---------------------------------------------------------


async def test_split_view_list_with_preview_and_selected_request(logged_in, owner):
    client = logged_in
    hook = await new_bin(client, owner, name="Shop")
    base = path_of(hook["capture_url"])
    await client.post(base + "/orders", headers={"Content-Type": "application/json"}, data=b'{"id": 7, "total": 12}')
    await client.get(base + "/ping")
    second, first = await captured(client, owner, hook["id"])
    page_url = f"/tools/hooks/{hook['id']}/"
    page = await (await client.get(page_url)).get_data(as_text=True)
    assert 'class="hooks-split"' in page
    assert '<code class="hooks-preview">{&#34;id&#34;: 7, &#34;total&#34;: 12}</code>' in page
    assert "Select a request to see its headers" in page
    assert f'data-events-url="/tools/hooks/{hook["id"]}/events?after={second["id"]}"' in page
    # Each row is a plain link to ?r=<id> (no JavaScript needed) that htmx turns into a swap of the detail.
    row_href = f"{page_url}?r={first['id']}"
    assert f'href="{row_href}"' in page
    assert f'hx-get="/tools/hooks/{hook["id"]}/requests/{first["id"]}" hx-target="#hooks-detail"' in page

    selected = await (await client.get(row_href)).get_data(as_text=True)
    detail = selected.split('id="hooks-detail"', 1)[1]
    assert f"request #{first['id']}" in detail and '<pre class="result-value hooks-body" id="hooks-json">' in detail
    assert 'class="hooks-selected"' in selected and 'aria-current="true"' in selected

    pane = await client.get(f"/tools/hooks/{hook['id']}/requests/{first['id']}", headers={"HX-Request": "true"})
    fragment = await pane.get_data(as_text=True)
    assert pane.status_code == 200 and "<html" not in fragment and 'id="hooks-curl"' in fragment
    assert "HX-Request" in pane.headers["Vary"] and pane.headers["Cache-Control"] == "no-store"

    gone = await (await client.get(f"{page_url}?r=999999")).get_data(as_text=True)
    assert "This request is not stored (any more)" in gone
    # Back after an htmx navigation: htmx asks for the whole page.
    restore = await client.get(row_href, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in await restore.get_data(as_text=True)


async def test_filter_by_method_path_and_text_without_javascript(logged_in, owner):
    client = logged_in
    hook = await new_bin(client, owner)
    base = path_of(hook["capture_url"])
    await client.post(base + "/github/push", headers={"X-GitHub-Event": "push"}, data=b"ref=main")
    await client.put(base + "/stripe", data=b"amount=100%_off")
    await client.get(base + "/github/ping", query_string={"zen": "Keep it simple"})
    await client.post(base + "/other", data="naïve café".encode())
    page_url = f"/tools/hooks/{hook['id']}/"

    async def paths(**query) -> list[str]:
        response = await client.get(page_url, query_string=query)
        assert response.status_code == 200
        html = await response.get_data(as_text=True)
        return re.findall(r'<span class="hooks-path">([^<]*)</span>', html)

    assert await paths() == ["/other", "/github/ping?zen=Keep+it+simple", "/stripe", "/github/push"]
    assert await paths(method="POST") == ["/other", "/github/push"]
    assert await paths(path="GITHUB") == ["/github/ping?zen=Keep+it+simple", "/github/push"]
    assert await paths(q="x-github-event") == ["/github/push"]  # a header name, any case
    assert await paths(q="keep SIMPLE") == ["/github/ping?zen=Keep+it+simple"]  # every word, in the query
    assert await paths(q="ref=main") == ["/github/push"]  # in the body
    assert await paths(q="café") == ["/other"]  # UTF-8 in the body
    assert await paths(q="%_off") == ["/stripe"]  # LIKE's wildcards are literal
    assert await paths(q="100%") == ["/stripe"]
    assert await paths(path="%") == []
    assert await paths(method="POST", path="github", q="push") == ["/github/push"]

    htmx = await client.get(page_url, query_string={"method": "PUT"}, headers={"HX-Request": "true"})
    fragment = await htmx.get_data(as_text=True)
    assert "<html" not in fragment and 'id="hooks-requests"' in fragment
    assert f'data-events-url="/tools/hooks/{hook["id"]}/events?after=' in fragment and "&amp;method=PUT" in fragment
    assert "1</span> matching the filter" in fragment
    nothing = await (await client.get(page_url, query_string={"q": "absent"})).get_data(as_text=True)
    assert "No request matches the filter." in nothing

    bad = await client.get(page_url, query_string={"method": "BREW"})
    assert bad.status_code == 400
    assert "Choose one of GET, POST" in await bad.get_data(as_text=True)


# --- the live stream ---------------------------------------------------------------------


async def test_a_capture_arrives_on_the_stream_as_a_rendered_row(app, logged_in, owner):
    hook = await new_bin(logged_in, owner)
    async with stream(logged_in, f"/tools/hooks/{hook['id']}/events") as live:
        await live.read_until("retry: ")
        assert live.status == 200
        assert live.connection.headers["Content-Type"] == "text/event-stream; charset=utf-8"
        assert live.connection.headers["Cache-Control"] == "no-store"
        assert "Content-Encoding" not in live.connection.headers  # never gzipped: each event goes out at once
        await app.test_client().post(path_of(hook["capture_url"]) + "/live", data=b"hello stream")
        await live.read_until(r"event: request\n.*?\n\n")
    [row] = live.events("request")
    [request] = await captured(logged_in, owner, hook["id"])
    assert f"id: {request['id']}\nevent: request" in live.text
    assert f'<li data-request-id="{request["id"]}">' in row
    assert '<span class="hooks-path">/live</span>' in row and '<code class="hooks-preview">hello stream</code>' in row


async def test_the_stream_catches_up_after_the_id_it_is_given_and_follows_the_filter(app, logged_in, owner):
    hook = await new_bin(logged_in, owner)
    capture = path_of(hook["capture_url"])
    sender = app.test_client()
    await sender.post(capture + "/old", data=b"1")
    [old] = await captured(logged_in, owner, hook["id"])
    await sender.post(capture + "/missed", data=b"2")  # after the page was drawn, before the stream opened
    url = f"/tools/hooks/{hook['id']}/events?after={old['id']}&method=POST"
    async with stream(logged_in, url) as live:
        await live.read_until("/missed.*?\n\n")
        await sender.put(capture + "/filtered-out", data=b"3")
        await sender.post(capture + "/kept", data=b"4")
        await live.read_until("/kept.*?\n\n")
    rows = live.events("request")
    assert [re.search(r'hooks-path">([^<]*)<', row).group(1) for row in rows] == ["/missed", "/kept"]
    # A reconnecting EventSource sends the last id it got: nothing is sent twice.
    async with stream(
        logged_in,
        url,
        headers={"Last-Event-ID": str(max(r["id"] for r in await captured(logged_in, owner, hook["id"])))},
    ) as again:
        await again.read_until("retry: ")
        await asyncio.sleep(3 * HEARTBEAT)
        await again.read_until(": ping")
    assert again.events("request") == []


async def test_heartbeat_comment_while_nothing_arrives(logged_in, owner):
    hook = await new_bin(logged_in, owner)
    async with stream(logged_in, f"/tools/hooks/{hook['id']}/events") as live:
        started = asyncio.get_running_loop().time()
        await live.read_until(r"(: ping\n\n.*){2}", timeout=5 * HEARTBEAT)
        assert asyncio.get_running_loop().time() - started >= 2 * HEARTBEAT * 0.9


async def test_streams_over_the_limit_get_a_clear_503(app, logged_in, owner):
    hook = await new_bin(logged_in, owner)
    url = f"/tools/hooks/{hook['id']}/events"
    async with stream(logged_in, url) as one, stream(logged_in, url) as two:
        await one.read_until("retry: ")
        await two.read_until("retry: ")
        refused = await logged_in.get(url)
        assert refused.status_code == 503
        assert refused.headers["Retry-After"] == "30"
        assert "Too many live streams are open on this server (at most 2)" in await refused.get_data(as_text=True)
    # Closed streams give their place back.
    await asyncio.sleep(0.05)
    assert app.extensions["mytools.streams"].open == 0
    async with stream(logged_in, url) as three:
        await three.read_until("retry: ")
        assert three.status == 200


async def test_only_the_owner_may_open_a_bins_stream(app, client, owner):
    hook = await new_bin(client, owner)
    url = f"/tools/hooks/{hook['id']}/events"
    visitor = await client.get(url)
    assert (visitor.status_code, visitor.headers["Location"]) == (302, f"/login?next={url}")
    other = await other_owner(app)
    assert (await other.get(url)).status_code == 404  # as the bin's page: no hint that the bin exists
    assert (await client.get(url, headers=auth("mt_" + "x" * 43))).status_code == 401
    async with stream(client, url, headers=auth(owner)) as live:  # the owner's token works too
        await live.read_until("retry: ")
        assert live.status == 200
    assert app.extensions["mytools.streams"].open == 0  # refused requests never held a place


async def test_deleting_the_bin_ends_its_stream(logged_in, owner):
    hook = await new_bin(logged_in, owner)
    async with stream(logged_in, f"/tools/hooks/{hook['id']}/events") as live:
        await live.read_until("retry: ")
        assert (await logged_in.post(f"/tools/hooks/{hook['id']}/delete")).status_code == 302
        await live.read_until("event: gone\ndata: This bin no longer exists")
    assert (await logged_in.get(f"/tools/hooks/{hook['id']}/events")).status_code == 404
    by_api = await new_bin(logged_in, owner)
    async with stream(logged_in, f"/tools/hooks/{by_api['id']}/events") as live:
        await live.read_until("retry: ")
        assert (await logged_in.delete(f"/api/hooks/{by_api['id']}", headers=auth(owner))).status_code == 204
        await live.read_until("event: gone\n")


async def test_shutdown_ends_open_streams_at_once(app, logged_in, owner):
    hook = await new_bin(logged_in, owner)
    async with logged_in.request(f"/tools/hooks/{hook['id']}/events") as connection:
        await connection.send_complete()
        while await connection.receive() != b": ping\n\n":  # idle: its first reading of the bin is done
            pass
        app.extensions["mytools.streams"].stop()  # what SIGTERM does in a worker
        await asyncio.wait_for(connection._task, 1.0)  # the response ended: nothing left for the server to wait on


async def test_the_stream_shows_only_the_redacted_form_of_a_capture(app, logged_in, owner):
    """A logged-in browser sends its cookies to a capture URL: neither the row nor anything else the stream
    sends carries them (the stream sends the stored, redacted row)."""
    from tests.test_hooks import logged_in_victim

    hook = await new_bin(logged_in, owner)
    browser, cookies, token = await logged_in_victim(app)
    async with stream(logged_in, f"/tools/hooks/{hook['id']}/events") as live:
        await live.read_until("retry: ")
        image = path_of(hook["capture_url"]) + "/a.png"
        await browser.post(image, headers={"Authorization": f"Bearer {token}"}, data=b"x")
        await live.read_until(r"event: request\n.*?\n\n")
    for secret in (cookies["QUART_AUTH"], cookies["session"], token, token[3:20]):
        assert secret not in live.text


async def test_without_a_way_between_processes_the_stream_is_refused_and_the_page_polls(app, logged_in, owner):
    """Behind PgBouncer without REDIS_URL nothing can LISTEN: a clear 503, and no stream place is kept."""
    from core.events import UnavailableBroadcaster

    hook = await new_bin(logged_in, owner)
    app.extensions["mytools.events"] = UnavailableBroadcaster()
    refused = await logged_in.get(f"/tools/hooks/{hook['id']}/events")
    assert refused.status_code == 503 and refused.headers["Retry-After"] == "30"
    assert "Live updates are unavailable on this server" in await refused.get_data(as_text=True)
    assert app.extensions["mytools.streams"].open == 0
    await logged_in.post(path_of(hook["capture_url"]), data=b"still captured")  # publishing is a no-op
    assert len(await captured(logged_in, owner, hook["id"])) == 1
