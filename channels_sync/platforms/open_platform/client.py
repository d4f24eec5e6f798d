"""Client of the open platform's product API (API reference §6, seed 004): publishProduct, its only endpoint.

publishProduct takes ``application/x-www-form-urlencoded`` fields, the access token among them (``token``), and
answers ``{"success", "code", "message"}``. The platform publishes no error codes (§6 "Uncertain", §8), so the
mapping below follows the local emulator's documented set (channels_sync/sandbox/README.md, "Open platform"),
which uses HTTP-like codes:

* ``success`` true and ``code`` 200: done;
* 401: the token is refused — an :class:`AuthError` configuration error (a person must fix the shop's token);
* 429: too frequent — :class:`RateLimitedError` (the job waits, ``RATE_LIMIT_RETRY_SECONDS``);
* 500 (or any 5xx code): system error — :class:`SystemBusyError`, outcome unknown (the engine reconciles);
* anything else (400 parameter error, …): :class:`RejectedError` with the platform's code and message.

An HTTP 5xx answer is a :class:`ServerError` (outcome unknown) whatever its body, as for every client.

The token travels in the body, so the call record would otherwise only say "<N bytes>": the recorded request is
the form's fields with the token masked (``***``), and the token is masked from every message too.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from channels_sync.platforms.errors import (
    AuthError,
    ProtocolError,
    RateLimitedError,
    RejectedError,
    SystemBusyError,
)
from channels_sync.platforms.hosts import HostPolicy
from channels_sync.platforms.http import CallRecord, JsonHttpClient, OnCall, Timeouts
from channels_sync.platforms.redaction import REDACTED, redact, redact_text, truncate_for_record

PUBLISH_PRODUCT_PATH = "/api/open/product/publishProduct"
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded; charset=utf-8"
CODE_OK = 200
CODE_TOKEN_INVALID = 401
CODE_TOO_FREQUENT = 429
CODE_SYSTEM_ERROR = 500
RATE_LIMIT_RETRY_SECONDS = 60.0
# The form fields that hold JSON: shown decoded in the call record, so the attempt log reads like the payload.
JSON_FORM_FIELDS = ("salesChannelList", "mediaList", "attributeList", "skuList")


class OpenPlatformClient(JsonHttpClient):
    """The open platform of one merchant: its base URL (configurable; unknown in production) and access token.

    The platform's host is the operator's to name (``OPEN_PLATFORM_ALLOWED_HOSTS``, through the adapter's
    ``host_policy``): it has no :attr:`api_hosts` of its own, so a client given no policy calls nowhere.
    """

    def __init__(
        self,
        base_url: str,
        *,
        token: str,
        timeouts: Timeouts | None = None,
        on_call: OnCall | None = None,
        session=None,
        host_policy: HostPolicy | None = None,
    ) -> None:
        self._token = token
        self._outer_on_call = on_call
        super().__init__(
            base_url,
            timeouts=timeouts,
            on_call=self._record_call if on_call else None,
            session=session,
            host_policy=host_policy,
        )
        self._pending_form: dict[str, Any] | None = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    # -- answers ----------------------------------------------------------------------------------------------------

    def errcode_of(self, payload: Mapping[str, Any]) -> int | None:
        code = payload.get("code")
        return code if isinstance(code, int) and not isinstance(code, bool) else None

    def errmsg_of(self, payload: Mapping[str, Any]) -> str:
        message = payload.get("message")
        return message if isinstance(message, str) else ""

    def check_payload(
        self, payload: dict[str, Any], *, endpoint: str, http_status: int, secrets: tuple[str, ...] = ()
    ) -> None:
        success, code = payload.get("success"), self.errcode_of(payload)
        message = redact_text(self.errmsg_of(payload), secrets)
        if success is True and code == CODE_OK:
            return
        if not isinstance(success, bool) or code is None:
            raise ProtocolError(
                "the answer has no boolean success and integer code", endpoint=endpoint, http_status=http_status
            )
        common: dict[str, Any] = {"endpoint": endpoint, "http_status": http_status, "errcode": code}
        if success is True:
            # success true with another code: not the documented shape, and possibly applied.
            raise ProtocolError(message or f"success with code {code}", **common)
        if code == CODE_TOKEN_INVALID:
            raise AuthError(message or "token invalid", config_error=True, **common)
        if code == CODE_TOO_FREQUENT:
            raise RateLimitedError(message or "too frequent", retry_after=RATE_LIMIT_RETRY_SECONDS, **common)
        if code >= CODE_SYSTEM_ERROR:
            raise SystemBusyError(message or "system error", **common)
        raise RejectedError(code, message or f"code {code}", endpoint=endpoint, http_status=http_status)

    # -- endpoints --------------------------------------------------------------------------------------------------

    def publish_product(self, form: Mapping[str, str]) -> None:
        """POST /api/open/product/publishProduct — API reference §6, seed 004.

        ``form`` holds every field but ``token`` (``payloads.product_form``). The call creates the product, or
        updates it when the platform knows its ``supplierSpu`` already (§6 documents no other product endpoint;
        the emulator does this, the real platform is unknown). The answer carries no id: the product is known by
        its ``supplierSpu``.
        """
        fields = {"token": self._token, **{key: value for key, value in form.items() if key != "token"}}
        body = urlencode(fields).encode("ascii")
        self._pending_form = dict(fields)
        try:
            self.request(
                "POST",
                PUBLISH_PRODUCT_PATH,
                raw_body=body,
                content_type=FORM_CONTENT_TYPE,
                secrets=(self._token,),
            )
        finally:
            self._pending_form = None

    # -- the call record --------------------------------------------------------------------------------------------

    def _record_call(self, record: CallRecord) -> None:
        """Replace the "<N bytes>" description of the form body with its redacted fields."""
        if self._pending_form is not None and self._outer_on_call is not None:
            shown: dict[str, Any] = {}
            for key, value in self._pending_form.items():
                if key in JSON_FORM_FIELDS:
                    with contextlib.suppress(TypeError, ValueError):
                        value = json.loads(value)
                shown[key] = value
            shown["token"] = REDACTED
            request = truncate_for_record(redact(shown, (self._token,)))
            record = dataclasses.replace(record, request=request)
        if self._outer_on_call is not None:
            self._outer_on_call(record)
