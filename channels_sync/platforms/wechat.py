"""What every WeChat platform client shares (legacy store V1.17, Channels store, mini-shop): the errcode mapping
of API reference §1.3 and the access-token handling of design §5.

* :class:`WeChatJsonClient` judges ``{"errcode", "errmsg"}`` answers; the token provider uses it directly, since
  the token endpoints take no access token.
* :class:`WeChatApiClient` adds ``?access_token=`` from a :class:`TokenSource` and, on 40001/40014/42001, drops
  the failed token (only if it is still the cached one) and retries the call exactly once (reference §7.2). It
  also sends the image upload of the shops (Channels store §3.6, mini-shop §4), whose answers each client reads.
* :func:`answer_object`, :func:`answer_list` and :func:`answer_text` read fields of a success answer; a missing
  object or a value of the wrong type is a :class:`ProtocolError`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from enum import IntEnum
from typing import Any, ClassVar

import requests
from urllib3 import encode_multipart_formdata

from channels_sync.platforms.access_tokens import TokenSource, send_with_token
from channels_sync.platforms.errors import (
    AuthError,
    ImageRefusedError,
    PlatformError,
    ProtocolError,
    RateLimitedError,
    RejectedError,
    RemoteMissingError,
    SystemBusyError,
)
from channels_sync.platforms.hosts import HostPolicy
from channels_sync.platforms.http import JsonHttpClient, OnCall, Timeouts, guess_content_type
from channels_sync.platforms.redaction import redact_text

ERRCODE_OK = 0
ERRCODE_SYSTEM_BUSY = -1
# Refresh the token and retry once (reference §1.3; wechatpy retries exactly these three).
TOKEN_ERRCODES = frozenset({40001, 40014, 42001})
# Configuration errors: never retried, a person must fix the shop (reference §1.3, §1.4, §7.3). 41002/41004 are
# the token endpoints' "appid/appsecret missing"; 48004 is "api banned".
CONFIG_ERRCODES = frozenset({40013, 40125, 40164, 41002, 41004, 45035, 48001, 48004, 61004})
DAILY_QUOTA_ERRCODE = 45009
MINUTE_QUOTA_ERRCODE = 45011
# WeChat quotas count per Beijing-time day.
BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")
# The API host of every WeChat platform (API reference §1-§4: https://api.weixin.qq.com/...), the only one their
# shops may call besides the emulator.
WECHAT_API_HOSTS = ("api.weixin.qq.com",)


class ImageUploadType(IntEnum):
    """``upload_type`` of the shops' image upload (Channels store §3.6, mini-shop §4): bytes as multipart
    ``media``, or a URL for the platform to fetch."""

    BYTES = 0
    URL = 1


# resp_type 1 of the image upload: the answer is a link the product may use as an image.
RESP_TYPE_IMAGE_URL = 1


def seconds_until_next_beijing_day(now: datetime | None = None) -> float:
    """Seconds from ``now`` until the next 00:00 in Beijing, when daily quotas (45009) reset."""
    now = (now or datetime.now(tz=UTC)).astimezone(BEIJING)
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return (midnight - now).total_seconds()


class WeChatJsonClient(JsonHttpClient):
    """JSON client for WeChat endpoints: a non-zero ``errcode`` becomes the matching error of the family.

    ``quota_windows`` maps quota errcodes to the seconds until they heal (``None`` = until the next Beijing day);
    subclasses add their platform's own codes (e.g. the Channels store's 10020066 and 10020112).
    """

    api_hosts: ClassVar[tuple[str, ...]] = WECHAT_API_HOSTS
    quota_windows: ClassVar[Mapping[int, float | None]] = {DAILY_QUOTA_ERRCODE: None, MINUTE_QUOTA_ERRCODE: 60.0}
    # The platform's codes for an image URL it does not accept as its own (:class:`ImageRefusedError`), and for a
    # call whose object does not exist, with what that object is (:class:`RemoteMissingError`): the engine heals
    # both (uploads the images again; shows the product as missing), so each client names its platform's codes.
    image_refused_errcodes: ClassVar[frozenset[int]] = frozenset()
    missing_errcodes: ClassVar[Mapping[int, str]] = {}

    def check_payload(
        self, payload: dict[str, Any], *, endpoint: str, http_status: int, secrets: tuple[str, ...] = ()
    ) -> None:
        errcode = self.errcode_of(payload)
        # The token endpoints answer a success without any errcode.
        if errcode is None or errcode == ERRCODE_OK:
            return
        errmsg = redact_text(self.errmsg_of(payload), secrets)
        raise self.error_for(errcode, errmsg, endpoint=endpoint, http_status=http_status)

    def error_for(self, errcode: int, errmsg: str, *, endpoint: str, http_status: int) -> PlatformError:
        """The error of the family that a WeChat ``errcode`` means."""
        common: dict[str, Any] = {"endpoint": endpoint, "errcode": errcode, "http_status": http_status}
        if errcode == ERRCODE_SYSTEM_BUSY:
            return SystemBusyError(errmsg, **common)
        if errcode in TOKEN_ERRCODES:
            return AuthError(errmsg, **common)
        if errcode in CONFIG_ERRCODES:
            return AuthError(errmsg, config_error=True, **common)
        if errcode in self.quota_windows:
            window = self.quota_windows[errcode]
            retry_after = seconds_until_next_beijing_day() if window is None else window
            return RateLimitedError(errmsg, retry_after=retry_after, **common)
        if errcode in self.image_refused_errcodes:
            return ImageRefusedError(
                errcode, errmsg, urls=image_urls_named(errmsg), endpoint=endpoint, http_status=http_status
            )
        if errcode in self.missing_errcodes:
            return RemoteMissingError(
                errcode, errmsg, kind=self.missing_errcodes[errcode], endpoint=endpoint, http_status=http_status
            )
        return RejectedError(errcode, errmsg, endpoint=endpoint, http_status=http_status)


# An http(s) URL inside an errmsg ("head_imgs[0] https://… was not uploaded by this shop").
_URL_IN_TEXT = re.compile(r"https?://[^\s,;'\"<>()]+")


def image_urls_named(errmsg: str) -> tuple[str, ...]:
    """The image URLs an errmsg names, in order, each once (none when it names none)."""
    return tuple(dict.fromkeys(_URL_IN_TEXT.findall(errmsg)))


class WeChatApiClient(WeChatJsonClient):
    """Base of the WeChat platform clients: every call carries ``?access_token=`` from ``tokens``.

    A token error (40001/40014/42001) means the platform refused the call before applying it, so the call is
    safely repeated once with a fresh token; a second token error raises :class:`AuthError`. Errcode -1 is not
    retried here: its outcome is unknown and the engine reconciles first (design §4).
    """

    def __init__(
        self,
        base_url: str,
        *,
        tokens: TokenSource,
        timeouts: Timeouts,
        on_call: OnCall | None = None,
        session: requests.Session | None = None,
        host_policy: HostPolicy | None = None,
    ) -> None:
        super().__init__(base_url, timeouts=timeouts, on_call=on_call, session=session, host_policy=host_policy)
        self.tokens = tokens

    def post(self, path: str, body: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """POST ``body`` (``{}`` when omitted) as JSON to ``path``."""
        return self.call("POST", path, json_body=body if body is not None else {})

    def get(self, path: str, params: Mapping[str, str] | None = None) -> dict[str, Any]:
        """GET ``path`` with ``params`` in the query."""
        return self.call("GET", path, params=params)

    def call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json_body: Mapping[str, Any] | None = None,
        raw_body: bytes | None = None,
        content_type: str = "application/octet-stream",
        timeouts: Timeouts | None = None,
    ) -> dict[str, Any]:
        """Send one API call with the access token, refreshing it once on a token error (see the class)."""
        options: dict[str, Any] = {
            "json_body": json_body,
            "raw_body": raw_body,
            "content_type": content_type,
            "timeouts": timeouts,
        }
        return send_with_token(
            self.tokens,
            lambda token: self._send_with_token(token, method, path, params, options),
            token_errcodes=TOKEN_ERRCODES,
        )

    def post_image(
        self, path: str, data: bytes, width: int, height: int, *, filename: str, timeouts: Timeouts | None = None
    ) -> dict[str, Any]:
        """Upload image bytes to a shop's image upload ``path`` (Channels store §3.6, mini-shop §4) for a link.

        The image travels as the multipart form field ``media``; ``upload_type`` 0, ``resp_type`` 1, ``height``
        and ``width`` go in the query string (in the body the platform refuses them, reference §7.6).
        ``filename`` only names the part and picks its content type. Returns the answer.
        """
        body, multipart_type = encode_multipart_formdata({"media": (filename, data, guess_content_type(filename))})
        params = {
            "upload_type": str(int(ImageUploadType.BYTES)),
            "resp_type": str(RESP_TYPE_IMAGE_URL),
            "height": str(height),
            "width": str(width),
        }
        return self.call("POST", path, params=params, raw_body=body, content_type=multipart_type, timeouts=timeouts)

    def post_image_url(self, path: str, url: str, *, timeouts: Timeouts | None = None) -> dict[str, Any]:
        """Have a shop's image upload ``path`` fetch ``url`` (``{"img_url": …}``, ``upload_type`` 1,
        ``resp_type`` 1 in the query string) for a link. Returns the answer."""
        params = {"upload_type": str(int(ImageUploadType.URL)), "resp_type": str(RESP_TYPE_IMAGE_URL)}
        return self.call("POST", path, params=params, json_body={"img_url": url}, timeouts=timeouts)

    def _send_with_token(
        self, token: str, method: str, path: str, params: Mapping[str, str] | None, options: dict[str, Any]
    ) -> dict[str, Any]:
        # The token goes last so that no caller-supplied parameter can replace it.
        query = {**(params or {}), "access_token": token}
        return self.request(method, path, params=query, secrets=(token,), **options)


# --- reading success answers ----------------------------------------------------------------------------------------


def answer_text(answer: Any, key: str) -> str:
    """``answer[key]`` as text; ``""`` when it is absent, null or a boolean (or ``answer`` is not an object)."""
    value = answer.get(key) if isinstance(answer, Mapping) else None
    return "" if value is None or isinstance(value, bool) else str(value)


def answer_object(answer: Mapping[str, Any], key: str, endpoint: str) -> dict[str, Any]:
    """``answer[key]``, an object the success answer must hold (else a :class:`ProtocolError`)."""
    value = answer.get(key)
    if not isinstance(value, dict):
        raise ProtocolError(f"success answer without the {key} object", endpoint=endpoint, http_status=200)
    return value


def answer_list(answer: Mapping[str, Any], key: str, endpoint: str) -> list[Any]:
    """``answer[key]`` as a list. A read may leave an empty list out of its answer (absent or null: ``[]``); a value
    that is not a list is a broken answer (:class:`ProtocolError`)."""
    value = answer.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise ProtocolError(f"{key} is not a list", endpoint=endpoint, http_status=200)
    return value
