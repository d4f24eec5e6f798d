"""Tencent Ads / 腾讯有数 sales information (reference §5, seed 003): ``/oauth/token`` and
``POST /v1.1/product_salesinfos/add``.

* OAuth clients are the emulator's own (README "Tencent Ads"), plus every sandbox app: its app id is a client id,
  its secret the client secret. Each client has a fixed refresh token that lives 30 days of sandbox time; each
  refresh issues a new 24 h access token (earlier ones stay valid until they expire) and returns the same
  refresh token with its remaining life.
* A call is checked in the platform's order: the access token (11005 empty, 11004 malformed, 11002 unknown,
  11000 expired), the timestamp (within 300 s of the wall clock, else 11021), the nonce (1 to 32 characters,
  never twice for one token: 11020 "The nonce has been used before"), the quotas (per minute and per Beijing
  day: 11017 / 11018), then the body: one JSON object only (a form body, or the seed's ``-d`` fragments, is
  refused), every rule of §5 (``tencent_ads_rules``), and an ``account_id``/``data_warehouse_id`` the client may
  use (31002 / 31003).
* The platform keeps one sales info per (account, warehouse, store, SKU): a call replaces the items it names,
  so it is idempotent. Every applied call is in the applied log (platform ``tencent_ads``) and the state
  snapshot holds the current items with the number of times each was written.
* Every answer carries ``X-TSA-Trace-Id``; API answers also ``X-RateLimit-Remaining: day%,minute%``.

Handlers run under the sandbox lock. Nothing here logs a secret or a token.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sandbox.core.app_states import AppStates
from sandbox.core.base import (
    ERR_REQUIRE_GET,
    ERR_REQUIRE_POST,
    ERR_SYSTEM,
    ApiError,
    Platform,
    Request,
    Response,
    RouteTable,
)
from sandbox.core.context import ALPHANUMERIC, BEIJING
from sandbox.core.services import Services
from sandbox.tencent_ads.rules import (
    CODE_OK,
    ERR_ACCOUNT,
    ERR_INVALID_CLIENT,
    ERR_INVALID_REFRESH_TOKEN,
    ERR_MAINTENANCE,
    ERR_NONCE_USED,
    ERR_OUT_OF_SCOPE,
    ERR_PARAM,
    ERR_PER_DAY,
    ERR_PER_MINUTE,
    ERR_SYSTEM_BUSY,
    ERR_TIMESTAMP,
    ERR_TOKEN_EMPTY,
    ERR_TOKEN_EXPIRED,
    ERR_TOKEN_INVALID,
    ERR_TOKEN_MALFORMED,
    ERR_WAREHOUSE,
    NONCE_MAX_LENGTH,
    decode_body,
    param,
    plain,
    validate_request,
)
from sandbox.tencent_ads.state import AdsAccessToken, ClientState, StoredSalesInfo

OAUTH_PATH = "/oauth/token"
SALESINFOS_ADD_PATH = "/v1.1/product_salesinfos/add"
PLATFORM = "tencent_ads"

ACCESS_TOKEN_TTL_SECONDS = 86400
REFRESH_TOKEN_TTL_SECONDS = 30 * 86400
TIMESTAMP_SKEW_SECONDS = 300
ACCESS_TOKEN_LENGTH = 40
TRACE_ID_LENGTH = 32
_TOKEN_SHAPE = re.compile(rf"^[A-Za-z0-9]{{{ACCESS_TOKEN_LENGTH}}}$")
DEFAULT_QUOTA = {"per_minute": 1000, "per_day": 10000}

# The account of every sandbox app used as a client (README "Tencent Ads").
SHARED_ACCOUNT = {10001234: (101,)}

MESSAGES_CN = {
    ERR_SYSTEM_BUSY: "系统繁忙，请稍后重试",
    ERR_MAINTENANCE: "系统维护中",
    ERR_TOKEN_EXPIRED: "access_token 已过期",
    ERR_TOKEN_INVALID: "access_token 无效",
    ERR_TOKEN_MALFORMED: "access_token 格式错误",
    ERR_TOKEN_EMPTY: "access_token 为空",
    ERR_OUT_OF_SCOPE: "没有该接口的权限",
    ERR_PER_MINUTE: "每分钟请求次数超过限制",
    ERR_PER_DAY: "每天请求次数超过限制",
    ERR_INVALID_CLIENT: "client_id 或 client_secret 无效",
    ERR_INVALID_REFRESH_TOKEN: "refresh_token 无效或已过期",
    ERR_NONCE_USED: "nonce 已被使用",
    ERR_TIMESTAMP: "timestamp 无效",
    ERR_PARAM: "参数错误",
    ERR_ACCOUNT: "推广帐号无权限",
    ERR_WAREHOUSE: "数据仓库不存在",
}


@dataclass(frozen=True)
class AdsClient:
    """An OAuth client the emulator accepts: its secret, its refresh token and the accounts it may use
    (account id -> data warehouse ids)."""

    client_id: str
    secret: str = field(repr=False)
    refresh_token: str = field(repr=False)
    accounts: Mapping[int, tuple[int, ...]] = field(default_factory=dict)


DEFAULT_CLIENTS: dict[str, AdsClient] = {
    "ads_demo_client": AdsClient(
        "ads_demo_client", "demo-ads-secret", "demo-ads-refresh-token", {10001234: (101, 102)}
    ),
    "ads_test_client": AdsClient("ads_test_client", "test-ads-secret", "test-ads-refresh-token", {20005678: (201,)}),
}


class TencentAds(Platform):
    name = PLATFORM
    config_keys = frozenset({"tencent_ads_quota"})

    def __init__(self, services: Services) -> None:
        self.ctx = ctx = services.ctx
        self.quota = dict(DEFAULT_QUOTA)
        self._tokens: dict[str, AdsAccessToken] = {}
        self._states = AppStates(self.ctx, self.name, ClientState, ClientState)
        # Refresh tokens start their 30 days when the emulator starts.
        self._refresh_issued_at = ctx.now()

    # --- Platform interface -------------------------------------------------------------------------------------

    def routes(self) -> RouteTable:
        return {
            ("GET", OAUTH_PATH): self.oauth_token,
            ("POST", OAUTH_PATH): self.oauth_token,
            ("POST", SALESINFOS_ADD_PATH): self.salesinfos_add,
        }

    def authenticate(self, request: Request) -> str | None:
        """The client id of the access token (§5 common parameters); ``/oauth/token`` needs none."""
        if request.path == OAUTH_PATH:
            return None
        value = request.query.get("access_token", "")
        if not value:
            raise ApiError(ERR_TOKEN_EMPTY, "access_token is empty")
        if not _TOKEN_SHAPE.match(value):
            raise ApiError(ERR_TOKEN_MALFORMED, "access_token is malformed")
        token = self._tokens.get(value)
        if token is None:
            raise ApiError(ERR_TOKEN_INVALID, "access_token is invalid")
        if self.ctx.now() >= token.expires_at:
            raise ApiError(ERR_TOKEN_EXPIRED, "access_token has expired")
        return token.client_id

    def error_body(self, error: ApiError) -> dict[str, Any]:
        """``{code, message, message_cn, errors[], data}``; the server's own codes in the platform's terms."""
        code, message = error.errcode, error.errmsg
        if code == ERR_SYSTEM:
            code, message = ERR_SYSTEM_BUSY, "system is busy, please retry later"
        elif code in (ERR_REQUIRE_POST, ERR_REQUIRE_GET):
            code = ERR_PARAM
        message_cn = MESSAGES_CN.get(code, message)
        return {
            "code": code,
            "message": message,
            "message_cn": message_cn,
            "errors": [{"code": code, "message": message, "message_cn": message_cn}],
            "data": {},
        }

    def error_response(self, error: ApiError) -> Response:
        response = Response.json(self.error_body(error), status=error.http_status)
        headers = [("X-TSA-Trace-Id", self._trace_id())]
        remaining = getattr(error, "rate_limit_remaining", None)
        if remaining is not None:
            headers.append(("X-RateLimit-Remaining", remaining))
        return _with_headers(response, tuple(headers))

    def reset(self, appid: str | None) -> None:
        """Forget sales infos and quota counters (one client's, or all). Access tokens stay: like the sandbox's
        WeChat tokens, they are credentials, and expire with the clock."""
        self._states.forget(appid)

    def export_state(self) -> dict[str, Any]:
        # The refresh tokens' 30 days are not kept: they start again with each run, as the README says.
        return {"tokens": self._tokens, "states": self._states.export()}

    def import_state(self, state: Any) -> None:
        tokens = state["tokens"]
        if not isinstance(tokens, dict) or not all(isinstance(token, AdsAccessToken) for token in tokens.values()):
            raise ValueError("the stored Tencent Ads tokens are not a map of access tokens")
        self._states.load(state["states"])
        self._tokens = tokens

    def snapshot(self, appid: str) -> dict[str, Any] | None:
        """One client's sales infos and quota use, once it has called. The control API's ``state`` names sandbox
        apps only, so the emulator's own clients are read in-process (``state``) or through the applied log."""
        if appid not in self._states:
            return None
        return self.state(appid)

    def state(self, client_id: str) -> dict[str, Any]:
        state = self._states.get(client_id) or ClientState()
        items = sorted(state.sales.values(), key=lambda s: (s.account_id, s.data_warehouse_id, *_item_key(s.item)))
        return {
            "sales_infos": [stored.as_json() for stored in items],
            "quota": {**self.quota, "minute_used": len(state.minute_calls), "day_used": state.day_calls},
        }

    def prepare_config(self, body: dict[str, Any]) -> Callable[[], None]:
        """``tencent_ads_quota``: ``{"per_minute": N, "per_day": M}`` (only the keys given change)."""
        quota = body.get("tencent_ads_quota")
        if quota is None:
            return lambda: None
        if not isinstance(quota, dict) or set(quota) - set(DEFAULT_QUOTA):
            raise ApiError(40097, "invalid args: tencent_ads_quota takes per_minute and per_day")
        for key, value in quota.items():
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ApiError(40097, f"invalid args: tencent_ads_quota.{key} must be an integer >= 1")
        return lambda: self.quota.update(quota)

    # --- OAuth --------------------------------------------------------------------------------------------------

    def oauth_token(self, request: Request) -> Response:
        """``/oauth/token?client_id=&client_secret=&grant_type=refresh_token&refresh_token=`` (query, GET or
        POST): a new access token."""
        query = request.query
        client = self._client(query.get("client_id", ""))
        secret = query.get("client_secret", "")
        if client is None or not secret or not hmac.compare_digest(secret.encode(), client.secret.encode()):
            raise ApiError(ERR_INVALID_CLIENT, "client_id or client_secret is invalid")
        if query.get("grant_type") != "refresh_token":
            raise param("grant_type must be refresh_token (authorization_code is not emulated)")
        refresh_token = query.get("refresh_token", "")
        now = self.ctx.now()
        refresh_left = int(self._refresh_issued_at + REFRESH_TOKEN_TTL_SECONDS - now)
        if not refresh_token or not hmac.compare_digest(refresh_token.encode(), client.refresh_token.encode()):
            raise ApiError(ERR_INVALID_REFRESH_TOKEN, "refresh_token is invalid")
        if refresh_left <= 0:
            raise ApiError(ERR_INVALID_REFRESH_TOKEN, "refresh_token has expired")
        value = self.ctx.ids.chars(ACCESS_TOKEN_LENGTH, ALPHANUMERIC)
        self._tokens[value] = AdsAccessToken(client.client_id, now + ACCESS_TOKEN_TTL_SECONDS)
        self._forget_old_tokens(now)
        self.ctx.touch()
        data = {
            "access_token": value,
            "refresh_token": client.refresh_token,
            "access_token_expires_in": ACCESS_TOKEN_TTL_SECONDS,
            "refresh_token_expires_in": refresh_left,
        }
        return self._answer(data)

    # --- product_salesinfos/add ----------------------------------------------------------------------------------

    def salesinfos_add(self, request: Request) -> Response:
        """§5: add or replace the sales info of at most 50 SKUs."""
        client_id = request.appid or ""
        state = self._states.get(client_id)
        try:
            self._check_call(request)
            state = self._states.of(client_id)
            self._count_call(state)
            account_id, warehouse_id, items = self._check_body(request, client_id)
        except ApiError as error:
            # A refusal of the API carries the quota header too, once the client has a count (README).
            if state is not None:
                error.rate_limit_remaining = self._remaining(state)
            raise
        now = self.ctx.now()
        applied = []
        for item in items:
            stored_item = plain(item)
            key = (account_id, warehouse_id, *_item_key(stored_item))
            previous = state.sales.get(key)
            state.sales[key] = StoredSalesInfo(
                account_id, warehouse_id, stored_item, now, writes=(previous.writes + 1) if previous else 1
            )
            applied.append(
                {
                    "external_store_id": stored_item["external_store_id"],
                    "external_sku_id": stored_item["external_sku_id"],
                    "sku_status": stored_item["sku_status"],
                    "sku_stock_status": stored_item["stock"]["sku_stock_status"],
                    "current_price": stored_item["price"]["current_price"],
                    "sku_price": stored_item["price"]["sku_price"],
                    "created": previous is None,
                }
            )
        self._states.record(
            request,
            account_id=account_id,
            data_warehouse_id=warehouse_id,
            items=applied,
        )
        return self._answer({}, state=state)

    def _check_call(self, request: Request) -> None:
        """The common parameters after the token: the timestamp, then the nonce (used from here on)."""
        token = self._tokens[request.query["access_token"]]
        self._check_timestamp(request.query.get("timestamp", ""))
        nonce = request.query.get("nonce", "")
        if not nonce or len(nonce) > NONCE_MAX_LENGTH:
            raise param(f"nonce must be 1 to {NONCE_MAX_LENGTH} characters")
        if nonce in token.nonces:
            raise ApiError(ERR_NONCE_USED, "The nonce has been used before")
        token.nonces.add(nonce)

    def _check_body(self, request: Request, client_id: str) -> tuple[int, int, list[dict[str, Any]]]:
        client = self._client(client_id)
        account_id, warehouse_id, items = validate_request(decode_body(request.body, request.content_type))
        if client is None or account_id not in client.accounts:
            raise ApiError(ERR_ACCOUNT, f"account_id {account_id} is not authorised for this client")
        if warehouse_id not in client.accounts[account_id]:
            raise ApiError(ERR_WAREHOUSE, f"data_warehouse_id {warehouse_id} does not exist for account {account_id}")
        return account_id, warehouse_id, items

    # --- helpers ------------------------------------------------------------------------------------------------

    def _client(self, client_id: str) -> AdsClient | None:
        if client_id in DEFAULT_CLIENTS:
            return DEFAULT_CLIENTS[client_id]
        app = self.ctx.apps.get(client_id) if client_id else None
        if app is None:
            return None
        return AdsClient(app.appid, app.secret, f"{app.appid}-refresh-token", SHARED_ACCOUNT)

    def _check_timestamp(self, value: str) -> None:
        # ASCII digits only: str.isdigit() also takes "²" or "１", which int() refuses or reads as another number.
        if not (value.isascii() and value.isdigit()):
            raise ApiError(ERR_TIMESTAMP, "timestamp is required, in seconds")
        # Against the wall clock: the offset tests add to the sandbox clock (to expire tokens) cannot move the
        # caller's clock, so it must not make every timestamp stale.
        wall_clock = self.ctx.now() - self.ctx.clock.offset
        if abs(int(value) - wall_clock) > TIMESTAMP_SKEW_SECONDS:
            raise ApiError(ERR_TIMESTAMP, f"timestamp is more than {TIMESTAMP_SKEW_SECONDS} s away from server time")

    def _count_call(self, state: ClientState) -> None:
        """Count the call against the client's quotas; beyond one of them it is refused and not counted."""
        now = self.ctx.now()
        self._forget_old_calls(state, now)
        if state.day_calls >= self.quota["per_day"]:
            raise ApiError(ERR_PER_DAY, "daily request limit exceeded")
        if len(state.minute_calls) >= self.quota["per_minute"]:
            raise ApiError(ERR_PER_MINUTE, "per-minute request limit exceeded")
        state.minute_calls.append(now)
        state.day_calls += 1

    def _answer(self, data: dict[str, Any], *, state: ClientState | None = None) -> Response:
        headers = [("X-TSA-Trace-Id", self._trace_id())]
        if state is not None:
            headers.append(("X-RateLimit-Remaining", self._remaining(state)))
        response = Response.json({"code": CODE_OK, "message": "", "data": data})
        return _with_headers(response, tuple(headers))

    @staticmethod
    def _forget_old_calls(state: ClientState, now: float) -> None:
        """Drop the calls of the rolling minute that are over, and the count of a Beijing day that is over."""
        while state.minute_calls and state.minute_calls[0] <= now - 60:
            state.minute_calls.popleft()
        day = datetime.fromtimestamp(now, tz=UTC).astimezone(BEIJING).date().isoformat()
        if state.day != day:
            state.day, state.day_calls = day, 0

    def _remaining(self, state: ClientState) -> str:
        """``X-RateLimit-Remaining``: the percentages of the day's and the minute's quota left, "day%,minute%"."""
        self._forget_old_calls(state, self.ctx.now())
        day_left = max(0, self.quota["per_day"] - state.day_calls) * 100 // self.quota["per_day"]
        minute_left = max(0, self.quota["per_minute"] - len(state.minute_calls)) * 100 // self.quota["per_minute"]
        return f"{day_left},{minute_left}"

    def _trace_id(self) -> str:
        return self.ctx.ids.chars(TRACE_ID_LENGTH, "0123456789abcdef")

    def _forget_old_tokens(self, now: float) -> None:
        self._tokens = {value: token for value, token in self._tokens.items() if token.expires_at > now - 86400}


def _item_key(item: Mapping[str, Any]) -> tuple[str, str]:
    return item["external_store_id"], item["external_sku_id"]


def _with_headers(response: Response, headers: tuple[tuple[str, str], ...]) -> Response:
    return Response(status=response.status, body=response.body, content_type=response.content_type, headers=headers)
