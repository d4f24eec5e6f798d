"""The WeChat access tokens and their endpoints (reference §1).

Tokens from ``cgi-bin/token`` and from ``cgi-bin/stable_token`` live side by side and never affect each other,
as the reference says (§1.2). Secrets and token values are never logged.
"""

from __future__ import annotations

import hmac
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sandbox.core.apps import AppConfig
from sandbox.core.base import ApiError, Platform, Request, RouteTable
from sandbox.core.context import SandboxContext
from sandbox.core.validation import invalid_args

TOKEN_TTL_SECONDS = 7200
# "The old and new tokens both work for about 5 minutes" (§1.1).
DEFAULT_GRACE_SECONDS = 300
# The platform renews a stable token about 5 minutes before it expires (§1.2).
STABLE_RENEW_WINDOW_SECONDS = 300
TOKEN_LENGTH = 136
# Ended tokens are kept this long so that late callers get 42001/40001 rather than 40014.
ENDED_TOKEN_RETENTION_SECONDS = 86400

# §1.3
ERR_INVALID_CREDENTIAL = 40001
ERR_BAD_GRANT_TYPE = 40002
ERR_INVALID_ACCESS_TOKEN = 40014
ERR_INVALID_SECRET = 40125
ERR_TOKEN_MISSING = 41001
ERR_APPID_MISSING = 41002
ERR_SECRET_MISSING = 41004
ERR_TOKEN_EXPIRED = 42001


class TokenKind(StrEnum):
    BASIC = "cgi-bin/token"
    STABLE = "cgi-bin/stable_token"


@dataclass
class AccessToken:
    value: str = field(repr=False)
    appid: str
    kind: TokenKind
    issued_at: float
    expires_at: float
    # From this moment the token answers 40001; for a superseded basic token it lies a grace period ahead.
    revoked_at: float | None = None

    def ends_at(self) -> float:
        return self.expires_at if self.revoked_at is None else min(self.expires_at, self.revoked_at)

    def seconds_left(self, now: float) -> int:
        # Rounded up, so a token issued this instant reports the full 7200.
        return max(0, math.ceil(self.expires_at - now))


class TokenStore:
    """Issues and checks access tokens, per app id and per kind."""

    def __init__(
        self,
        ctx: SandboxContext,
        *,
        ttl_seconds: int = TOKEN_TTL_SECONDS,
        grace_seconds: float = DEFAULT_GRACE_SECONDS,
    ) -> None:
        self._ctx = ctx
        self.ttl_seconds = ttl_seconds
        self.grace_seconds = grace_seconds
        self._tokens: dict[str, AccessToken] = {}

    def issue_basic(self, appid: str) -> AccessToken:
        """A fresh ``cgi-bin/token`` token; the app's earlier basic tokens stop working after the grace period."""
        now = self._ctx.now()
        for token in self._live(appid, TokenKind.BASIC, now):
            token.revoked_at = min(token.ends_at(), now + self.grace_seconds)
        return self._issue(appid, TokenKind.BASIC, now)

    def stable(self, appid: str, *, force_refresh: bool) -> AccessToken:
        """The app's stable token: the current one while it has more than the renew window left, else a new one.

        ``force_refresh`` revokes the current stable token at once and issues a new one.
        """
        now = self._ctx.now()
        live = sorted(self._live(appid, TokenKind.STABLE, now), key=lambda token: token.issued_at)
        if force_refresh:
            for token in live:
                token.revoked_at = now
        elif live and live[-1].expires_at - now > STABLE_RENEW_WINDOW_SECONDS:
            return live[-1]
        # A renewed (not forced) stable token leaves the previous one valid until it expires.
        return self._issue(appid, TokenKind.STABLE, now)

    def resolve(self, value: str | None) -> AccessToken:
        """The live token for ``value``, or the §1.3 error: 41001 missing, 40014 unknown, 40001 revoked,
        42001 expired."""
        if not value:
            raise ApiError(ERR_TOKEN_MISSING, "access_token missing")
        token = self._tokens.get(value)
        if token is None:
            raise ApiError(ERR_INVALID_ACCESS_TOKEN, "invalid access_token")
        now = self._ctx.now()
        if now >= token.ends_at():
            if token.revoked_at is not None and token.revoked_at < token.expires_at:
                raise ApiError(ERR_INVALID_CREDENTIAL, "invalid credential, access_token is invalid or not latest")
            raise ApiError(ERR_TOKEN_EXPIRED, "access_token expired")
        return token

    def invalidate_all(self) -> int:
        """Revoke every live token now (the ``invalidate_tokens`` fault); returns how many were live."""
        now = self._ctx.now()
        live = [token for token in self._tokens.values() if now < token.ends_at()]
        for token in live:
            token.revoked_at = now
        self._ctx.touch()
        return len(live)

    def reset(self, appid: str | None = None) -> None:
        if appid is None:
            self._tokens.clear()
        else:
            self._tokens = {value: token for value, token in self._tokens.items() if token.appid != appid}
        self._ctx.touch()

    def export_state(self) -> dict[str, AccessToken]:
        """The tokens as they are (for the state file): a restart keeps the shops' cached tokens working."""
        return self._tokens

    def import_state(self, tokens: dict[str, AccessToken]) -> None:
        if not isinstance(tokens, dict) or not all(isinstance(token, AccessToken) for token in tokens.values()):
            raise ValueError("the tokens are not a map of access tokens")
        self._tokens = tokens

    def _live(self, appid: str, kind: TokenKind, now: float) -> list[AccessToken]:
        return [
            token
            for token in self._tokens.values()
            if token.appid == appid and token.kind == kind and now < token.ends_at()
        ]

    def _issue(self, appid: str, kind: TokenKind, now: float) -> AccessToken:
        self._forget_old(now)
        value = self._ctx.ids.chars(TOKEN_LENGTH)
        token = AccessToken(value=value, appid=appid, kind=kind, issued_at=now, expires_at=now + self.ttl_seconds)
        self._tokens[value] = token
        self._ctx.touch()
        return token

    def _forget_old(self, now: float) -> None:
        horizon = now - ENDED_TOKEN_RETENTION_SECONDS
        self._tokens = {value: token for value, token in self._tokens.items() if token.ends_at() > horizon}


class WeChatTokenAuth:
    """Resolves ``?access_token=`` to an app id for the WeChat platforms (legacy store, Channels, mini-shop)."""

    def __init__(self, tokens: TokenStore) -> None:
        self._tokens = tokens

    def __call__(self, request: Request) -> str:
        return self._tokens.resolve(request.query.get("access_token")).appid


class TokenEndpoints(Platform):
    """``GET /cgi-bin/token`` and ``POST /cgi-bin/stable_token`` (reference §1.1, §1.2)."""

    name = "wechat_token"

    def __init__(self, ctx: SandboxContext, tokens: TokenStore) -> None:
        self._ctx = ctx
        self._tokens = tokens

    def routes(self) -> RouteTable:
        return {
            ("GET", "/cgi-bin/token"): self.token,
            ("POST", "/cgi-bin/stable_token"): self.stable_token,
        }

    def token(self, request: Request) -> dict[str, Any]:
        """§1.1: a new token per call, from the query string."""
        app = self._check_credentials(request.query)
        token = self._tokens.issue_basic(app.appid)
        return {"access_token": token.value, "expires_in": token.seconds_left(self._ctx.now())}

    def stable_token(self, request: Request) -> dict[str, Any]:
        """§1.2: JSON body only. A form or other non-JSON body reads as no fields, hence 41002 appid missing
        (the community-reported pitfall)."""
        try:
            body = request.json()
        except ApiError:
            body = {}
        app = self._check_credentials(body)
        force_refresh = body.get("force_refresh", False)
        if not isinstance(force_refresh, bool):
            raise invalid_args("force_refresh must be a boolean")
        token = self._tokens.stable(app.appid, force_refresh=force_refresh)
        return {"access_token": token.value, "expires_in": token.seconds_left(self._ctx.now())}

    def _check_credentials(self, fields: Mapping[str, Any]) -> AppConfig:
        appid = fields.get("appid")
        secret = fields.get("secret")
        if not appid or not isinstance(appid, str):
            raise ApiError(ERR_APPID_MISSING, "appid missing")
        if not secret or not isinstance(secret, str):
            raise ApiError(ERR_SECRET_MISSING, "appsecret missing")
        if fields.get("grant_type") != "client_credential":
            raise ApiError(ERR_BAD_GRANT_TYPE, "invalid grant_type")
        app = self._ctx.apps.require(appid)
        if not hmac.compare_digest(secret.encode("utf-8"), app.secret.encode("utf-8")):
            raise ApiError(ERR_INVALID_SECRET, "invalid appsecret")
        return app
