"""Client of Tencent Ads / 腾讯有数 sales information (API reference §5, seed 003; Marketing API conventions).

* Answers are ``{"code", "message", "message_cn", "errors", "data"}``; ``code`` 0 is a success.
* Every call carries ``access_token``, ``timestamp`` (seconds) and ``nonce`` in the query. Each call gets a fresh
  timestamp and a fresh random nonce (``secrets.token_hex(16)``, 32 characters), never reused: a call repeated
  after a refused token or a lost answer is a new call with a new nonce.
* The body is one JSON object (the seed's ``-d key=value`` fragments are a documentation slip, §5 "Conflict"),
  written by :func:`~.payloads.encode_request` so amounts keep exactly two decimals.
* The answer's ``X-TSA-Trace-Id`` and ``X-RateLimit-Remaining`` headers are logged and kept in the call record
  (under ``_headers`` of the recorded response), so a failure can be quoted to Tencent's support.

Codes of the Marketing API (§5 "Error codes") map onto the error family of ``channels_sync.platforms.errors``:

========================  ==========================================================================
10000 system busy          :class:`SystemBusyError` (outcome unknown; the upsert makes a resend safe)
10001 maintenance          :class:`RateLimitedError` after ``MAINTENANCE_RETRY_SECONDS``: heals by waiting
11000/11002/11004/11005    token expired / invalid / malformed / empty: the token is dropped, refreshed and the
                           call repeated once; a second token error is a (retryable) :class:`AuthError`
11008, 11016–11019         app, per-second, per-minute, per-day and frequency limits: :class:`RateLimitedError`
11014 out of scope         :class:`AuthError` with ``config_error`` (the authorisation lacks the scope)
11020 nonce used before    (the emulator's code, the reference has none) repeated once with a new nonce
anything else              :class:`RejectedError` with the platform's code and message, shown on the product
========================  ==========================================================================
"""

from __future__ import annotations

import dataclasses
import logging
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import requests

from channels_sync.platforms.access_tokens import TokenSource, send_with_token
from channels_sync.platforms.errors import (
    AuthError,
    PlatformError,
    RateLimitedError,
    RejectedError,
    SystemBusyError,
)
from channels_sync.platforms.hosts import HostPolicy
from channels_sync.platforms.http import JSON_CONTENT_TYPE, CallRecord, JsonHttpClient, OnCall, Timeouts
from channels_sync.platforms.redaction import REDACTED, redact, redact_text, truncate_for_record
from channels_sync.platforms.transport import shared_session
from channels_sync.platforms.wechat import seconds_until_next_beijing_day

from .payloads import encode_request

logger = logging.getLogger("channels_sync.platforms")

# The Marketing API host (§5: https://api.e.qq.com/v1.1/..., and its OAuth endpoint /oauth/token there too), the
# only one a Tencent Ads shop may call besides the emulator.
TENCENT_ADS_API_HOSTS = ("api.e.qq.com",)
API_VERSION_PREFIX = "/v1.1"
SALESINFOS_ADD_PATH = f"{API_VERSION_PREFIX}/product_salesinfos/add"
OAUTH_TOKEN_PATH = "/oauth/token"

CODE_OK = 0
CODE_SYSTEM_BUSY = 10000
CODE_MAINTENANCE = 10001
CODE_TOKEN_EXPIRED = 11000
# Expired, invalid, malformed, empty: refresh the token and repeat the call once (§5, design §5).
TOKEN_CODES = frozenset({CODE_TOKEN_EXPIRED, 11002, 11004, 11005})
CODE_OUT_OF_SCOPE = 11014
# The reference gives no code for "The nonce has been used before"; this is the emulator's (sandbox README).
CODE_NONCE_USED = 11020
# The emulator's codes for refused OAuth refreshes (the reference gives none): a person must fix the settings.
CODE_INVALID_CLIENT = 11012
CODE_INVALID_REFRESH_TOKEN = 11013
CONFIG_CODES = frozenset({CODE_OUT_OF_SCOPE, CODE_INVALID_CLIENT, CODE_INVALID_REFRESH_TOKEN})
MAINTENANCE_RETRY_SECONDS = 300.0
# Seconds until each limit's window has passed; None: the next Beijing day (quotas count per China day).
RATE_LIMIT_WINDOWS: Mapping[int, float | None] = {
    11008: 60.0,  # the app's request limit
    11016: 1.0,  # per second
    11017: 60.0,  # per minute
    11018: None,  # per day
    11019: 1.0,  # too frequent
}
NONCE_BYTES = 16  # secrets.token_hex(16): 32 hex characters, the reference's maximum
TRACE_HEADER = "X-TSA-Trace-Id"
RATE_LIMIT_HEADER = "X-RateLimit-Remaining"
# Query parameters masked in call records whatever their length (the shared redaction masks only known names
# and literal values of at least 8 characters).
SECRET_QUERY_KEYS = frozenset({"client_secret", "refresh_token", "access_token"})


class _HeaderCapture:
    """A stand-in for the shared ``requests.Session`` that keeps the Tencent headers of each answer.

    :class:`JsonHttpClient` reads only the status, the body and Retry-After; the trace id lives in a header. The
    headers are kept per thread, because a token provider's client is shared by the threads of a process.
    """

    def __init__(self, session: requests.Session | None) -> None:
        self._session = session
        self._local = threading.local()

    @property
    def session(self) -> requests.Session:
        return self._session or shared_session()

    def get_adapter(self, url: str) -> requests.adapters.BaseAdapter:
        """The wrapped session's adapter, so that the client sees its connections are guarded
        (``transport.is_guarded``)."""
        return self.session.get_adapter(url)

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        self._local.headers = {}
        response = self.session.request(*args, **kwargs)
        self._local.headers = {
            name: response.headers[name] for name in (TRACE_HEADER, RATE_LIMIT_HEADER) if name in response.headers
        }
        return response

    def take(self) -> dict[str, str]:
        headers = getattr(self._local, "headers", {}) or {}
        self._local.headers = {}
        return headers


class AdsJsonClient(JsonHttpClient):
    """JSON client for Marketing API endpoints: ``code``/``message`` answers, trace ids, exact amounts."""

    api_hosts: ClassVar[tuple[str, ...]] = TENCENT_ADS_API_HOSTS
    rate_limit_windows: ClassVar[Mapping[int, float | None]] = RATE_LIMIT_WINDOWS

    def __init__(
        self,
        base_url: str,
        *,
        timeouts: Timeouts,
        on_call: OnCall | None = None,
        session: requests.Session | None = None,
        host_policy: HostPolicy | None = None,
    ) -> None:
        self._capture = _HeaderCapture(session)
        self._outer_on_call = on_call
        self._local = threading.local()
        super().__init__(
            base_url, timeouts=timeouts, on_call=self._record_call, session=self._capture, host_policy=host_policy
        )

    # -- the code and message --------------------------------------------------------------------------------

    def errcode_of(self, payload: Mapping[str, Any]) -> int | None:
        code = payload.get("code")
        return code if isinstance(code, int) and not isinstance(code, bool) else None

    def errmsg_of(self, payload: Mapping[str, Any]) -> str:
        for key in ("message", "message_cn"):
            message = payload.get(key)
            if isinstance(message, str) and message:
                return message
        return ""

    def check_payload(
        self, payload: dict[str, Any], *, endpoint: str, http_status: int, secrets: tuple[str, ...] = ()
    ) -> None:
        code = self.errcode_of(payload)
        if code is None or code == CODE_OK:
            return
        raise self.error_for(code, redact_text(self.errmsg_of(payload), secrets), endpoint, http_status)

    def error_for(self, code: int, message: str, endpoint: str, http_status: int) -> PlatformError:
        common: dict[str, Any] = {"endpoint": endpoint, "errcode": code, "http_status": http_status}
        if code == CODE_SYSTEM_BUSY:
            return SystemBusyError(message, **common)
        if code == CODE_MAINTENANCE:
            return RateLimitedError(message, retry_after=MAINTENANCE_RETRY_SECONDS, **common)
        if code in TOKEN_CODES:
            return AuthError(message, **common)
        if code in CONFIG_CODES:
            return AuthError(message, config_error=True, **common)
        if code in self.rate_limit_windows:
            window = self.rate_limit_windows[code]
            retry_after = seconds_until_next_beijing_day() if window is None else window
            return RateLimitedError(message, retry_after=retry_after, **common)
        return RejectedError(code, message, endpoint=endpoint, http_status=http_status)

    # -- exact JSON bodies and the call record ----------------------------------------------------------------

    def post_json(
        self, path: str, body: Mapping[str, Any], *, params: Mapping[str, str], secrets: tuple[str, ...]
    ) -> dict[str, Any]:
        """POST ``body`` as one JSON object with two-decimal amounts; the record shows the (redacted) body."""
        self._local.body = body
        try:
            return self.request(
                "POST",
                path,
                params=params,
                raw_body=encode_request(body).encode("utf-8"),
                content_type=JSON_CONTENT_TYPE,
                secrets=secrets,
            )
        finally:
            self._local.body = None

    def _record_call(self, record: CallRecord) -> None:
        headers = self._capture.take()
        changes: dict[str, Any] = {
            "query": {key: REDACTED if key in SECRET_QUERY_KEYS else value for key, value in record.query.items()}
        }
        body = getattr(self._local, "body", None)
        if body is not None:
            changes["request"] = truncate_for_record(redact(body))
        if headers and isinstance(record.response, dict):
            changes["response"] = {**record.response, "_headers": headers}
        record = dataclasses.replace(record, **changes)
        if headers:
            logger.info(
                "platform.tencent_ads.trace",
                extra={
                    "endpoint": record.endpoint,
                    "trace_id": headers.get(TRACE_HEADER, ""),
                    "rate_limit_remaining": headers.get(RATE_LIMIT_HEADER, ""),
                    "errcode": record.errcode,
                },
            )
        if self._outer_on_call is not None:
            self._outer_on_call(record)


class TencentAdsClient(AdsJsonClient):
    """The sales-information API of one advertiser account, with OAuth access tokens from ``tokens``."""

    def __init__(
        self,
        base_url: str,
        *,
        tokens: TokenSource,
        timeouts: Timeouts,
        on_call: OnCall | None = None,
        session: requests.Session | None = None,
        host_policy: HostPolicy | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(base_url, timeouts=timeouts, on_call=on_call, session=session, host_policy=host_policy)
        self.tokens = tokens
        self.clock = clock

    def salesinfos_add(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """``POST /v1.1/product_salesinfos/add`` (§5): add or replace the sales info of at most 50 SKUs.

        The platform keeps one sales info per (store, SKU) and replaces it, so the call is idempotent: a resend
        after a lost answer does no harm. Returns ``data`` (``{}``).
        """
        return self._call_with_token(SALESINFOS_ADD_PATH, body).get("data") or {}

    def _call_with_token(self, path: str, body: Mapping[str, Any]) -> dict[str, Any]:
        # A repeat after a refused token is a new call, with a fresh nonce too.
        return send_with_token(
            self.tokens, lambda token: self._send_once(path, body, token), token_errcodes=TOKEN_CODES
        )

    def _send_once(self, path: str, body: Mapping[str, Any], token: str) -> dict[str, Any]:
        try:
            return self.post_json(path, body, params=self._common_params(token), secrets=(token,))
        except RejectedError as error:
            if error.errcode != CODE_NONCE_USED:
                raise
            # Refused, not applied. A nonce is random per call, so a clash is chance: one more call, new nonce.
            logger.warning("platform.tencent_ads.nonce_reused", extra={"endpoint": error.endpoint})
        return self.post_json(path, body, params=self._common_params(token), secrets=(token,))

    def _common_params(self, token: str) -> dict[str, str]:
        # The token goes last so that nothing else can replace it; the nonce is never reused.
        return {"timestamp": str(int(self.clock())), "nonce": new_nonce(), "access_token": token}


def new_nonce() -> str:
    """A random nonce of 32 hex characters (§5: at most 32, never reused for the same token)."""
    return secrets.token_hex(NONCE_BYTES)
