"""Fixtures for the sandbox tests: a fresh emulator per test, served in-process on a free port, called over HTTP.

No database: the sandbox is plain Python.
"""

from collections.abc import Iterator

import pytest
import requests

from sandbox import Sandbox, SandboxServer
from sandbox.core.apps import AppRegistry
from tests.unit.sandbox.client import SandboxApi

SEED = 20240611


@pytest.fixture
def sandbox() -> Sandbox:
    # Explicit apps: a SANDBOX_APPS variable in the developer's shell must not change the tests.
    return Sandbox(apps=AppRegistry.default(environ={}), seed=SEED)


@pytest.fixture
def server(sandbox: Sandbox) -> Iterator[SandboxServer]:
    with SandboxServer(sandbox, host="127.0.0.1", port=0, poll_interval=0.01) as running:
        yield running


@pytest.fixture
def http() -> Iterator[requests.Session]:
    session = requests.Session()
    # Calls go straight to 127.0.0.1, whatever proxy the environment names.
    session.trust_env = False
    yield session
    session.close()


@pytest.fixture
def api(server: SandboxServer, http: requests.Session) -> SandboxApi:
    return SandboxApi(server.url, http)


@pytest.fixture
def images(api: SandboxApi) -> list[str]:
    """Three images uploaded by the demo app: main, extra and detail."""
    return [api.upload(f"image-{index}.jpg", data=b"\xff\xd8\xff" + bytes([index])) for index in range(3)]
