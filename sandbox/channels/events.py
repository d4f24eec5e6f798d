"""The Channels store's events (README, "Channels events"): ``product_spu_audit``, ``product_spu_listing`` and
``product_spu_update``, each kept with the shop and, when ``channels_event_url`` is set, POSTed as signed JSON by
the push queue, so the call that caused it never waits for the receiver."""

from __future__ import annotations

import string
from typing import Any

from sandbox.channels.state import PushRecord, ShopState
from sandbox.core.app_states import AppStates
from sandbox.core.base import dump_json
from sandbox.core.context import IdFactory, SandboxContext
from sandbox.core.push import PushQueue, QueuedPush
from sandbox.core.secure_push import encrypt_message, msg_signature

# Event bodies (§3.1 and the platform's callback docs).
EVENT_AUDIT = ("product_spu_audit", "ProductSpuAudit")
EVENT_LISTING = ("product_spu_listing", "ProductSpuListing")
EVENT_UPDATE = ("product_spu_update", "ProductSpuUpdate")
AUDIT_REJECTED, AUDIT_PASSED, AUDIT_CANCELLED = 2, 3, 4
UPDATE_CHANGED, UPDATE_ADDED, UPDATE_DELETED, UPDATE_PURGED = 0, 1, 2, 3
# "微信团队的 OpenID(固定值)": the FromUserName of every Channels event.
WECHAT_TEAM_OPENID = "oWxTeamSandbox0000000000000"
NONCE_LENGTH = 16


class Events:
    def __init__(
        self, ctx: SandboxContext, shops: AppStates[ShopState], pushes: PushQueue, *, url: str | None = None
    ) -> None:
        self._ctx = ctx
        self._shops = shops
        self._pushes = pushes
        # Where events go (``channels_event_url``); None keeps them with the shop only.
        self.url = url
        # Events may be emitted by the timer thread at moments that depend on timing, so their nonces come from a
        # generator of their own: the seeded ids of the calls stay the same from run to run.
        self._nonces = IdFactory(ctx.ids.seed)

    def emit(self, appid: str, kind: tuple[str, str], body: dict[str, Any]) -> None:
        """Log an event and, when ``channels_event_url`` is set, queue it for delivery (README, "Channels events")."""
        app = self._ctx.apps.get(appid)
        assert app is not None  # apps are never removed
        now = int(self._ctx.now())
        event, key = kind
        payload = {
            "ToUserName": app.original_id,
            "FromUserName": WECHAT_TEAM_OPENID,
            "CreateTime": now,
            "MsgType": "event",
            "Event": event,
            key: body,
        }
        record = PushRecord(time=now, event=event, body=payload, url=self.url)
        self._shops.of(appid).pushes.append(record)
        if self.url:
            nonce = self._nonces.chars(NONCE_LENGTH, string.digits)
            body, extra_query = dump_json(payload), None
            if app.push_aes_key:
                # The secure mode: only the ciphertext travels, signed with msg_signature (README, "Encrypted pushes").
                random16 = self._nonces.chars(16, string.ascii_letters + string.digits).encode("ascii")
                encrypt = encrypt_message(app.push_aes_key, app.appid, body, random16)
                body = dump_json({"ToUserName": app.original_id, "Encrypt": encrypt})
                extra_query = {
                    "encrypt_type": "aes",
                    "msg_signature": msg_signature(app.push_token, str(now), nonce, encrypt),
                }
            self._pushes.put(
                QueuedPush(
                    url=self.url,
                    body=body,
                    content_type="application/json",
                    token=app.push_token,
                    timestamp=str(now),
                    nonce=nonce,
                    on_result=record.set_result,
                    extra_query=extra_query,
                )
            )
