"""Form bodies are bounded before they are parsed: FORM_MAX_BYTES and FORM_MAX_FIELDS for every form,
LOGIN_FORM_MAX_BYTES for the login form anyone may post; APIs keep MAX_CONTENT_LENGTH."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from tests.conftest import make_app

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
PASSWORD = "correct horse battery"


def fields(count: int) -> bytes:
    return "&".join(f"f{i}=1" for i in range(count)).encode()


async def test_a_login_flood_of_100000_fields_is_refused_fast_with_413(client, owner):
    body = fields(100_000)
    started = time.perf_counter()
    response = await client.post("/login", data=body, headers=FORM)
    elapsed = time.perf_counter() - started
    assert response.status_code == 413
    page = await response.get_data(as_text=True)
    assert "<title>" in page and "The form is too large: the limit is 4 KB." in page
    assert elapsed < 0.5, elapsed
    # The owner is not locked out or otherwise affected.
    login = await client.post("/login", form={"name": "owner", "password": PASSWORD})
    assert login.status_code == 302


async def test_the_login_form_limit_holds_for_multipart_too(client, owner):
    big = await client.post("/login", form={"name": "owner", "password": "p" * 5000})
    assert big.status_code == 413
    assert "The form is too large: the limit is 4 KB." in await big.get_data(as_text=True)
    boundary = "xyz"
    part = f'--{boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\n{"n" * 5000}\r\n--{boundary}--\r\n'
    multipart = await client.post(
        "/login", data=part.encode(), headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}
    )
    assert multipart.status_code == 413
    message = "The form is too large: at most 500 fields, each at most 4 KB, 4 KB in all."
    assert message in await multipart.get_data(as_text=True)


async def test_tool_forms_take_up_to_500_fields(tool_client):
    ok = await tool_client.post("/tools/case/", data=b"input=abc&" + fields(499), headers=FORM)
    assert ok.status_code == 200
    refused = await tool_client.post("/tools/case/", data=b"input=abc&" + fields(500), headers=FORM)
    assert refused.status_code == 413
    assert "The form has too many fields: the limit is 500." in await refused.get_data(as_text=True)


async def test_tool_forms_take_the_largest_legitimate_input_but_not_more(tool_client):
    # 1,000,000 characters is the largest tool input; percent-encoded (é is %C3%A9) it stays under 4 MB.
    for text in ("a" * 1_000_000, "é" * 600_000):
        body = urlencode({"input": text}).encode()
        response = await tool_client.post("/tools/text-stats/", data=body, headers=FORM)
        assert response.status_code == 200, len(body)
    over = urlencode({"input": "a" * (4 * 1024 * 1024)}).encode()
    refused = await tool_client.post("/tools/text-stats/", data=over, headers=FORM)
    assert refused.status_code == 413
    assert "The form is too large: the limit is 4 MB." in await refused.get_data(as_text=True)


async def test_htmx_gets_the_message_as_a_partial(tool_client):
    response = await tool_client.post("/tools/case/", data=fields(600), headers={**FORM, "HX-Request": "true"})
    assert response.status_code == 413
    page = await response.get_data(as_text=True)
    assert "The form has too many fields: the limit is 500." in page and "<html" not in page


async def test_the_limits_are_settings(database_url):
    app = make_app(database_url, FORM_MAX_FIELDS="20", FORM_MAX_BYTES="2048", LOGIN_FORM_MAX_BYTES="1024")
    async with app.test_app():
        client = app.test_client()
        many = await client.post("/tools/case/", data=fields(21), headers=FORM)
        assert "The form has too many fields: the limit is 20." in await many.get_data(as_text=True)
        big = await client.post("/tools/case/", form={"input": "x" * 3000})
        assert "The form is too large: the limit is 2 KB." in await big.get_data(as_text=True)
        login = await client.post("/login", form={"name": "x" * 1100, "password": "y"})
        assert "The form is too large: the limit is 1 KB." in await login.get_data(as_text=True)


async def test_a_large_urlencoded_form_is_parsed_off_the_event_loop(tool_client, monkeypatch):
    import threading
    from urllib.parse import parse_qsl

    import core.forms

    threads = []

    def recording_parse_qsl(*args, **kwargs):
        threads.append(threading.current_thread() is threading.main_thread())
        return parse_qsl(*args, **kwargs)

    monkeypatch.setattr(core.forms, "parse_qsl", recording_parse_qsl)
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    small = await tool_client.post("/tools/text-stats/", data="input=a+b", headers=form)
    large = await tool_client.post("/tools/text-stats/", data="input=" + "x+y+" * 50_000, headers=form)
    assert (small.status_code, large.status_code) == (200, 200)
    assert threads == [True, False]  # the 200 KB form went to a thread; parse_qsl holds the loop ~0.12 s per MB
