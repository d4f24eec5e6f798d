"""The emulator as a WSGI application and a threaded HTTP server (design §6).

:class:`Emulator` owns the fault injector, the control endpoints and the state file, and routes each request:
control endpoints under ``/__sandbox__/``, everything else to the platform that registered the ``(method, path)``.
It knows no platform of its own but the WeChat token endpoints: whoever builds it names the platforms it serves
(``sandbox.emulator.Sandbox`` names them all). :class:`SandboxServer` serves it on a port, in the foreground
(``python -m sandbox``) or in a background thread (tests).
"""

from __future__ import annotations

import contextlib
import http
import json
import logging
import os
import re
import socket
import socketserver
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from sandbox.core.base import (
    ERR_INVALID_URL,
    ERR_REQUIRE_GET,
    ERR_REQUIRE_POST,
    ERR_SYSTEM,
    JSON_CONTENT_TYPE,
    ApiError,
    Handler,
    Platform,
    Request,
    Response,
)
from sandbox.core.control import ControlEndpoints
from sandbox.core.faults import FaultInjector, Outcome
from sandbox.core.services import Services
from sandbox.core.state_file import (
    FORMAT_NAME,
    FORMAT_VERSION,
    LoadReport,
    StateFile,
    StateFormatError,
    StateSaver,
    decode,
    encode,
)
from sandbox.core.tokens import TokenEndpoints

logger = logging.getLogger(__name__)

DEFAULT_PORT = 8765
# The WSGI environ key under which the request handler exposes the client socket, so a dropped answer can
# really close the connection.
CONNECTION_KEY = "sandbox.connection"
# How often serve_forever checks for shutdown; stop() waits up to this long. Tests pass a smaller value.
POLL_INTERVAL_SECONDS = 0.5
# How often a running server lets time-driven work fall due (Channels audits), in real time.
TICK_INTERVAL_SECONDS = 0.25
_QUERY = re.compile(r"\?\S*")

StartResponse = Callable[..., Any]


@dataclass(frozen=True)
class Dispatch:
    response: Response
    # "close" or "504" when a fault drops the answer after the call was applied.
    drop_mode: str | None = None


class Emulator:
    """The WeChat token endpoints, the given platforms and the control endpoints, as one WSGI application."""

    def __init__(
        self,
        services: Services,
        platforms: Sequence[Platform],
        *,
        state_file: str | os.PathLike[str] | None = None,
    ) -> None:
        self.ctx = services.ctx
        self.tokens = services.tokens
        self.pushes = services.pushes
        self.faults = FaultInjector(self.ctx.ids.chance)
        self.platforms: list[Platform] = [TokenEndpoints(self.ctx, self.tokens), *platforms]
        self.control = ControlEndpoints(self)
        self._routes: dict[tuple[str, str], tuple[Platform, Handler]] = {}
        for platform in [*self.platforms, self.control]:
            self._register(platform)
        # The state file (off unless given): loaded now, saved while a server serves this emulator and when it stops.
        self.state_saver: StateSaver | None = None
        self.state_report: LoadReport | None = None
        if state_file is not None:
            self._load_state(StateFile(state_file))

    # --- state file ---------------------------------------------------------------------------------------------

    def export_state(self) -> dict[str, Any]:
        """The whole state as the state file stores it. Called with the lock held."""
        return {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "saved_at": self.ctx.now(),
            "clock_offset": self.ctx.clock.offset,
            "ids": self.ctx.ids.export_state(),
            "applied_last_seq": self.ctx.applied.last_seq,
            "tokens": encode(self.tokens.export_state()),
            "platforms": {
                platform.name: encode(exported)
                for platform in self.platforms
                if (exported := platform.export_state()) is not None
            },
        }

    def _load_state(self, state_file: StateFile) -> None:
        report = state_file.read()
        if report.state is not None:
            try:
                with self.ctx.lock:
                    self._import_state(report.state)
            except (StateFormatError, AttributeError, KeyError, TypeError, ValueError) as error:
                with self.ctx.lock:
                    self._forget_everything()
                report = state_file.set_aside(f"it does not fit this emulator: {error}")
        self.state_report = report
        self.state_saver = StateSaver(
            state_file, lock=self.ctx.lock, export=self.export_state, version=lambda: self.ctx.state_version
        )
        if report.state is not None:
            self.state_saver.mark_saved()
        logger.info("sandbox.state.loaded", extra={"detail": report.describe()})

    def _import_state(self, document: dict[str, Any]) -> None:
        """Decode every part first, then hand each platform its part: a file that does not fit changes nothing."""
        platforms = document["platforms"]
        if not isinstance(platforms, dict):
            raise StateFormatError("the platforms' states are not an object")
        unknown = sorted(set(platforms) - {platform.name for platform in self.platforms})
        if unknown:
            raise StateFormatError(f"unknown platform(s) {', '.join(unknown)}")
        decoded = {name: decode(data) for name, data in platforms.items()}
        tokens = decode(document["tokens"])
        offset, last_seq = document["clock_offset"], document["applied_last_seq"]
        if isinstance(offset, bool) or not isinstance(offset, int | float) or not isinstance(last_seq, int):
            raise StateFormatError("the clock offset or the applied-log number is not a number")
        for platform in self.platforms:
            if platform.name in decoded:
                platform.import_state(decoded[platform.name])
        self.tokens.import_state(tokens)
        self.ctx.clock.offset = float(offset)
        self.ctx.ids.import_state(document.get("ids"))
        self.ctx.applied.continue_from(last_seq)

    def _forget_everything(self) -> None:
        for platform in self.platforms:
            platform.reset(None)
        self.tokens.reset(None)

    def save_state(self) -> None:
        """Write the state file now, if there is one (``reset`` does, so that a reset survives a crash)."""
        if self.state_saver is not None:
            self.state_saver.save_now()

    def _register(self, platform: Platform) -> None:
        for key, handler in platform.routes().items():
            if key in self._routes:
                raise ValueError(f"route {key} is registered twice")
            self._routes[key] = (platform, handler)

    def route_keys(self) -> list[tuple[str, str]]:
        return list(self._routes)

    def tick(self) -> None:
        """Let every platform apply what has fallen due by the sandbox clock (Channels audits)."""
        with self.ctx.lock:
            for platform in self.platforms:
                platform.tick()

    # --- dispatch -----------------------------------------------------------------------------------------------

    def dispatch(self, request: Request) -> Dispatch:
        route = self._routes.get((request.method, request.path))
        if route is None:
            response = self._no_route(request)
            self._log(request, response, "no_route", None)
            return Dispatch(response)
        platform, handler = route
        if platform is self.control:
            response = self._call(platform, handler, request)
            self._log(request, response, "control", None)
            return Dispatch(response)

        decision = self.faults.decide(request.path)
        if decision.latency_s:
            time.sleep(decision.latency_s)
        if decision.outcome is Outcome.HTTP_5XX:
            response = Response.text(
                "<html><body><h1>502 Bad Gateway</h1></body></html>", status=502, content_type="text/html"
            )
        elif decision.outcome is Outcome.SYSTEM_ERROR:
            response = platform.error_response(ApiError(ERR_SYSTEM, "system error"))
        elif decision.outcome is Outcome.ERRCODE:
            response = platform.error_response(ApiError(decision.errcode, decision.errmsg))
        else:
            with self.ctx.lock:
                first_seq = self.ctx.applied.last_seq
                response = self._call(platform, handler, request, authenticate=True)
                if decision.drop_mode:
                    for effect in self.ctx.applied.since(first_seq):
                        effect.response_dropped = True
        self._log(request, response, decision.outcome.value, decision.drop_mode)
        return Dispatch(response, decision.drop_mode)

    def _call(self, platform: Platform, handler: Handler, request: Request, *, authenticate: bool = False) -> Response:
        try:
            if authenticate:
                request.appid = platform.authenticate(request)
            result = handler(request)
        except ApiError as error:
            return platform.error_response(error)
        except Exception:
            # A sandbox bug, not a platform answer: make it loud for the test that hit it.
            logger.exception("sandbox.handler.crashed", extra={"http_path": request.path})
            return Response.json({"errcode": ERR_SYSTEM, "errmsg": "sandbox internal error"}, status=500)
        return result if isinstance(result, Response) else Response.json(result)

    def _no_route(self, request: Request) -> Response:
        methods = {method for method, path in self._routes if path == request.path}
        if not methods:
            return Response.json({"errcode": ERR_INVALID_URL, "errmsg": "invalid url"}, status=404)
        platform = next(platform for (method, path), (platform, _) in self._routes.items() if path == request.path)
        if "POST" in methods:
            return platform.error_response(ApiError(ERR_REQUIRE_POST, "require POST method"))
        if "GET" in methods:
            return platform.error_response(ApiError(ERR_REQUIRE_GET, "require GET method"))
        return Response.text("method not allowed", status=405)

    @staticmethod
    def _log(request: Request, response: Response, fault: str, drop_mode: str | None) -> None:
        # Only the path: the query string carries access tokens and app secrets.
        logger.info(
            "sandbox.call",
            extra={
                "http_method": request.method,
                "http_path": request.path,
                "appid": request.appid,
                "http_status": response.status,
                "errcode": _errcode(response),
                "fault": fault if drop_mode is None else f"drop_{drop_mode}",
            },
        )

    # --- WSGI ---------------------------------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        request = request_from_environ(environ)
        dispatch = self.dispatch(request)
        response = dispatch.response
        if dispatch.drop_mode == "close" and environ.get(CONNECTION_KEY) is not None:
            _close_connection(environ[CONNECTION_KEY])
        elif dispatch.drop_mode:
            response = Response.text("504 Gateway Time-out", status=504)
        reason = http.HTTPStatus(response.status).phrase
        headers = [("Content-Type", response.content_type), ("Content-Length", str(len(response.body)))]
        start_response(f"{response.status} {reason}", [*headers, *response.headers])
        return [response.body]


def _errcode(response: Response) -> int | None:
    """The errcode of a JSON answer, for the call log (a token answer has none)."""
    if response.content_type != JSON_CONTENT_TYPE:
        return None
    try:
        body = json.loads(response.body)
    except ValueError:
        return None
    return body.get("errcode") if isinstance(body, dict) else None


def request_from_environ(environ: dict[str, Any]) -> Request:
    # PEP 3333 hands the path over as latin-1 text; re-encoding recovers the UTF-8 the client sent.
    path = environ.get("PATH_INFO", "/").encode("latin-1").decode("utf-8", "replace")
    query = {
        key: values[-1]
        for key, values in urllib.parse.parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True).items()
    }
    headers = {key[5:].replace("_", "-").lower(): value for key, value in environ.items() if key.startswith("HTTP_")}
    if environ.get("CONTENT_TYPE"):
        headers["content-type"] = environ["CONTENT_TYPE"]
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    return Request(
        method=environ.get("REQUEST_METHOD", "GET").upper(), path=path, query=query, headers=headers, body=body
    )


def _close_connection(connection: socket.socket) -> None:
    """Shut the client connection without an answer. wsgiref's later write fails with BrokenPipeError, which it
    treats as a client that went away."""
    with contextlib.suppress(OSError):
        connection.shutdown(socket.SHUT_RDWR)


class _ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True
    # socketserver's default backlog of 5 drops connections under parallel load (a dropped SYN costs the
    # client a one-second retransmit), which would distort concurrency tests and benchmarks.
    request_queue_size = 128


class _RequestHandler(WSGIRequestHandler):
    def get_environ(self) -> dict[str, Any]:
        environ = super().get_environ()
        environ[CONNECTION_KEY] = self.connection
        return environ

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        # Emulator.dispatch logs each call itself, without the query string.
        pass

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        logger.warning("sandbox.http.problem", extra={"detail": _QUERY.sub("?…", format % args)})


class SandboxServer:
    """Serves an :class:`Emulator` over HTTP with one thread per connection.

    While it serves, a timer thread calls :meth:`Emulator.tick` every ``tick_interval`` seconds (None: never), so
    audits finish and their events go out in real time even when nobody calls.
    """

    def __init__(
        self,
        sandbox: Emulator,
        host: str = "127.0.0.1",
        port: int = DEFAULT_PORT,
        *,
        poll_interval: float = POLL_INTERVAL_SECONDS,
        tick_interval: float | None = TICK_INTERVAL_SECONDS,
    ) -> None:
        self.sandbox = sandbox
        self.poll_interval = poll_interval
        self.tick_interval = tick_interval
        self._httpd = make_server(host, port, sandbox, server_class=_ThreadingWSGIServer, handler_class=_RequestHandler)
        self._thread: threading.Thread | None = None

    @property
    def address(self) -> tuple[str, int]:
        host, port = self._httpd.server_address[:2]
        return str(host), int(port)

    @property
    def url(self) -> str:
        host, port = self.address
        return f"http://{host}:{port}"

    def serve_forever(self) -> None:
        """Serve until :meth:`stop` (or an exception, such as Ctrl-C, in the serving thread); then save the state
        file one last time, if the sandbox has one."""
        stop_ticking = threading.Event()
        ticker = None
        if self.tick_interval:
            ticker = threading.Thread(target=self._tick, args=(stop_ticking,), name="sandbox-tick", daemon=True)
            ticker.start()
        saver = self.sandbox.state_saver
        if saver is not None:
            saver.start()
        try:
            self._httpd.serve_forever(poll_interval=self.poll_interval)
        finally:
            stop_ticking.set()
            if ticker is not None:
                ticker.join()
            if saver is not None:
                saver.stop()

    def _tick(self, stop: threading.Event) -> None:
        assert self.tick_interval
        while not stop.wait(self.tick_interval):
            try:
                self.sandbox.tick()
            except Exception:  # a sandbox bug: log it and keep the timer alive
                logger.exception("sandbox.tick.crashed")

    def start(self) -> str:
        """Serve in a background thread; returns the base URL."""
        self._thread = threading.Thread(target=self.serve_forever, name="sandbox-server", daemon=True)
        self._thread.start()
        return self.url

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> SandboxServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
