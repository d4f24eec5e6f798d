"""JSON over HTTP for every platform client: the shared session, timeouts, redaction and the call record.

:class:`JsonHttpClient` sends one request, turns transport failures and HTTP statuses into the error family of
``errors.py``, and hands a :class:`CallRecord` of every call to an optional ``on_call`` callback (the sync engine
stores them as attempt rows). Platform subclasses only say how a decoded body is judged (:meth:`check_payload`)
and where its code and message live.

Every client holds a :class:`~channels_sync.platforms.hosts.HostPolicy` and refuses, before any byte is sent, a
base URL the policy does not allow; the shared session's connections check again when they open (see
:class:`GuardedHTTPAdapter`), and a redirect is never followed.

Nothing here reads Django settings or touches the ORM, so the clients work in any process and in plain unit tests.
"""

from __future__ import annotations

import json
import logging
import mimetypes
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar

import requests
from django.utils.translation import gettext as _
from urllib3.exceptions import ConnectTimeoutError, MaxRetryError

from channels_sync.platforms.errors import (
    DestinationRefusedError,
    PlatformError,
    ProtocolError,
    RateLimitedError,
    RejectedError,
    ServerError,
    TransportError,
)
from channels_sync.platforms.hosts import HostPolicy
from channels_sync.platforms.redaction import install_log_redaction, redact, redact_text, truncate_for_record
from channels_sync.platforms.transport import AddressRefused, call_host_policy, is_guarded, shared_session

logger = logging.getLogger("channels_sync.platforms")

JSON_CONTENT_TYPE = "application/json; charset=utf-8"
# Retry-After assumed for an HTTP 429 that does not say.
DEFAULT_RETRY_AFTER_SECONDS = 60.0


@dataclass(frozen=True)
class Timeouts:
    """Seconds to wait for a connection and then for each read of the answer (``requests``' ``(connect, read)``)."""

    connect: float
    read: float

    def __post_init__(self) -> None:
        if self.connect <= 0 or self.read <= 0:
            raise ValueError("timeouts must be positive")

    def as_requests(self) -> tuple[float, float]:
        return (self.connect, self.read)


# --- the call record --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CallRecord:
    """What one HTTP call did, redacted, for the attempt log.

    ``endpoint`` is the path without the query; ``query`` holds the query parameters with secrets masked.
    ``request`` is the redacted JSON body, a short description of a binary body, or ``None``; ``response`` is
    the redacted (and possibly truncated) decoded body, a text preview when it was not JSON, or ``None`` when no
    answer arrived. ``error`` is the raised error's class name, ``None`` on success.
    """

    endpoint: str
    method: str
    started_at: datetime
    duration_ms: int
    http_status: int | None
    errcode: int | None
    errmsg: str
    request: dict[str, Any] | str | None
    response: dict[str, Any] | str | None
    error: str | None
    query: dict[str, str]

    @property
    def ok(self) -> bool:
        return self.error is None


OnCall = Callable[[CallRecord], None]


@dataclass(frozen=True)
class _Answer:
    """A received HTTP answer: its status and its body decoded as a JSON object (``None`` when it is not one)."""

    status: int
    payload: dict[str, Any] | None
    text_preview: str
    retry_after: str | None


# --- the base client --------------------------------------------------------------------------------------------


def guess_content_type(filename: str) -> str:
    """The content type of a file by the extension of ``filename``; ``application/octet-stream`` when unknown."""
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


def normalize_base_url(base_url: str) -> str:
    """``base_url`` without trailing slashes, so ``https://h/`` and ``https://h`` build the same URLs.

    Any text is accepted: whether it may be called is the client's :class:`HostPolicy`'s decision, made at each
    call, so a refused base URL fails the call (and the job) with its reason instead of the construction.
    """
    return base_url.strip().rstrip("/")


class JsonHttpClient:
    """A JSON-over-HTTP client bound to one base URL (one shop, or the emulator).

    Subclasses override :meth:`check_payload` to raise the platform's errors from a decoded 2xx/4xx body, and
    :meth:`errcode_of`/:meth:`errmsg_of` when the code and message have other names than ``errcode``/``errmsg``.

    ``host_policy`` says which base URLs may be called (the adapters build it from the settings); without one, only
    the platform's own :attr:`api_hosts` over HTTPS. A ``session`` must come from :func:`new_session`, whose
    connections check their destination again.
    """

    # The platform's production API hosts: the policy of a client that is given none.
    api_hosts: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self,
        base_url: str,
        *,
        timeouts: Timeouts,
        on_call: OnCall | None = None,
        session: requests.Session | None = None,
        host_policy: HostPolicy | None = None,
    ) -> None:
        if session is not None and not is_guarded(session):
            raise ValueError("session must come from new_session(): its connections check where they go")
        self.base_url = normalize_base_url(base_url)
        self.timeouts = timeouts
        self.on_call = on_call
        self._session = session
        self.host_policy = host_policy if host_policy is not None else self.default_host_policy()
        install_log_redaction()

    @classmethod
    def default_host_policy(cls) -> HostPolicy:
        """The policy of a client given none: the platform's :attr:`api_hosts` over HTTPS, no emulator."""
        return HostPolicy.build(hosts=cls.api_hosts)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    @property
    def session(self) -> requests.Session:
        return self._session if self._session is not None else shared_session()

    # -- hooks -----------------------------------------------------------------------------------------------

    def errcode_of(self, payload: Mapping[str, Any]) -> int | None:
        errcode = payload.get("errcode")
        return errcode if isinstance(errcode, int) and not isinstance(errcode, bool) else None

    def errmsg_of(self, payload: Mapping[str, Any]) -> str:
        errmsg = payload.get("errmsg")
        return errmsg if isinstance(errmsg, str) else ""

    def check_payload(
        self, payload: dict[str, Any], *, endpoint: str, http_status: int, secrets: tuple[str, ...] = ()
    ) -> None:
        """Raise a :class:`PlatformError` when the decoded body reports a failure. The default accepts anything.

        ``secrets`` are to be masked from any message built from the body (see :func:`redact_text`).
        """

    # -- the call --------------------------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json_body: Mapping[str, Any] | None = None,
        raw_body: bytes | None = None,
        content_type: str = "application/octet-stream",
        timeouts: Timeouts | None = None,
        secrets: Iterable[str] = (),
    ) -> dict[str, Any]:
        """Send one request and return the decoded JSON object of a successful answer.

        ``json_body`` is sent as UTF-8 JSON with Chinese text kept as is; ``raw_body`` as bytes with
        ``content_type``. ``secrets`` are literal values (e.g. the access token) masked from the record, the log
        and error messages wherever they appear. Raises the error family of ``errors.py``; every call, failed or
        not, produces exactly one :class:`CallRecord`.
        """
        if "?" in path:
            # The endpoint is recorded and logged as the path, so a query must come through ``params`` to be
            # redacted.
            raise ValueError("pass query parameters in params, not in the path")
        secrets = tuple(secrets)
        body, headers, request_record = _encode_body(json_body, raw_body, content_type, secrets)
        call = _Call(
            method=method,
            endpoint="/" + path.lstrip("/"),
            query={key: str(value) for key, value in redact(dict(params or {}), secrets).items()},
            request_record=request_record,
            secrets=secrets,
        )
        answer: _Answer | None = None
        try:
            self._check_destination(call)
            answer = self._send(call, params, body, headers, timeouts or self.timeouts)
            payload = self._judge(answer, call)
        except PlatformError as error:
            self._report(call, answer, error)
            raise
        self._report(call, answer, None)
        return payload

    def _check_destination(self, call: _Call) -> None:
        """Refuse a base URL the policy does not allow, before a connection is even looked for."""
        refusal = self.host_policy.refusal(self.base_url)
        if refusal is not None:
            raise DestinationRefusedError(refusal, endpoint=call.endpoint)

    def _send(
        self,
        call: _Call,
        params: Mapping[str, str] | None,
        body: bytes | None,
        headers: dict[str, str],
        timeouts: Timeouts,
    ) -> _Answer:
        policy = call_host_policy.set(self.host_policy)
        try:
            response = self.session.request(
                call.method,
                self.base_url + call.endpoint,
                params=dict(params) if params else None,
                data=body,
                headers=headers,
                timeout=timeouts.as_requests(),
                # Never followed: a redirect would turn a POST into a GET and drop the body, and would send the
                # call (and its token) to an address no policy checked.
                allow_redirects=False,
            )
            content = response.content
        except AddressRefused as refused:
            raise DestinationRefusedError(str(refused), endpoint=call.endpoint) from None
        except requests.RequestException as exc:
            # ``from None``: the original message holds the full URL, access token included.
            raise transport_error(exc, call.endpoint) from None
        finally:
            call_host_policy.reset(policy)
        return _Answer(
            status=response.status_code,
            payload=_decode_object(content),
            text_preview=content[:500].decode("utf-8", errors="replace"),
            retry_after=response.headers.get("Retry-After"),
        )

    def _judge(self, answer: _Answer, call: _Call) -> dict[str, Any]:
        """Turn an answer into its payload, or raise the error it means."""
        payload, status, endpoint = answer.payload, answer.status, call.endpoint
        errcode = self.errcode_of(payload) if payload is not None else None
        errmsg = redact_text(self.errmsg_of(payload), call.secrets) if payload is not None else ""
        common: dict[str, Any] = {"endpoint": endpoint, "http_status": status, "errcode": errcode}
        if status >= 500:
            raise ServerError(errmsg or f"HTTP {status}", **common)
        if status == 429:
            raise RateLimitedError(errmsg or "too many requests", retry_after=_retry_after(answer), **common)
        if 300 <= status < 400:
            # The Location is not followed, and not quoted either: it is the answering server's choice.
            raise DestinationRefusedError(
                _("The answer is a redirect (HTTP %(status)d), which is never followed: check the shop's base URL.")
                % {"status": status},
                outcome_unknown=True,
                **common,
            )
        if payload is None:
            if status >= 400:
                raise RejectedError(None, f"HTTP {status}", endpoint=endpoint, http_status=status)
            raise ProtocolError("the answer is not a JSON object", **common)
        self.check_payload(payload, endpoint=endpoint, http_status=status, secrets=call.secrets)
        if status >= 400:
            raise RejectedError(errcode, errmsg or f"HTTP {status}", endpoint=endpoint, http_status=status)
        return payload

    def _report(self, call: _Call, answer: _Answer | None, error: PlatformError | None) -> None:
        """Log the call and hand its record to ``on_call``."""
        record = call.record(answer, error, self)
        _log_call(record, error)
        if self.on_call is None:
            return
        try:
            self.on_call(record)
        except Exception:
            # The call itself has happened; failing it now would hide a success (and invite a duplicate).
            logger.exception("platform.on_call.failed", extra={"endpoint": call.endpoint})


@dataclass
class _Call:
    """One call in progress: what the record needs from before the answer."""

    method: str
    endpoint: str
    query: dict[str, str]
    request_record: dict[str, Any] | str | None
    secrets: tuple[str, ...]
    started_at: datetime = field(default_factory=lambda: datetime.now(tz=UTC))
    started: float = field(default_factory=time.monotonic)

    def record(self, answer: _Answer | None, error: PlatformError | None, client: JsonHttpClient) -> CallRecord:
        if error is not None:
            errcode, errmsg = error.errcode, error.errmsg
        elif answer is not None and answer.payload is not None:
            errcode, errmsg = (
                client.errcode_of(answer.payload),
                redact_text(client.errmsg_of(answer.payload), self.secrets),
            )
        else:
            errcode, errmsg = None, ""
        return CallRecord(
            endpoint=self.endpoint,
            method=self.method,
            started_at=self.started_at,
            duration_ms=round((time.monotonic() - self.started) * 1000),
            http_status=answer.status if answer else None,
            errcode=errcode,
            errmsg=errmsg,
            request=self.request_record,
            response=_response_record(answer, self.secrets),
            error=type(error).__name__ if error else None,
            query=self.query,
        )


# --- helpers ----------------------------------------------------------------------------------------------------


def _encode_body(
    json_body: Mapping[str, Any] | None, raw_body: bytes | None, content_type: str, secrets: tuple[str, ...]
) -> tuple[bytes | None, dict[str, str], dict[str, Any] | str | None]:
    """The bytes to send, their headers, and how the request body appears in the record."""
    if json_body is not None and raw_body is not None:
        raise ValueError("send either json_body or raw_body, not both")
    if json_body is not None:
        body = json.dumps(json_body, ensure_ascii=False).encode("utf-8")
        return body, {"Content-Type": JSON_CONTENT_TYPE}, truncate_for_record(redact(json_body, secrets))
    if raw_body is not None:
        return raw_body, {"Content-Type": content_type}, f"<{len(raw_body)} bytes, {content_type}>"
    return None, {}, None


def _decode_object(content: bytes) -> dict[str, Any] | None:
    # Decoded from the bytes as UTF-8 whatever the Content-Type says: WeChat often labels JSON as text/plain
    # without a charset, which requests would read as Latin-1.
    try:
        data = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _response_record(answer: _Answer | None, secrets: tuple[str, ...]) -> dict[str, Any] | str | None:
    if answer is None:
        return None
    if answer.payload is None:
        return redact_text(answer.text_preview, secrets)
    return truncate_for_record(redact(answer.payload, secrets))


def _retry_after(answer: _Answer) -> float:
    try:
        return max(0.0, float(answer.retry_after)) if answer.retry_after else DEFAULT_RETRY_AFTER_SECONDS
    except ValueError:
        # An HTTP-date Retry-After is rare on APIs; the default window is a safe reading of it.
        return DEFAULT_RETRY_AFTER_SECONDS


def transport_error(exc: requests.RequestException, endpoint: str) -> TransportError:
    sent = _may_have_been_sent(exc)
    if isinstance(exc, requests.ConnectTimeout):
        summary = "connect timeout"
    elif isinstance(exc, requests.ReadTimeout):
        summary = "read timeout"
    else:
        summary = "connection lost after sending" if sent else "could not connect"
    return TransportError(f"{summary} ({_describe_exception(exc)})", endpoint=endpoint, outcome_unknown=sent)


def _may_have_been_sent(exc: requests.RequestException) -> bool:
    """Whether the platform may have received (and applied) the request.

    Only a failure to connect proves it was not sent; a read timeout, a reset or a body cut short after the
    request went out leave the outcome unknown.
    """
    if isinstance(exc, requests.ConnectTimeout):
        return False
    if isinstance(exc, requests.ConnectionError) and exc.args:
        cause = exc.args[0]
        # urllib3 reports a refused or unresolvable connection as MaxRetryError(reason=NewConnectionError),
        # a subclass of ConnectTimeoutError.
        if isinstance(cause, MaxRetryError) and isinstance(cause.reason, ConnectTimeoutError):
            return False
    # Invalid URLs, schemes or headers fail before anything is sent.
    return not isinstance(
        exc,
        requests.exceptions.InvalidURL
        | requests.exceptions.InvalidSchema
        | requests.exceptions.MissingSchema
        | requests.exceptions.InvalidHeader,
    )


def _describe_exception(exc: BaseException) -> str:
    """Class names of the exception and its underlying causes, e.g. ``"ConnectionError: RemoteDisconnected"``.

    Never ``str(exc)``: requests puts the full URL, query string and access token in its messages.
    """
    names = [type(exc).__name__]
    current: object = exc.args[0] if exc.args else None
    for _depth in range(4):
        if isinstance(current, MaxRetryError):
            current = current.reason
            continue
        if not isinstance(current, BaseException):
            break
        names.append(type(current).__name__)
        nested = [arg for arg in current.args if isinstance(arg, BaseException)]
        current = nested[0] if nested else None
    return ": ".join(dict.fromkeys(names))


def _log_call(record: CallRecord, error: PlatformError | None) -> None:
    extra = {
        "endpoint": record.endpoint,
        "method": record.method,
        "duration_ms": record.duration_ms,
        "http_status": record.http_status,
        "errcode": record.errcode,
        "errmsg": record.errmsg,
    }
    if error is None:
        logger.info("platform.call", extra=extra)
        return
    extra.update(error=type(error).__name__, outcome_unknown=error.outcome_unknown, retryable=error.retryable)
    logger.warning("platform.call.failed", extra=extra)
