"""A canned-answer HTTP server, a fixed token source and the clients' host policy, for tests that need exact bytes
or odd answers."""

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from channels_sync.platforms.hosts import HostPolicy
from tests.conftest import TEST_SANDBOX_ORIGINS

TOKEN = "TOKEN-0123456789-abcdefghij"
# What the clients under test may call: the emulator and the stub, both on 127.0.0.1 at a free port.
EMULATOR_POLICY = HostPolicy.build(emulator_origins=TEST_SANDBOX_ORIGINS)


class StaticTokens:
    """A token source that always hands out the same token."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.invalidated: list[str] = []

    def get_token(self) -> str:
        return self.token

    def invalidate(self, failed_token: str) -> bool:
        self.invalidated.append(failed_token)
        return True


@dataclass
class Canned:
    status: int = 200
    body: bytes = b'{"errcode":0,"errmsg":"success"}'
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class StubServer:
    """Answers each request with the next canned answer and remembers what it received."""

    def __init__(self) -> None:
        self.answers: list[Canned] = []
        self.received: list[Received] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                stub.received.append(
                    Received(self.command, self.path, dict(self.headers), self.rfile.read(length) if length else b"")
                )
                canned = stub.answers.pop(0) if stub.answers else Canned()
                self.send_response(canned.status)
                for name, value in canned.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(canned.body)))
                self.end_headers()
                self.wfile.write(canned.body)

            do_GET = do_POST = _answer

            def log_message(self, *args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> "StubServer":
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
