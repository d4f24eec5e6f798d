"""The accounts the emulator accepts (README, "Apps and secrets"): the demo apps, those of ``SANDBOX_APPS`` and those
added through ``POST /__sandbox__/config``. Every platform reads them: the WeChat token endpoints check their
secrets, pushes are signed with their push tokens, and Tencent Ads takes each of them as an OAuth client.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sandbox.core.base import ApiError

DEFAULT_PUSH_TOKEN = "sandbox-push-token"
DEFAULT_APPS: dict[str, str] = {
    "wx_demo_store": "demo-store-secret",
    "wx_test_store": "test-store-secret",
    # The Channels store's own AppID/AppSecret (reference §1.4); any app may call either platform.
    "wx_demo_channels": "demo-channels-secret",
    "wx_test_channels": "test-channels-secret",
    # The mini-shop (小商店) takes the same WeChat tokens (reference §1).
    "wx_demo_minishop": "demo-minishop-secret",
    "wx_test_minishop": "test-minishop-secret",
}
APPS_ENV_VAR = "SANDBOX_APPS"
# §1.3
ERR_INVALID_APPID = 40013


@dataclass
class AppConfig:
    """An account the sandbox accepts. ``push_token`` signs the order-paid pushes (the account's server token)."""

    appid: str
    secret: str = field(repr=False)
    push_token: str = field(default=DEFAULT_PUSH_TOKEN, repr=False)
    # The EncodingAESKey of the secure mode (README, "Encrypted pushes"); empty sends pushes in plain text.
    push_aes_key: str = field(default="", repr=False)

    @property
    def original_id(self) -> str:
        """The account's ``gh_…`` id, the ``ToUserName`` of its pushes; derived so it is stable per app id."""
        return "gh_" + hashlib.sha1(self.appid.encode("utf-8")).hexdigest()[:12]


def parse_apps_spec(spec: str) -> list[AppConfig]:
    """Parse ``"id:secret,id2:secret2"``; a third ``:push_token`` part is optional. Raises ``ValueError``."""
    apps = []
    for item in spec.split(","):
        item = item.strip()
        if not item:
            continue
        parts = [part.strip() for part in item.split(":")]
        if len(parts) not in (2, 3) or not all(parts):
            # The offending item may hold a secret, so only its position is reported.
            raise ValueError(f"{APPS_ENV_VAR}: item {len(apps) + 1} is not 'appid:secret[:push_token]'")
        apps.append(AppConfig(*parts))
    return apps


class AppRegistry:
    """The apps the sandbox accepts, by app id."""

    def __init__(self, apps: Iterable[AppConfig] = ()) -> None:
        self._apps: dict[str, AppConfig] = {}
        for app in apps:
            self.add(app)

    @classmethod
    def default(cls, environ: Mapping[str, str] | None = None) -> AppRegistry:
        """The documented demo apps plus those of ``SANDBOX_APPS`` (which may also change their secrets)."""
        registry = cls(AppConfig(appid, secret) for appid, secret in DEFAULT_APPS.items())
        environ = os.environ if environ is None else environ
        for app in parse_apps_spec(environ.get(APPS_ENV_VAR, "")):
            registry.add(app)
        return registry

    def add(self, app: AppConfig) -> None:
        self._apps[app.appid] = app

    def get(self, appid: str) -> AppConfig | None:
        return self._apps.get(appid)

    def require(self, appid: str) -> AppConfig:
        app = self._apps.get(appid)
        if app is None:
            raise ApiError(ERR_INVALID_APPID, "invalid appid")
        return app

    def ids(self) -> list[str]:
        return sorted(self._apps)
