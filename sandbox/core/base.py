"""Request, response and error primitives shared by every emulated platform.

A platform package (``sandbox.wechat_store``, ``sandbox.channels``…) subclasses :class:`Platform` and returns a
route table ``{(method, path): handler}``, usually merged from the tables of its sections (:func:`merge_routes`).
A handler receives a :class:`Request` and returns either a ``dict`` (sent as JSON) or a ready :class:`Response`;
it raises :class:`ApiError` to answer with a platform error. Nothing here imports Django or a database.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

JSON_CONTENT_TYPE = "application/json; charset=utf-8"

# Common WeChat codes (reference §1.3) that the request layer itself answers with.
ERR_SYSTEM = -1
ERR_EMPTY_BODY = 44002
ERR_BAD_JSON = 47001
ERR_REQUIRE_GET = 43001
ERR_REQUIRE_POST = 43002
ERR_INVALID_URL = 40066


class ApiError(Exception):
    """A platform error answer. ``http_status`` stays 200 for business errors, as WeChat does."""

    def __init__(self, errcode: int, errmsg: str, *, http_status: int = 200) -> None:
        super().__init__(f"{errcode} {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg
        self.http_status = http_status


def ok(**extra: Any) -> dict[str, Any]:
    """A WeChat success answer: ``errcode`` 0 and ``errmsg`` "ok", then ``extra``."""
    return {"errcode": 0, "errmsg": "ok", **extra}


def dump_json(data: Any) -> bytes:
    """Serialise like the platforms do: UTF-8 with Chinese text kept readable (``ensure_ascii=False``)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@dataclass(frozen=True)
class Response:
    """A complete HTTP answer."""

    status: int
    body: bytes
    content_type: str = JSON_CONTENT_TYPE
    headers: tuple[tuple[str, str], ...] = ()

    @classmethod
    def json(cls, data: Any, *, status: int = 200) -> Response:
        return cls(status=status, body=dump_json(data))

    @classmethod
    def text(cls, text: str, *, status: int, content_type: str = "text/plain; charset=utf-8") -> Response:
        return cls(status=status, body=text.encode("utf-8"), content_type=content_type)


@dataclass
class Request:
    """One HTTP request as a handler sees it.

    ``query`` keeps the last value of each query parameter; ``headers`` has lower-case names.
    ``appid`` is filled in by the platform's :meth:`Platform.authenticate` (from the access token) before
    the handler runs.
    """

    method: str
    path: str
    query: dict[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    appid: str | None = None

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    def json(self) -> dict[str, Any]:
        """The body as a JSON object; 44002 when empty, 47001 when it is not a JSON object."""
        if not self.body.strip():
            raise ApiError(ERR_EMPTY_BODY, "empty post data")
        return self._decode()

    def optional_json(self) -> dict[str, Any]:
        """Like :meth:`json`, but an empty body reads as ``{}`` (for calls whose fields are all optional)."""
        if not self.body.strip():
            return {}
        return self._decode()

    def _decode(self) -> dict[str, Any]:
        try:
            data = json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise ApiError(ERR_BAD_JSON, "data format error: the body is not valid JSON") from exc
        if not isinstance(data, dict):
            raise ApiError(ERR_BAD_JSON, "data format error: the body must be a JSON object")
        return data


Handler = Callable[[Request], "dict[str, Any] | Response"]
RouteTable = dict[tuple[str, str], Handler]


def merge_routes(*tables: RouteTable) -> RouteTable:
    """The route tables of a platform's sections as one; a route given twice is a mistake of the code."""
    merged: RouteTable = {}
    for table in tables:
        for key, handler in table.items():
            if key in merged:
                raise ValueError(f"route {key} is registered twice")
            merged[key] = handler
    return merged


class Platform:
    """One emulated remote platform: its routes, how it authenticates calls, its error shape and its state.

    Handlers run with the sandbox lock held, so they may read and change state freely.
    """

    name: ClassVar[str] = "platform"
    # Keys of ``POST /__sandbox__/config`` that this platform owns (see :meth:`prepare_config`).
    config_keys: ClassVar[frozenset[str]] = frozenset()

    def routes(self) -> RouteTable:
        raise NotImplementedError

    def control_routes(self) -> RouteTable:
        """Routes under ``/__sandbox__/`` this platform adds to the control API (the WeChat store's order
        generation). They run as the control endpoints do: no token, no faults, errors in the control API's shape,
        and without the lock held, so a handler takes the lock itself."""
        return {}

    def authenticate(self, request: Request) -> str | None:
        """The app id the call acts for, or ``None`` for calls that need no credentials.

        Raises :class:`ApiError` when the credentials are missing or wrong.
        """
        return None

    def error_body(self, error: ApiError) -> dict[str, Any]:
        """The JSON body of an error answer, in the platform's own shape (WeChat's by default)."""
        return {"errcode": error.errcode, "errmsg": error.errmsg}

    def error_response(self, error: ApiError) -> Response:
        return Response.json(self.error_body(error), status=error.http_status)

    def reset(self, appid: str | None) -> None:
        """Forget the state of one app, or of every app when ``appid`` is ``None``."""

    def snapshot(self, appid: str) -> dict[str, Any] | None:
        """A JSON-ready dump of one app's state for ``GET /__sandbox__/state``, or ``None`` if stateless."""
        return None

    def export_state(self) -> Any:
        """Everything the platform holds, for the state file (``state_file.encode`` turns it into JSON), or
        ``None`` when it holds nothing. Configuration (audit outcomes, quotas, event URLs) is not state: whoever
        set it sets it again. Called with the lock held."""
        return None

    def import_state(self, state: Any) -> None:
        """Take back what :meth:`export_state` gave (decoded from the state file); raise ``ValueError`` or
        ``TypeError`` when it does not fit, and the emulator starts empty instead."""

    def tick(self) -> None:
        """Apply whatever has fallen due by the sandbox clock (e.g. audits that finish after a delay).

        Called with the lock held by the server's timer and after ``POST /__sandbox__/clock``.
        """

    def config(self) -> dict[str, Any]:
        """The current values of :attr:`config_keys`, for ``GET /__sandbox__/config``."""
        return {}

    def prepare_config(self, body: dict[str, Any]) -> Callable[[], None]:
        """Check the keys of ``body`` this platform owns and return a function that applies them.

        Raises :class:`ApiError` for a bad value. Every platform checks before any applies, so a rejected config
        body changes nothing.
        """
        return lambda: None
