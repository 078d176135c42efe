"""HTTP and HTTPS servers on loopback for the network tools' tests: no test reaches another machine.

    with LoopbackHTTP({"/": Answer(200, [("Content-Type", "text/html")], b"hi")}) as server:
        server.url("/")                 # "http://127.0.0.1:<port>/"
        server.requests                 # every request seen: (method, path, headers)
        server.connections              # every connection accepted, even one that sent nothing

`tls=trustme cert` serves HTTPS with that certificate (and its chain); `host="127.0.0.2"` listens on
another loopback address (a rebinding test tells two servers apart by address).
"""

from __future__ import annotations

import ssl
import threading
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Answer:
    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""


class LoopbackHTTP:
    def __init__(self, routes: dict[str, Answer], *, tls=None, host: str = "127.0.0.1", port: int = 0) -> None:
        self.routes = routes
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.connections = 0
        self.host = host
        self.server = ThreadingHTTPServer((host, port), self._handler())
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.scheme = "https" if tls is not None else "http"
        if tls is not None:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            tls.configure_cert(context)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)

    def url(self, path: str = "/", host: str | None = None) -> str:
        return f"{self.scheme}://{host or self.host}:{self.port}{path}"

    def _handler(self):
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                owner.connections += 1
                super().setup()

            def answer(self, with_body: bool) -> None:
                owner.requests.append((self.command, self.path, dict(self.headers.items())))
                found = owner.routes.get(self.path.split("?")[0], Answer(404, [], b"not found"))
                self.send_response(found.status)
                for name, value in found.headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(found.body)))
                self.send_header("Connection", "close")
                self.end_headers()
                if with_body:
                    self.wfile.write(found.body)

            def do_GET(self) -> None:
                self.answer(True)

            def do_HEAD(self) -> None:
                self.answer(False)

            def log_message(self, *args) -> None: ...

        return Handler

    def __enter__(self) -> LoopbackHTTP:
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


@asynccontextmanager
async def signed_in_client(database_url: str, **env: str):
    """A client of the app (network tools allowed for the loopback servers) and an account's token headers."""
    from core.auth import create_token, create_user
    from tests.conftest import make_app

    application = make_app(database_url, **{"MYTOOLS_NETWORK_ALLOW": "127.0.0.1/32", **env})
    async with application.test_app():
        async with application.app_context():
            await create_user("owner", "correct horse battery")
            token = await create_token("owner")
        yield application.test_client(), {"Authorization": f"Bearer {token}"}
