"""core.curl: copy-as-curl commands, checked by what bash really hands to curl."""

from __future__ import annotations

import json
import re
import shlex
import subprocess

import pytest

from core import curl

# Every character a terminal may act on: C0, DEL, C1, the Unicode line/paragraph separators.
RAW_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def shell_argv(command: str) -> list[bytes]:
    """The arguments bash hands to curl when it runs `command` (curl replaced by a function that prints them)."""
    script = 'curl() { printf "%s\\0" "$@"; }; ' + command
    output = subprocess.run(["bash", "-c", script], capture_output=True, check=True, env={"LC_ALL": "C"}).stdout
    return output.split(b"\0")[:-1]


def test_curl_command_text_body_round_trips_through_the_shell():
    headers = [
        ("host", "example.org"),
        ("content-type", "application/json"),
        ("x-sig", 'it\'s "quoted"'),
        ("content-length", "9"),
        ("x-forwarded-for", "1.2.3.4"),
    ]
    body = "@/etc/passwd\nline 2 $HOME `x` \\n"
    command = curl.curl_command("https://example.org/hooks/b/x?y=1", "PUT", headers, body.encode())
    expected = [
        "curl",
        "-X",
        "PUT",
        "https://example.org/hooks/b/x?y=1",
        "-H",
        "content-type: application/json",
        "-H",
        'x-sig: it\'s "quoted"',
        "--data-raw",
        body,
    ]
    assert shell_argv(command) == [arg.encode() for arg in expected[1:]]  # after "curl" itself
    assert command.endswith(" --data-raw $'@/etc/passwd\\nline 2 $HOME `x` \\\\n'")


@pytest.mark.parametrize(
    "text, quoted",
    [
        ("push", "push"),
        ("it's", "'it'\"'\"'s'"),
        ("\x1b[201~; rm -rf ~\n", "$'\\x1b[201~; rm -rf ~\\n'"),
        ("it's\tback\\slash\r", "$'it\\'s\\tback\\\\slash\\r'"),
        ("\u009b201~ C1 CSI, \x7f DEL", "$'\\xc2\\x9b201~ C1 CSI, \\x7f DEL'"),
        ("a\u2028b\u2029c\u202ed", "$'a\\xe2\\x80\\xa8b\\xe2\\x80\\xa9c\\xe2\\x80\\xaed'"),
        ("caf\u00e9 \u00a0$HOME", "'caf\u00e9 \u00a0$HOME'"),
    ],
)
def test_shell_quote_escapes_every_control_character(text, quoted):
    assert curl.shell_quote(text) == quoted
    assert not RAW_CONTROL.search(curl.shell_quote(text))
    assert shell_argv("curl " + quoted) == [text.encode()]


def test_curl_command_with_terminal_escapes_everywhere_has_no_raw_control_character():
    evil = "\x1b[201~; rm -rf ~\n"
    command = curl.curl_command(
        "http://h/hooks/b/\x1b]x", "P\x1bST", [("x-evil", evil), ("x-\u009bname", "v")], evil.encode()
    )
    assert not RAW_CONTROL.search(command)
    assert command == (
        "curl -X $'P\\x1bST' $'http://h/hooks/b/\\x1b]x' -H $'x-evil: \\x1b[201~; rm -rf ~\\n'"
        " -H $'x-\\xc2\\x9bname: v' --data-raw $'\\x1b[201~; rm -rf ~\\n'"
    )
    assert shell_argv(command) == [
        arg.encode()
        for arg in ("-X", "P\x1bST", "http://h/hooks/b/\x1b]x", "-H", f"x-evil: {evil}", "-H", "x-\u009bname: v")
    ] + [b"--data-raw", evil.encode()]


def test_curl_command_get_head_and_binary():
    assert curl.curl_command("http://h/hooks/b", "GET", [], b"") == "curl http://h/hooks/b"
    assert curl.curl_command("http://h/hooks/b", "HEAD", [], b"") == "curl --head http://h/hooks/b"
    binary = b"\x00\xff\xfe binary"
    command = curl.curl_command("http://h/hooks/b", "POST", [], binary)
    pipe, call = command.rsplit(" | ", 1)
    assert shlex.split(call) == ["curl", "-X", "POST", "http://h/hooks/b", "--data-binary", "@-"]
    # The printf | base64 -d part really produces the body's bytes.
    assert subprocess.run(["sh", "-c", pipe], capture_output=True, check=True).stdout == binary


# --- api_curl: the API docs' "Try it" commands ------------------------------------------------


def test_api_curl_post_json_body():
    command = curl.api_curl("https://tools.example/api/hash", "POST", '{"input": "abc"}')
    assert command == (
        "curl -X POST https://tools.example/api/hash -H 'Content-Type: application/json'"
        ' --data-raw \'{"input": "abc"}\''
    )
    assert shell_argv(command) == [
        b"-X", b"POST", b"https://tools.example/api/hash",
        b"-H", b"Content-Type: application/json", b"--data-raw", b'{"input": "abc"}',
    ]  # fmt: skip


@pytest.mark.parametrize(
    "text, quoted",
    [
        ("it's", "'it'\"'\"'s'"),  # a single quote ends '…', so it is spliced in between two quoted parts
        ("$HOME `id` $(id) !!", "'$HOME `id` $(id) !!'"),  # nothing is expanded inside '…'
        ("line 1\nline 2", "$'line 1\\nline 2'"),  # a raw newline would end a pasted command line
        ("café ☕ 日本 \U0001f600", "'café ☕ 日本 \U0001f600'"),  # printable Unicode stays as it is
        ("it's\n$HOME", "$'it\\'s\\n$HOME'"),  # $'…' has no expansion either
    ],
)
def test_api_curl_body_quoting_round_trips(text, quoted):
    body = json.dumps({"input": text}, ensure_ascii=False)
    command = curl.api_curl("http://127.0.0.1:5000/api/case", "POST", body)
    assert command.endswith(" --data-raw " + curl.shell_quote(body))
    assert curl.shell_quote(text) == quoted
    assert shell_argv(command)[-1] == body.encode()
    assert not RAW_CONTROL.search(command)


def test_api_curl_get_and_delete_for_an_owner_carry_a_token_placeholder():
    get = curl.api_curl("http://h/api/notes?q=milk+eggs", "GET", owner_only=True)
    assert get == "curl 'http://h/api/notes?q=milk+eggs' -H 'Authorization: Bearer <token>'"
    assert shlex.split(get) == ["curl", "http://h/api/notes?q=milk+eggs", "-H", "Authorization: Bearer <token>"]
    delete = curl.api_curl("http://h/api/notes/7", "DELETE", owner_only=True)
    token = "Authorization: Bearer <token>"
    assert shlex.split(delete) == ["curl", "-X", "DELETE", "http://h/api/notes/7", "-H", token]


def test_api_curl_put_with_a_token_and_a_body():
    command = curl.api_curl("http://h/api/notes/7", "PUT", '{"title": "x", "version": 1}', owner_only=True)
    assert shell_argv(command) == [
        b"-X", b"PUT", b"http://h/api/notes/7", b"-H", b"Authorization: Bearer <token>",
        b"-H", b"Content-Type: application/json", b"--data-raw", b'{"title": "x", "version": 1}',
    ]  # fmt: skip
