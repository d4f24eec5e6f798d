"""Fixtures of the Channels store's tests: a client of the demo Channels app, its images and freight template, and a
receiver of its events. The emulator itself comes from ``tests/unit/sandbox/conftest.py``."""

from collections.abc import Iterator

import pytest
import requests

from sandbox import SandboxServer
from tests.unit.sandbox.channels.builders import ChannelsApi, EventReceiver, template_body

# Audits take a minute of sandbox time: they never finish in real time during a test, only when the test moves the
# sandbox clock (ChannelsApi.advance), so every step is deterministic.
AUDIT_DELAY_SECONDS = 60


@pytest.fixture
def channels(server: SandboxServer, http: requests.Session) -> ChannelsApi:
    client = ChannelsApi(server.url, http)
    client.configure(channels_audit={"delay_seconds": AUDIT_DELAY_SECONDS, "outcome": "pass"})
    return client


@pytest.fixture
def channel_images(channels: ChannelsApi) -> list[str]:
    """Five mmecimage.cn links uploaded by the demo Channels app."""
    return [channels.image(index) for index in range(5)]


@pytest.fixture
def template_id(channels: ChannelsApi) -> str:
    """A per-piece freight template of the demo Channels app."""
    return channels.ok("/channels/ec/merchant/addfreighttemplate", template_body())["template_id"]


@pytest.fixture
def receiver(channels: ChannelsApi) -> Iterator[EventReceiver]:
    """A callback URL set as ``channels_event_url``."""
    with EventReceiver() as running:
        channels.configure(channels_event_url=running.url)
        yield running
