"""What the emulator hands every platform it serves: the shared context, the WeChat token store and the queue that
sends pushes in the background. A platform takes what it needs of them when it is built."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from sandbox.core.apps import AppRegistry
from sandbox.core.context import Clock, IdFactory, SandboxContext
from sandbox.core.push import PushQueue
from sandbox.core.tokens import DEFAULT_GRACE_SECONDS, TOKEN_TTL_SECONDS, TokenStore


@dataclass(frozen=True)
class Services:
    ctx: SandboxContext
    tokens: TokenStore
    # Events sent in the background (the Channels store's); POST /__sandbox__/clock waits for them.
    pushes: PushQueue

    @classmethod
    def create(
        cls,
        *,
        apps: AppRegistry,
        seed: int | None = None,
        event_url: str | None = None,
        token_grace_seconds: float = DEFAULT_GRACE_SECONDS,
        token_ttl_seconds: int = TOKEN_TTL_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> Services:
        ctx = SandboxContext(apps=apps, clock=Clock(clock), ids=IdFactory(seed), event_url=event_url)
        tokens = TokenStore(ctx, ttl_seconds=token_ttl_seconds, grace_seconds=token_grace_seconds)
        return cls(ctx, tokens, PushQueue())
