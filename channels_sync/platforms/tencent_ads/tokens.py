"""OAuth access tokens of Tencent Ads accounts, shared by every worker (API reference §5; design §5).

The shop's app id and secret are the OAuth ``client_id``/``client_secret``; the account's refresh token comes
from its authorisation (stored encrypted on the shop's Tencent Ads settings). An access token lives 24 h and is
refreshed with ``GET {base}/oauth/token?client_id=&client_secret=&grant_type=refresh_token&refresh_token=``,
answering ``{code, message, data: {access_token, refresh_token, access_token_expires_in,
refresh_token_expires_in}}``.

The sharing, the lock and the "drop only the token that failed" rule are those of the WeChat provider
(``channels_sync.platforms.tokens``), so this provider is its subclass with another fetch and another cache key:

* one access token per (base URL, client id) in the shared cache; one refresher at a time across processes;
* a refreshed answer may carry a new refresh token: it is kept in the shared cache beside the access token and
  used for the next refresh, as long as the settings still hold the token it replaced (the settings' token is
  the starting point; adapters never write the database).

Neither the client secret nor either token appears in a log line, a repr, an exception or a call record.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

import requests

from channels_sync.platforms.errors import ProtocolError
from channels_sync.platforms.hosts import HostPolicy
from channels_sync.platforms.http import OnCall, Timeouts
from channels_sync.platforms.tokens import (
    AccessTokenProvider,
    ProviderRegistry,
    TokenCache,
    token_cache_key,
)

from .client import OAUTH_TOKEN_PATH, AdsJsonClient

logger = logging.getLogger("channels_sync.platforms")

CACHE_KEY_PREFIX = "channels_sync:tencent_ads_access_token"
# Refresh tokens live 30 days (§5); one kept in the cache outlives no access token by much, so 30 days it is.
REFRESH_TOKEN_CACHE_SECONDS = 30 * 86400


def authorisation_id(refresh_token: str) -> str:
    """A stable name of one account's authorisation: a hash of the refresh token the merchant entered.

    Marketing API tokens belong to an authorisation, not to the app: two shops of one OAuth client that authorise
    different accounts must not share an access token.
    """
    return hashlib.sha256(refresh_token.encode()).hexdigest()[:24]


def ads_token_cache_key(base_url: str, client_id: str, refresh_token: str) -> str:
    """The cache key of one authorisation's access token: a hash of base URL, client id and the authorisation's
    id (never a secret itself)."""
    return token_cache_key(base_url, f"{client_id}#{authorisation_id(refresh_token)}", prefix=CACHE_KEY_PREFIX)


class AdsTokenProvider(AccessTokenProvider):
    """Access tokens of one Tencent Ads OAuth client at one base URL, shared through ``cache``."""

    token_endpoint = OAUTH_TOKEN_PATH

    def __init__(
        self,
        *,
        base_url: str,
        client_id: str,
        client_secret: str,
        refresh_token: str,
        cache: TokenCache,
        timeouts: Timeouts,
        on_call: OnCall | None = None,
        session: requests.Session | None = None,
        host_policy: HostPolicy | None = None,
        **options: Any,
    ) -> None:
        if not refresh_token:
            raise ValueError("refresh_token is required")
        super().__init__(
            base_url=base_url,
            appid=client_id,
            secret=client_secret,
            cache=cache,
            timeouts=timeouts,
            on_call=on_call,
            session=session,
            host_policy=host_policy,
            **options,
        )
        self._refresh_token = refresh_token
        self._authorisation = authorisation_id(refresh_token)
        self.cache_key = ads_token_cache_key(self.base_url, client_id, refresh_token)
        self.lock_key = f"{self.cache_key}:lock"
        self.refresh_key = f"{self.cache_key}:refresh"
        # The OAuth refresh carries the client secret and the refresh token: it goes only where the policy allows.
        self._client = AdsJsonClient(
            self.base_url, timeouts=timeouts, on_call=on_call, session=session, host_policy=host_policy
        )

    def __repr__(self) -> str:
        return f"AdsTokenProvider(base_url={self.base_url!r}, client_id={self.appid!r})"

    def has_credentials(self, client_secret: str, refresh_token: str) -> bool:
        return self.has_secret(client_secret) and refresh_token == self._refresh_token

    def _fetch(self, *, force: bool) -> tuple[str, int]:
        """``GET /oauth/token`` with ``grant_type=refresh_token`` (the Marketing API's OAuth refresh)."""
        refresh_token = self._current_refresh_token()
        payload = self._client.request(
            "GET",
            OAUTH_TOKEN_PATH,
            params={
                "client_id": self.appid,
                "client_secret": self._secret,
                "grant_type": "refresh_token",
                "refresh_token": refresh_token,
            },
            secrets=(self._secret, refresh_token),
        )
        data = payload.get("data")
        data = data if isinstance(data, dict) else {}
        token, expires_in = data.get("access_token"), data.get("access_token_expires_in")
        if not isinstance(token, str) or not token or not isinstance(expires_in, int) or isinstance(expires_in, bool):
            raise ProtocolError(
                "oauth/token answered without data.access_token/access_token_expires_in", endpoint=OAUTH_TOKEN_PATH
            )
        new_refresh = data.get("refresh_token")
        if isinstance(new_refresh, str) and new_refresh and new_refresh != refresh_token:
            lifetime = data.get("refresh_token_expires_in")
            ttl = lifetime if isinstance(lifetime, int) and lifetime > 0 else REFRESH_TOKEN_CACHE_SECONDS
            # Kept under the authorisation it belongs to (a hash, never the token): once a person enters a new
            # refresh token, the old chain is ignored.
            self.cache.set(self.refresh_key, {"from": self._authorisation, "token": new_refresh}, ttl)
            logger.info("platform.tencent_ads.refresh_token_rotated", extra={"client_id": self.appid})
        return token, expires_in

    def _current_refresh_token(self) -> str:
        rotated = self.cache.get(self.refresh_key)
        if isinstance(rotated, dict) and rotated.get("from") == self._authorisation and rotated.get("token"):
            return rotated["token"]
        return self._refresh_token


_registry: ProviderRegistry[AdsTokenProvider] = ProviderRegistry()


def ads_token_provider_for(
    *,
    base_url: str,
    client_id: str,
    client_secret: str,
    refresh_token: str,
    cache: TokenCache,
    timeouts: Timeouts,
    host_policy: HostPolicy | None = None,
) -> AdsTokenProvider:
    """The process's provider for one OAuth client: one per (base URL, client id), rebuilt when the credentials,
    the cache or the host policy change."""
    policy = host_policy if host_policy is not None else AdsJsonClient.default_host_policy()
    return _registry.get(
        base_url=base_url,
        account_id=f"{client_id}#{authorisation_id(refresh_token)}",
        is_current=lambda provider: (
            provider.has_credentials(client_secret, refresh_token)
            and provider.cache is cache
            and provider.host_policy == policy
        ),
        build=lambda: AdsTokenProvider(
            base_url=base_url,
            client_id=client_id,
            client_secret=client_secret,
            refresh_token=refresh_token,
            cache=cache,
            timeouts=timeouts,
            host_policy=policy,
        ),
    )


def clear_ads_token_providers() -> None:
    """Forget the process's providers (tests; the cached tokens themselves stay in the cache)."""
    _registry.clear()
