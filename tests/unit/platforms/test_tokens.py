"""The shared access-token provider (reference §1.2, §7.1): stable_token in normal mode, caching, compare-and-delete
invalidation, one refresher under contention, lock expiry, force refresh, and no secret anywhere."""

import hashlib
import logging
import threading
import time
from typing import Any

import pytest

from channels_sync.platforms.errors import AuthError, TransportError
from channels_sync.platforms.tokens import (
    AccessTokenProvider,
    clear_token_providers,
    token_cache_key,
    token_provider_for,
)
from tests.unit.platforms.conftest import TIMEOUTS
from tests.unit.platforms.stubs import EMULATOR_POLICY
from tests.unit.sandbox.client import DEMO_APP

STABLE = "/cgi-bin/stable_token"
APPID, SECRET = DEMO_APP


class RecordingCache:
    """A cache that remembers the timeout of every ``set``."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.sets: list[tuple[str, float | None]] = []

    def get(self, key: str, default: Any = None) -> Any:
        return self.inner.get(key, default)

    def set(self, key: str, value: Any, timeout: float | None = None) -> None:
        self.sets.append((key, timeout))
        self.inner.set(key, value, timeout)

    def add(self, key: str, value: Any, timeout: float | None = None) -> bool:
        return self.inner.add(key, value, timeout)

    def delete(self, key: str) -> Any:
        return self.inner.delete(key)


def _provider(server, token_cache, http_session, calls=None, **options) -> AccessTokenProvider:
    return AccessTokenProvider(
        base_url=server.url,
        appid=options.pop("appid", APPID),
        secret=options.pop("secret", SECRET),
        cache=token_cache,
        timeouts=TIMEOUTS,
        on_call=calls.append if calls is not None else None,
        session=http_session,
        host_policy=EMULATOR_POLICY,
        **options,
    )


def test_first_use_fetches_a_stable_token_in_normal_mode_and_later_uses_the_cache(provider, calls):
    first = provider.get_token()
    second = provider.get_token()

    assert first == second
    assert len(first) == 136
    [record] = calls.to(STABLE)
    assert (record.method, record.http_status, record.error) == ("POST", 200, None)
    assert record.request == {
        "grant_type": "client_credential",
        "appid": APPID,
        "secret": "***",
        "force_refresh": False,
    }
    assert record.response == {"access_token": "***", "expires_in": 7200}
    assert record.query == {}


def test_the_token_is_cached_under_a_hash_of_base_url_and_appid_for_expires_in_minus_the_margin(
    server, token_cache, http_session
):
    recording = RecordingCache(token_cache)
    provider = _provider(server, recording, http_session)

    token = provider.get_token()

    digest = hashlib.sha256(f"{server.url}\n{APPID}".encode()).hexdigest()[:40]
    key = f"channels_sync:wechat_access_token:{digest}"
    assert provider.cache_key == key
    assert token_cache_key(server.url + "/", APPID) == key
    assert recording.sets == [(key, 6900)]
    assert token_cache.get(key) == token
    assert SECRET not in key


def test_a_token_with_little_life_left_is_cached_for_half_of_it(server, token_cache, http_session, control):
    control.control("POST", "config", {"token_ttl_seconds": 400})
    recording = RecordingCache(token_cache)

    _provider(server, recording, http_session).get_token()

    assert [timeout for _, timeout in recording.sets] == [200]


@pytest.mark.parametrize(("expires_in", "ttl"), [(7200, 6900), (600, 300), (345, 172), (1, 0), (0, 0)])
def test_ttl_is_expires_in_minus_the_margin_but_at_least_half(provider, expires_in, ttl):
    assert provider.ttl_for(expires_in) == ttl


def test_invalidate_drops_the_cached_token_only_if_it_is_the_one_that_failed(provider, token_cache):
    token = provider.get_token()

    assert provider.invalidate("some-older-token") is False
    assert token_cache.get(provider.cache_key) == token
    assert provider.invalidate(token) is True
    assert token_cache.get(provider.cache_key) is None
    assert provider.invalidate(token) is False


def test_concurrent_processes_refresh_once_and_share_the_token(server, token_cache, http_session, calls, control):
    # The fetch is slow, so every worker finds the token_cache empty and contends for the refresh.
    control.control("POST", "faults", {"latency_ms": 300, "paths": [STABLE]})
    providers = [_provider(server, token_cache, http_session, calls) for _ in range(8)]
    barrier = threading.Barrier(len(providers))
    tokens: list[str] = []

    def worker(provider: AccessTokenProvider) -> None:
        barrier.wait()
        tokens.append(provider.get_token())

    threads = [threading.Thread(target=worker, args=(provider,)) for provider in providers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    assert len(tokens) == 8
    assert len(set(tokens)) == 1
    assert len(calls.to(STABLE)) == 1
    assert token_cache.get(providers[0].lock_key) is None


def test_a_stale_lock_of_a_dead_refresher_expires_and_is_taken_over(server, token_cache, http_session, calls):
    provider = _provider(server, token_cache, http_session, calls, lock_timeout=5, wait_timeout=5)
    token_cache.add(provider.lock_key, "dead-worker", 0.5)
    started = time.monotonic()

    token = provider.get_token()

    assert time.monotonic() - started >= 0.4
    assert len(token) == 136
    assert len(calls.to(STABLE)) == 1
    assert token_cache.get(provider.lock_key) is None


def test_waiting_too_long_for_another_refresher_is_a_transport_error_that_sent_nothing(
    server, token_cache, http_session, calls
):
    provider = _provider(server, token_cache, http_session, calls, wait_timeout=0.3)
    token_cache.add(provider.lock_key, "slow-worker", 60)

    with pytest.raises(TransportError) as caught:
        provider.get_token()

    assert caught.value.errmsg == "timed out waiting for another process to refresh the access token"
    assert caught.value.endpoint == STABLE
    assert caught.value.outcome_unknown is False
    assert calls == []
    # Another worker's lock is never released by a waiter.
    assert token_cache.get(provider.lock_key) == "slow-worker"


def test_a_waiter_reads_the_token_the_refresher_stored(server, token_cache, http_session, calls):
    provider = _provider(server, token_cache, http_session, calls, wait_timeout=5)
    token_cache.add(provider.lock_key, "busy-worker", 60)
    threading.Timer(0.2, lambda: token_cache.set(provider.cache_key, "token-from-the-other-worker", 100)).start()

    assert provider.get_token() == "token-from-the-other-worker"
    assert calls == []


def test_force_refresh_is_explicit_and_revokes_the_old_token(provider, token_cache, calls, control):
    old = provider.get_token()

    new = provider.force_refresh()

    assert new != old
    assert token_cache.get(provider.cache_key) == new
    assert [record.request["force_refresh"] for record in calls.to(STABLE)] == [False, True]
    assert control.post("/merchant/getbystatus", {"status": 0}, token=old) == {
        "errcode": 40001,
        "errmsg": "invalid credential, access_token is invalid or not latest",
    }
    assert control.post("/merchant/getbystatus", {"status": 0}, token=new)["errcode"] == 0


def test_a_wrong_secret_is_a_configuration_error_that_names_no_secret(server, token_cache, http_session, calls):
    provider = _provider(server, token_cache, http_session, calls, secret="wrong-secret-value")

    with pytest.raises(AuthError) as caught:
        provider.get_token()

    error = caught.value
    assert (error.errcode, error.errmsg, error.endpoint) == (40125, "invalid appsecret", STABLE)
    assert error.config_error is True
    assert error.retryable is False
    assert "wrong-secret-value" not in str(error) + repr(error)
    assert calls[0].request["secret"] == "***"
    assert token_cache.get(provider.cache_key) is None
    assert token_cache.get(provider.lock_key) is None


def test_an_unknown_appid_is_a_configuration_error(server, token_cache, http_session):
    with pytest.raises(AuthError) as caught:
        _provider(server, token_cache, http_session, appid="wx_nobody").get_token()

    assert (caught.value.errcode, caught.value.errmsg, caught.value.config_error) == (40013, "invalid appid", True)


def test_the_secret_appears_in_no_repr_and_no_log_line(server, provider, caplog):
    with caplog.at_level(logging.DEBUG, logger="channels_sync.platforms"):
        token = provider.get_token()

    assert repr(provider) == f"AccessTokenProvider(base_url='{server.url}', appid='{APPID}')"
    platform_records = [record for record in caplog.records if record.name == "channels_sync.platforms"]
    assert [record.getMessage() for record in platform_records] == ["platform.call", "platform.token.refreshed"]
    assert (platform_records[0].endpoint, platform_records[0].errcode) == (STABLE, None)
    for record in caplog.records:
        dumped = repr(record.__dict__)
        assert SECRET not in dumped
        assert token not in dumped


def test_one_provider_per_base_url_and_appid_per_process(server, token_cache):
    clear_token_providers()
    first = token_provider_for(
        base_url=server.url,
        appid=APPID,
        secret=SECRET,
        cache=token_cache,
        timeouts=TIMEOUTS,
        host_policy=EMULATOR_POLICY,
    )

    same = token_provider_for(
        base_url=server.url + "/",
        appid=APPID,
        secret=SECRET,
        cache=token_cache,
        timeouts=TIMEOUTS,
        host_policy=EMULATOR_POLICY,
    )
    new_secret = token_provider_for(
        base_url=server.url,
        appid=APPID,
        secret="rotated-secret",
        cache=token_cache,
        timeouts=TIMEOUTS,
        host_policy=EMULATOR_POLICY,
    )

    assert same is first
    assert new_secret is not first
    assert new_secret.has_secret("rotated-secret")
    clear_token_providers()
