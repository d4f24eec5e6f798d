"""The sandbox's own endpoints under ``/__sandbox__/`` (README, "Control API"): faults, the applied-effects log,
reset, configuration, clock and state dumps, plus those a platform adds (the WeChat store's order generation). No
token; JSON in and out; errors are HTTP 400 ``{"errcode": 40097, "errmsg": ...}``. Faults never apply here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from sandbox.core.apps import AppConfig, AppRegistry
from sandbox.core.base import ApiError, Platform, Request, Response, RouteTable
from sandbox.core.context import SandboxContext
from sandbox.core.faults import FaultError, FaultInjector, FaultPlan
from sandbox.core.images import image_for_link
from sandbox.core.push import PushQueue
from sandbox.core.secure_push import check_encoding_aes_key
from sandbox.core.tokens import TokenStore
from sandbox.core.validation import check_number, invalid_args

CONTROL_PREFIX = "/__sandbox__/"
# How long POST /__sandbox__/clock waits for the events that became due to be delivered.
PUSH_FLUSH_TIMEOUT_SECONDS = 15.0
BASE_CONFIG_KEYS = frozenset(
    {"event_url", "token_grace_seconds", "token_ttl_seconds", "push_token", "push_tokens", "push_aes_keys", "apps"}
)


class Controlled(Protocol):
    """What the control endpoints reach of the emulator that serves them (``server.Emulator``)."""

    ctx: SandboxContext
    tokens: TokenStore
    faults: FaultInjector
    pushes: PushQueue
    platforms: list[Platform]

    def route_keys(self) -> list[tuple[str, str]]: ...

    def tick(self) -> None: ...

    def save_state(self) -> None: ...


def sandbox_app(apps: AppRegistry, appid: Any) -> AppConfig:
    """The app a control call names, or its 40097: control calls name apps in their body or query."""
    if not isinstance(appid, str) or not appid:
        raise invalid_args("appid is required")
    app = apps.get(appid)
    if app is None:
        raise invalid_args(f"appid {appid} is not a sandbox app")
    return app


class ControlEndpoints(Platform):
    """Control routes. Unlike platform handlers they run without the server holding the lock, and take it
    themselves, so that an order's push is delivered after the lock is released."""

    name = "sandbox_control"

    def __init__(self, sandbox: Controlled) -> None:
        self._sandbox = sandbox
        self._ctx = sandbox.ctx

    def routes(self) -> RouteTable:
        p = CONTROL_PREFIX
        return {
            ("GET", p): self.info,
            ("GET", p + "faults"): self.faults_get,
            ("POST", p + "faults"): self.faults_set,
            ("DELETE", p + "faults"): self.faults_clear,
            ("GET", p + "applied"): self.applied,
            ("POST", p + "reset"): self.reset_state,
            ("GET", p + "config"): self.config_get,
            ("POST", p + "config"): self.config_set,
            ("GET", p + "clock"): self.clock,
            ("POST", p + "clock"): self.clock,
            ("GET", p + "state"): self.state,
            ("GET", p + "image"): self.image,
            **self._platform_routes(self._sandbox.platforms),
        }

    @staticmethod
    def _platform_routes(platforms: Sequence[Platform]) -> RouteTable:
        routes: RouteTable = {}
        for platform in platforms:
            for (method, path), handler in platform.control_routes().items():
                if not path.startswith(CONTROL_PREFIX):
                    raise ValueError(f"control route {path} of {platform.name} is not under {CONTROL_PREFIX}")
                routes[(method, path)] = handler
        return routes

    def error_response(self, error: ApiError) -> Response:
        return Response.json(self.error_body(error), status=400)

    def _app(self, appid: Any) -> AppConfig:
        return sandbox_app(self._ctx.apps, appid)

    def info(self, request: Request) -> dict[str, Any]:
        """``GET /__sandbox__/``: the accepted app ids and every route, for a quick look."""
        return {
            "apps": self._ctx.apps.ids(),
            "routes": sorted(f"{method} {path}" for method, path in self._sandbox.route_keys()),
        }

    # --- faults -------------------------------------------------------------------------------------------------

    def faults_get(self, request: Request) -> dict[str, Any]:
        return {"faults": self._sandbox.faults.current().as_json()}

    def faults_set(self, request: Request) -> dict[str, Any]:
        """Replace the fault plan. ``invalidate_tokens: true`` also revokes every live token now (40001)."""
        body = request.optional_json()
        try:
            plan = FaultPlan.from_json(body)
        except FaultError as exc:
            raise invalid_args(str(exc)) from exc
        invalidated = 0
        if body.get("invalidate_tokens"):
            with self._ctx.lock:
                invalidated = self._sandbox.tokens.invalidate_all()
        self._sandbox.faults.set(plan)
        return {"faults": plan.as_json(), "tokens_invalidated": invalidated}

    def faults_clear(self, request: Request) -> dict[str, Any]:
        self._sandbox.faults.clear()
        return {"faults": self._sandbox.faults.current().as_json()}

    # --- applied log and state ----------------------------------------------------------------------------------

    def applied(self, request: Request) -> dict[str, Any]:
        """The applied-effects log, optionally filtered by ``appid``, ``endpoint`` and ``since`` (a seq)."""
        since = request.query.get("since", "0")
        if not since.isdigit():
            raise invalid_args("since must be a non-negative integer")
        with self._ctx.lock:
            return {
                "last_seq": self._ctx.applied.last_seq,
                "applied": self._ctx.applied.query(
                    appid=request.query.get("appid"), endpoint=request.query.get("endpoint"), since=int(since)
                ),
            }

    def image(self, request: Request) -> Response:
        """``GET ?url=<an image link>``: the picture behind a link the shops answered (``core/images.py``)."""
        url = request.query.get("url", "")
        if not url.startswith(("http://", "https://")):
            raise invalid_args("url must be an http(s) image link")
        with self._ctx.lock:
            source = self._ctx.picture_sources.get(url)
        return Response(status=200, body=image_for_link(url, source), content_type="image/png")

    def state(self, request: Request) -> dict[str, Any]:
        """One app's state, per platform."""
        app = self._app(request.query.get("appid"))
        with self._ctx.lock:
            dump: dict[str, Any] = {"appid": app.appid}
            for platform in self._sandbox.platforms:
                snapshot = platform.snapshot(app.appid)
                if snapshot is not None:
                    dump[platform.name] = snapshot
            return dump

    def reset_state(self, request: Request) -> dict[str, Any]:
        """Forget platform state and applied effects (and tokens, unless ``keep_tokens``) of one app or of all;
        a full reset also clears the faults. Configuration and the clock stay. The state file, if any, is
        rewritten with what is left."""
        body = request.optional_json()
        appid = self._app(body["appid"]).appid if body.get("appid") is not None else None
        with self._ctx.lock:
            for platform in self._sandbox.platforms:
                platform.reset(appid)
            self._ctx.applied.clear(appid)
            if not body.get("keep_tokens"):
                self._sandbox.tokens.reset(appid)
            self._ctx.touch()
        if appid is None:
            self._sandbox.faults.clear()
        # Written at once, not at the next save: a forgotten state must not come back after a crash.
        self._sandbox.save_state()
        return {"reset": appid or "all"}

    # --- configuration and clock --------------------------------------------------------------------------------

    def config_get(self, request: Request) -> dict[str, Any]:
        tokens = self._sandbox.tokens
        config = {
            "apps": self._ctx.apps.ids(),
            "event_url": self._ctx.event_url,
            "token_grace_seconds": tokens.grace_seconds,
            "token_ttl_seconds": tokens.ttl_seconds,
            "seed": self._ctx.ids.seed,
        }
        with self._ctx.lock:
            for platform in self._sandbox.platforms:
                config.update(platform.config())
        return config

    def config_set(self, request: Request) -> dict[str, Any]:
        """Change only the keys given: ``event_url`` (null to stop pushes), ``token_grace_seconds``,
        ``token_ttl_seconds``, ``push_token`` (every app) or ``push_tokens`` {appid: token}, ``push_aes_keys``
        {appid: EncodingAESKey, or "" for plain pushes} (README, "Encrypted pushes"), ``apps``
        {appid: secret} to accept more apps, and the keys the platforms own (``channels_*``)."""
        body = request.json()
        known = BASE_CONFIG_KEYS.union(*(platform.config_keys for platform in self._sandbox.platforms))
        unknown = sorted(set(body) - known)
        if unknown:
            raise invalid_args(f"unknown config key(s): {', '.join(unknown)}")
        with self._ctx.lock:
            self._apply_config(body)
        return self.config_get(request)

    def _apply_config(self, body: dict[str, Any]) -> None:
        # Every value is checked before any is applied, so a rejected body changes nothing.
        platform_changes = [
            platform.prepare_config({key: body[key] for key in platform.config_keys if key in body})
            for platform in self._sandbox.platforms
        ]
        event_url = body.get("event_url", self._ctx.event_url)
        if event_url is not None and (
            not isinstance(event_url, str) or not event_url.startswith(("http://", "https://"))
        ):
            raise invalid_args("event_url must be an http(s) URL or null")
        grace = check_number(
            body.get("token_grace_seconds", self._sandbox.tokens.grace_seconds), "token_grace_seconds", minimum=0
        )
        ttl = check_number(
            body.get("token_ttl_seconds", self._sandbox.tokens.ttl_seconds), "token_ttl_seconds", minimum=1
        )
        apps = body.get("apps", {})
        if not isinstance(apps, dict) or not all(
            isinstance(k, str) and k and isinstance(v, str) and v for k, v in apps.items()
        ):
            raise invalid_args("apps must map app ids to secrets")
        push_tokens = body.get("push_tokens", {})
        if not isinstance(push_tokens, dict):
            raise invalid_args("push_tokens must map app ids to tokens")
        push_tokens = dict(push_tokens)
        if "push_token" in body:
            push_tokens.update(dict.fromkeys([*self._ctx.apps.ids(), *apps], body["push_token"]))
        if not all(isinstance(token, str) and token for token in push_tokens.values()):
            raise invalid_args("push tokens must be non-empty strings")
        push_aes_keys = body.get("push_aes_keys", {})
        if not isinstance(push_aes_keys, dict):
            raise invalid_args("push_aes_keys must map app ids to EncodingAESKeys")
        for key in push_aes_keys.values():
            if key != "":
                try:
                    check_encoding_aes_key(key)
                except ValueError as error:
                    raise invalid_args(str(error)) from None
        for appid in [*push_tokens, *push_aes_keys]:
            if appid not in apps:
                self._app(appid)
        self._ctx.event_url = event_url
        self._sandbox.tokens.grace_seconds = grace
        self._sandbox.tokens.ttl_seconds = int(ttl)
        for appid, secret in apps.items():
            existing = self._ctx.apps.get(appid)
            if existing is None:
                self._ctx.apps.add(AppConfig(appid, secret))
            else:
                existing.secret = secret
        for appid, token in push_tokens.items():
            self._app(appid).push_token = token
        for appid, key in push_aes_keys.items():
            self._app(appid).push_aes_key = key
        for apply in platform_changes:
            apply()

    def clock(self, request: Request) -> dict[str, Any]:
        """``POST {"advance_seconds": N}`` moves the sandbox clock forward (tokens expire, orders age), lets what
        became due happen (Channels audits) and waits until the events it caused have been delivered."""
        if request.method == "POST":
            advance = check_number(request.json().get("advance_seconds"), "advance_seconds", minimum=0)
            with self._ctx.lock:
                self._ctx.clock.advance(advance)
                self._ctx.touch()
            self._sandbox.tick()
            self._sandbox.pushes.flush(PUSH_FLUSH_TIMEOUT_SECONDS)
        return {"now": self._ctx.now(), "offset_seconds": self._ctx.clock.offset}
