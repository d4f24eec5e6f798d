"""One platform's state, kept per app id: every emulated platform keeps each app's shop (or merchant, or client)
apart from every other's, creates it on the app's first call, forgets it on ``reset`` and hands it to the state
file as a map of app ids."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sandbox.core.base import Request
from sandbox.core.context import SandboxContext

_State = TypeVar("_State")


class AppStates(dict[str, _State]):
    """``{app id: state}`` of one platform, with what its handlers ask of it: the caller's state and the record of
    what a call changed (in the applied-effects log, under the platform's name and the call's path)."""

    def __init__(self, ctx: SandboxContext, platform: str, new: Callable[[], _State], kind: type[_State]) -> None:
        super().__init__()
        self.ctx = ctx
        self.platform = platform
        self._new = new
        self._kind = kind

    def of(self, appid: str) -> _State:
        """The app's state, created empty on its first call."""
        state = self.get(appid)
        if state is None:
            state = self[appid] = self._new()
        return state

    def of_caller(self, request: Request) -> _State:
        """The state of the app the call's credentials belong to."""
        return self.of(caller(request))

    def record(self, request: Request, **fields: Any) -> None:
        """File a change the call applied in the applied-effects log."""
        self.ctx.applied.record(platform=self.platform, endpoint=request.path, appid=caller(request), **fields)

    def forget(self, appid: str | None) -> None:
        """Drop one app's state, or every app's when ``appid`` is ``None`` (what ``Platform.reset`` does)."""
        if appid is None:
            self.clear()
        else:
            self.pop(appid, None)

    def export(self) -> dict[str, _State]:
        """The states as the state file stores them: a plain map of app ids."""
        return dict(self)

    def load(self, stored: Any) -> None:
        """Take back what :meth:`export` gave, decoded from the state file; ``ValueError`` when it is anything else
        (a file written by other code), and then nothing changes."""
        if not isinstance(stored, dict) or not all(
            isinstance(appid, str) and isinstance(state, self._kind) for appid, state in stored.items()
        ):
            raise ValueError(f"the stored states are not a map of app ids to {self._kind.__name__}")
        self.clear()
        self.update(stored)


def caller(request: Request) -> str:
    """The app id of an authenticated call: every route that keeps state authenticates its caller first."""
    assert request.appid is not None
    return request.appid
