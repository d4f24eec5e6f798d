"""The shared access-token provider of the WeChat platforms (API reference §1, §7.1; design §5).

One token per (base URL, app id) lives in a shared cache, so every worker process and thread uses the same one:
each fresh ``cgi-bin/token`` fetch would kill the token of the others, so the provider uses
``cgi-bin/stable_token`` in normal mode, which hands every caller the current token.

* Only one process refreshes at a time: the refresher holds a lock taken with ``cache.add`` (atomic in Django's
  cache backends); the others poll the cache briefly and read its token. A lock whose holder died expires.
* ``invalidate(failed_token)`` drops the cached token only while it is still the one that failed, so N workers
  that see 40001 at once cause a single refresh.
* ``force_refresh`` (limited to 20 a day, reference §1.2) is never used automatically; it is an explicit method.

The secret is given as a plain string at construction and appears in no log line, repr or exception: the request
body's ``secret`` key is redacted in the call record, and the value itself is masked from any text.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, TypeVar

import requests

from channels_sync.platforms.errors import ProtocolError, TransportError
from channels_sync.platforms.hosts import HostPolicy
from channels_sync.platforms.http import OnCall, Timeouts, normalize_base_url
from channels_sync.platforms.wechat import WeChatJsonClient

if TYPE_CHECKING:
    from channels_sync.platforms.adapter import ShopConfig

logger = logging.getLogger("channels_sync.platforms")

STABLE_TOKEN_PATH = "/cgi-bin/stable_token"
CACHE_KEY_PREFIX = "channels_sync:wechat_access_token"
# Seconds before the platform's expiry at which the cached token is dropped, so that no call is sent with a
# token that expires in flight.
DEFAULT_SAFETY_MARGIN = 300
DEFAULT_POLL_INTERVAL = 0.05
# Extra seconds a refresh lock outlives the token request's own timeouts before another process may take it over.
LOCK_SLACK_SECONDS = 5.0


class TokenCache(Protocol):
    """The part of Django's cache API the provider needs (``django.core.cache.cache`` fits)."""

    def get(self, key: str, default: Any = None) -> Any: ...

    def set(self, key: str, value: Any, timeout: float | None = ...) -> None: ...

    def add(self, key: str, value: Any, timeout: float | None = ...) -> bool: ...

    def delete(self, key: str) -> Any: ...


def token_cache_key(base_url: str, appid: str, *, prefix: str = CACHE_KEY_PREFIX) -> str:
    """The cache key of one account's token: ``prefix`` and a hash of base URL and app id (never of the secret)."""
    digest = hashlib.sha256(f"{normalize_base_url(base_url)}\n{appid}".encode()).hexdigest()[:40]
    return f"{prefix}:{digest}"


class AccessTokenProvider:
    """Access tokens of one WeChat account at one base URL, shared through ``cache``.

    ``timeouts`` apply to the stable_token request, ``host_policy`` decides whether it may go to ``base_url`` at
    all (the secret travels in its body). ``lock_timeout`` (default: the request's timeouts plus 5 s) is how long a
    refresh lock lives if its holder dies; ``wait_timeout`` (default: ``lock_timeout`` plus a second) is how long a
    process waits for another's refresh before giving up with a :class:`TransportError`.
    """

    # The endpoint :meth:`_fetch` calls, named by the error of a wait for another process's refresh.
    token_endpoint: ClassVar[str] = STABLE_TOKEN_PATH

    def __init__(
        self,
        *,
        base_url: str,
        appid: str,
        secret: str,
        cache: TokenCache,
        timeouts: Timeouts,
        on_call: OnCall | None = None,
        session: requests.Session | None = None,
        host_policy: HostPolicy | None = None,
        safety_margin: int = DEFAULT_SAFETY_MARGIN,
        lock_timeout: float | None = None,
        wait_timeout: float | None = None,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
    ) -> None:
        if not appid or not secret:
            raise ValueError("appid and secret are required")
        self.base_url = normalize_base_url(base_url)
        self.appid = appid
        self._secret = secret
        self.cache = cache
        self.safety_margin = safety_margin
        self.lock_timeout = lock_timeout or timeouts.connect + timeouts.read + LOCK_SLACK_SECONDS
        self.wait_timeout = wait_timeout or self.lock_timeout + 1.0
        self.poll_interval = poll_interval
        self.cache_key = token_cache_key(self.base_url, appid)
        self.lock_key = f"{self.cache_key}:lock"
        self._client = WeChatJsonClient(
            self.base_url, timeouts=timeouts, on_call=on_call, session=session, host_policy=host_policy
        )

    def __repr__(self) -> str:
        return f"AccessTokenProvider(base_url={self.base_url!r}, appid={self.appid!r})"

    @property
    def host_policy(self) -> HostPolicy:
        return self._client.host_policy

    def has_secret(self, secret: str) -> bool:
        """Whether the provider was built with ``secret`` (to notice a changed shop secret without exposing it)."""
        return secret == self._secret

    # -- public API ------------------------------------------------------------------------------------------

    def get_token(self) -> str:
        """The cached token, or a freshly fetched one (one refresher across all processes)."""
        token = self.cache.get(self.cache_key)
        if token:
            return token
        return self._refresh(force=False)

    def invalidate(self, failed_token: str) -> bool:
        """Drop the cached token if it is still ``failed_token``; returns whether it was dropped.

        The compare and the delete are two cache calls, so two workers may both drop: the harm is one extra
        stable_token request, which in normal mode returns the same current token.
        """
        if self.cache.get(self.cache_key) != failed_token:
            return False
        self.cache.delete(self.cache_key)
        logger.info("platform.token.invalidated", extra={"appid": self.appid})
        return True

    def force_refresh(self) -> str:
        """Revoke the current token on the platform and cache a new one (``force_refresh: true``).

        Limited to 20 calls a day, at least 30 s apart (reference §1.2): for a person's explicit action only.
        """
        return self._refresh(force=True)

    # -- refresh ---------------------------------------------------------------------------------------------

    def _refresh(self, *, force: bool) -> str:
        owner = uuid.uuid4().hex
        deadline = time.monotonic() + self.wait_timeout
        while True:
            if self.cache.add(self.lock_key, owner, self.lock_timeout):
                try:
                    return self._refresh_locked(force=force)
                finally:
                    self._release(owner)
            time.sleep(self.poll_interval)
            # A forced refresh must fetch by itself; a normal one is happy with whatever the holder stored.
            token = None if force else self.cache.get(self.cache_key)
            if token:
                return token
            if time.monotonic() >= deadline:
                raise TransportError(
                    "timed out waiting for another process to refresh the access token",
                    endpoint=self.token_endpoint,
                    outcome_unknown=False,
                )

    def _refresh_locked(self, *, force: bool) -> str:
        if not force:
            # Another process may have stored a token between this one's cache miss and its taking the lock.
            token = self.cache.get(self.cache_key)
            if token:
                return token
        token, expires_in = self._fetch(force=force)
        ttl = self.ttl_for(expires_in)
        if ttl > 0:
            self.cache.set(self.cache_key, token, ttl)
        logger.info("platform.token.refreshed", extra={"appid": self.appid, "expires_in": expires_in, "ttl": ttl})
        return token

    def ttl_for(self, expires_in: int) -> int:
        """Seconds to cache a token that expires in ``expires_in``: minus the safety margin, but at least half
        its remaining life (a stable token can come back with only a few minutes left)."""
        return max(expires_in - self.safety_margin, expires_in // 2)

    def _release(self, owner: str) -> None:
        # Only the holder's own lock is deleted: if it outlived lock_timeout, another process may hold it now.
        if self.cache.get(self.lock_key) == owner:
            self.cache.delete(self.lock_key)

    def _fetch(self, *, force: bool) -> tuple[str, int]:
        """POST cgi-bin/stable_token (reference §1.2): JSON body, normal mode unless ``force``."""
        payload = self._client.request(
            "POST",
            STABLE_TOKEN_PATH,
            json_body={
                "grant_type": "client_credential",
                "appid": self.appid,
                "secret": self._secret,
                "force_refresh": force,
            },
            secrets=(self._secret,),
        )
        token, expires_in = payload.get("access_token"), payload.get("expires_in")
        if not isinstance(token, str) or not token or not isinstance(expires_in, int) or isinstance(expires_in, bool):
            raise ProtocolError("stable_token answered without access_token/expires_in", endpoint=STABLE_TOKEN_PATH)
        return token, expires_in


ProviderT = TypeVar("ProviderT", bound=AccessTokenProvider)


class ProviderRegistry(Generic[ProviderT]):
    """One provider per (base URL, account id) per process, rebuilt when its credentials or its cache change."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._providers: dict[tuple[str, str], ProviderT] = {}

    def get(
        self, *, base_url: str, account_id: str, is_current: Callable[[ProviderT], bool], build: Callable[[], ProviderT]
    ) -> ProviderT:
        """The provider of ``account_id`` at ``base_url``: the one kept while ``is_current`` accepts it (built with
        the caller's credentials and cache), else a new one from ``build``."""
        key = (normalize_base_url(base_url), account_id)
        with self._lock:
            provider = self._providers.get(key)
            if provider is None or not is_current(provider):
                provider = build()
                self._providers[key] = provider
            return provider

    def clear(self) -> None:
        with self._lock:
            self._providers.clear()


_registry: ProviderRegistry[AccessTokenProvider] = ProviderRegistry()


def token_provider_for(
    *,
    base_url: str,
    appid: str,
    secret: str,
    cache: TokenCache,
    timeouts: Timeouts,
    host_policy: HostPolicy | None = None,
) -> AccessTokenProvider:
    """The process's provider for one account: what clients of every WeChat platform should be given.

    The first caller's ``timeouts`` and ``cache`` build it; a changed secret, cache or host policy builds a new one.
    """
    policy = host_policy if host_policy is not None else WeChatJsonClient.default_host_policy()
    return _registry.get(
        base_url=base_url,
        account_id=appid,
        is_current=lambda provider: (
            provider.has_secret(secret) and provider.cache is cache and provider.host_policy == policy
        ),
        build=lambda: AccessTokenProvider(
            base_url=base_url, appid=appid, secret=secret, cache=cache, timeouts=timeouts, host_policy=policy
        ),
    )


def shop_token_provider(
    shop: ShopConfig, *, cache: TokenCache, timeouts: Timeouts, host_policy: HostPolicy | None = None
) -> AccessTokenProvider:
    """The process's provider (:func:`token_provider_for`) for the WeChat account of ``shop``: its app id and
    secret, at its base URL, called under ``host_policy``."""
    return token_provider_for(
        base_url=shop.base_url,
        appid=shop.app_id,
        secret=shop.app_secret,
        cache=cache,
        timeouts=timeouts,
        host_policy=host_policy,
    )


def clear_token_providers() -> None:
    """Forget the process's providers (tests; the cached tokens themselves stay in the cache)."""
    _registry.clear()
