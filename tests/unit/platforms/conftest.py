"""Fixtures for the platform-client tests: a fresh emulator per test, served in-process on a free port and called
over real HTTP, as in ``tests/unit/sandbox``; a private local-memory cache per test. No database."""

import json
import os
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from django.core.cache.backends.locmem import LocMemCache

from channels_sync.platforms.http import CallRecord, Timeouts
from channels_sync.platforms.tokens import AccessTokenProvider
from channels_sync.platforms.transport import new_session
from channels_sync.platforms.wechat_store import WeChatStoreClient
from sandbox import Sandbox, SandboxServer
from sandbox.core.apps import AppRegistry
from tests.unit.platforms.stubs import EMULATOR_POLICY, StubServer
from tests.unit.sandbox.client import DEMO_APP, SandboxApi

SEED = 20240611
TIMEOUTS = Timeouts(connect=2.0, read=5.0)


class Calls(list[CallRecord]):
    """Every CallRecord handed to ``on_call``, in order."""

    def to(self, endpoint: str) -> list[CallRecord]:
        return [record for record in self if record.endpoint == endpoint]


@pytest.fixture
def sandbox() -> Sandbox:
    # Explicit apps: a SANDBOX_APPS variable in the developer's shell must not change the tests.
    return Sandbox(apps=AppRegistry.default(environ={}), seed=SEED)


@pytest.fixture
def server(sandbox: Sandbox) -> Iterator[SandboxServer]:
    # A short poll interval: stopping the server waits for one poll.
    with SandboxServer(sandbox, host="127.0.0.1", port=0, poll_interval=0.05) as running:
        yield running


@pytest.fixture
def http_session() -> Iterator[requests.Session]:
    http = new_session()
    # Calls go straight to 127.0.0.1, whatever proxy the environment names.
    http.trust_env = False
    yield http
    http.close()


@pytest.fixture
def control(server: SandboxServer, http_session: requests.Session) -> SandboxApi:
    """The emulator's control API (faults, applied effects, order generation)."""
    return SandboxApi(server.url, http_session)


@pytest.fixture
def token_cache() -> LocMemCache:
    # A unique name: LocMemCache instances with the same name share their storage.
    return LocMemCache(f"platforms-test-{uuid.uuid4().hex}", {})


@pytest.fixture
def calls() -> Calls:
    return Calls()


@pytest.fixture
def provider(
    server: SandboxServer, token_cache: LocMemCache, http_session: requests.Session, calls: Calls
) -> AccessTokenProvider:
    return AccessTokenProvider(
        base_url=server.url,
        appid=DEMO_APP[0],
        secret=DEMO_APP[1],
        cache=token_cache,
        timeouts=TIMEOUTS,
        on_call=calls.append,
        session=http_session,
        host_policy=EMULATOR_POLICY,
    )


@pytest.fixture
def store_client(
    server: SandboxServer, provider: AccessTokenProvider, http_session: requests.Session, calls: Calls
) -> WeChatStoreClient:
    # A trailing slash, as a merchant may type it in the shop's base URL.
    return WeChatStoreClient(
        server.url + "/",
        tokens=provider,
        timeouts=TIMEOUTS,
        on_call=calls.append,
        session=http_session,
        host_policy=EMULATOR_POLICY,
    )


@pytest.fixture
def stub() -> Iterator[StubServer]:
    """A server with canned answers, for exact wire bytes and answers the emulator never gives."""
    with StubServer() as server:
        yield server


# --- Golden files -----------------------------------------------------------------------------------------------


@pytest.fixture
def golden_render() -> Callable[[Any], str]:
    """How ``golden`` renders data; a platform whose bodies travel otherwise (Tencent Ads) overrides it."""
    return lambda data: json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


@pytest.fixture
def golden(request, golden_render) -> Callable[[str, Any], None]:
    """``golden(name, data)`` compares ``data`` as rendered by ``golden_render`` with ``golden/<name>.json`` beside
    the test module. Run the tests with ``UPDATE_GOLDEN=1`` to (re)write the files after an intended change, then
    review the diff before committing it."""
    directory = request.path.parent / "golden"

    def check(name: str, data: Any) -> None:
        path = directory / f"{name}.json"
        text = golden_render(data)
        if os.environ.get("UPDATE_GOLDEN") == "1":
            directory.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        if not path.exists():
            pytest.fail(f"golden file {path.name} is missing: run the tests with UPDATE_GOLDEN=1 to write it")
        assert text == path.read_text(encoding="utf-8")

    return check
