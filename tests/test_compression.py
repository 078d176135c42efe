"""core.compression on raw ASGI messages: what is compressed, what is held, which headers change."""

from __future__ import annotations

import gzip

from core.compression import GZIP_MINIMUM_SIZE, CompressionMiddleware

BIG = b"mytools " * 200  # 1600 bytes, compresses well


def app_sending(headers: list[tuple[bytes, bytes]], chunks: list[bytes]):
    """An ASGI app that answers like Quart: the start, each chunk with more_body, then an empty last one."""

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        for chunk in chunks:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    return app


async def run(app, request_headers: list[tuple[bytes, bytes]]):
    sent = []

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": "/", "headers": request_headers}
    await CompressionMiddleware(app)(scope, None, send)
    start, bodies = sent[0], sent[1:]
    return dict(start["headers"]), bodies


def length(n: int) -> tuple[bytes, bytes]:
    return (b"content-length", str(n).encode())


async def test_a_big_body_is_gzipped_as_a_stream_with_a_weak_etag_and_vary():
    app = app_sending([length(len(BIG)), (b"etag", b'"abc"'), (b"vary", b"HX-Request")], [BIG[:700], BIG[700:]])
    headers, bodies = await run(app, [(b"accept-encoding", b"gzip, br")])
    assert headers[b"content-encoding"] == b"gzip" and b"content-length" not in headers
    assert headers[b"etag"] == b'W/"abc"' and headers[b"vary"] == b"HX-Request, Accept-Encoding"
    assert gzip.decompress(b"".join(m["body"] for m in bodies)) == BIG
    assert [m["more_body"] for m in bodies] == [True, True, False]


async def test_without_gzip_a_big_body_passes_unchanged_but_varies():
    app = app_sending([length(len(BIG)), (b"etag", b'"abc"')], [BIG])
    headers, bodies = await run(app, [])
    assert b"content-encoding" not in headers and headers[b"content-length"] == str(len(BIG)).encode()
    assert headers[b"etag"] == b'"abc"' and headers[b"vary"] == b"Accept-Encoding"
    assert b"".join(m["body"] for m in bodies) == BIG


async def test_a_small_body_in_chunks_goes_out_whole_and_uncompressed():
    small = b"x" * (GZIP_MINIMUM_SIZE - 1)
    headers, bodies = await run(
        app_sending([length(len(small))], [small[:100], small[100:]]), [(b"accept-encoding", b"gzip")]
    )
    assert b"content-encoding" not in headers and b"vary" not in headers
    assert bodies == [{"type": "http.response.body", "body": small, "more_body": False}]


async def test_encoded_bodies_and_event_streams_pass_through():
    for extra in ((b"content-encoding", b"br"), (b"content-type", b"text/event-stream")):
        headers, bodies = await run(app_sending([extra, (b"etag", b'"e"')], [BIG]), [(b"accept-encoding", b"gzip")])
        assert headers.get(b"content-encoding") != b"gzip" and b"vary" not in headers
        assert b"".join(m["body"] for m in bodies) == BIG
        # An already encoded body is another representation too: its ETag is weak.
        assert headers[b"etag"] == (b'W/"e"' if extra[0] == b"content-encoding" else b'"e"')


async def test_a_whole_big_body_in_one_message_keeps_a_content_length():
    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": BIG, "more_body": False})

    headers, bodies = await run(app, [(b"accept-encoding", b"gzip")])
    assert headers[b"content-encoding"] == b"gzip"
    assert int(headers[b"content-length"]) == len(bodies[0]["body"]) < len(BIG) / 10
    assert gzip.decompress(bodies[0]["body"]) == BIG
