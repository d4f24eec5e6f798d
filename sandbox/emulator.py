"""The emulator with every platform it emulates: the one place that names them.

To add a platform, build it here and put it in the list handed to :class:`~sandbox.core.server.Emulator` (README,
"Layout"). Each platform is built from the same :class:`~sandbox.core.services.Services`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from sandbox.channels import ChannelsStore
from sandbox.core.apps import AppRegistry
from sandbox.core.server import Emulator
from sandbox.core.services import Services
from sandbox.core.tokens import DEFAULT_GRACE_SECONDS, TOKEN_TTL_SECONDS
from sandbox.minishop import MiniShop
from sandbox.open_platform import OpenPlatform
from sandbox.tencent_ads import TencentAds
from sandbox.wechat_store import WeChatStore


class Sandbox(Emulator):
    """Every emulated platform, the control endpoints and, when given, the state file, as one WSGI application.

    The platforms are attributes too, for tests that read a platform's state in-process.
    """

    def __init__(
        self,
        *,
        apps: AppRegistry | None = None,
        seed: int | None = None,
        event_url: str | None = None,
        channels_event_url: str | None = None,
        token_grace_seconds: float = DEFAULT_GRACE_SECONDS,
        token_ttl_seconds: int = TOKEN_TTL_SECONDS,
        clock: Callable[[], float] = time.time,
        state_file: str | os.PathLike[str] | None = None,
    ) -> None:
        services = Services.create(
            apps=apps if apps is not None else AppRegistry.default(),
            seed=seed,
            event_url=event_url,
            token_grace_seconds=token_grace_seconds,
            token_ttl_seconds=token_ttl_seconds,
            clock=clock,
        )
        self.wechat_store = WeChatStore(services)
        self.channels = ChannelsStore(services, event_url=channels_event_url)
        self.minishop = MiniShop(services)
        self.tencent_ads = TencentAds(services)
        self.open_platform = OpenPlatform(services)
        platforms = [self.wechat_store, self.channels, self.minishop, self.tencent_ads, self.open_platform]
        super().__init__(services, platforms, state_file=state_file)
