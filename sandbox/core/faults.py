"""Per-run fault injection (design §6): latency, random and counted errors, 5xx, dropped answers.

A plan is set with ``POST /__sandbox__/faults`` and replaces the previous one as a whole, so a test states every
fault it wants in one body. Faults apply to platform calls (token endpoints included), never to ``/__sandbox__/``.
"""

from __future__ import annotations

import fnmatch
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from enum import Enum
from typing import Any

DROP_MODES = ("close", "504")


class FaultError(ValueError):
    """The plan's JSON is wrong; the message names the key."""


@dataclass
class FaultPlan:
    """What to inject. Counters (``*_next``) go down by one per matching call that they affect."""

    latency_ms: int = 0
    # Probability (0..1) of answering errcode -1 "system error" without applying anything.
    error_rate: float = 0.0
    errcode_minus_one_next: int = 0
    http_5xx_next: int = 0
    # Apply the call, then lose the answer: "close" shuts the connection, "504" answers a gateway timeout.
    drop_response_next: int = 0
    drop_mode: str = "close"
    # Answer ``errcode``/``errmsg`` (e.g. 45009 quota) to the next N calls without applying them.
    errcode_next: int = 0
    errcode: int = 45009
    errmsg: str = "reach max api daily quota limit"
    # fnmatch globs on the path ("/merchant/stock/*"); empty means every platform path.
    paths: list[str] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FaultPlan:
        known = {f.name for f in fields(cls)} | {"path", "invalidate_tokens"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise FaultError(f"unknown fault option(s): {', '.join(unknown)}")
        plan = cls()
        for name in ("latency_ms", "errcode_minus_one_next", "http_5xx_next", "drop_response_next", "errcode_next"):
            if name in data:
                setattr(plan, name, _non_negative_int(data[name], name))
        if "errcode" in data:
            if isinstance(data["errcode"], bool) or not isinstance(data["errcode"], int):
                raise FaultError("errcode must be an integer")
            plan.errcode = data["errcode"]
        if "errmsg" in data:
            if not isinstance(data["errmsg"], str):
                raise FaultError("errmsg must be a string")
            plan.errmsg = data["errmsg"]
        if "error_rate" in data:
            rate = data["error_rate"]
            if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 <= rate <= 1:
                raise FaultError("error_rate must be a number from 0 to 1")
            plan.error_rate = float(rate)
        if "drop_mode" in data:
            if data["drop_mode"] not in DROP_MODES:
                raise FaultError(f"drop_mode must be one of {', '.join(DROP_MODES)}")
            plan.drop_mode = data["drop_mode"]
        paths = data.get("paths", [])
        if "path" in data:
            paths = [data["path"], *paths]
        if not isinstance(paths, list) or not all(isinstance(path, str) and path for path in paths):
            raise FaultError("path must be a string and paths a list of strings")
        plan.paths = paths
        return plan

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    def matches(self, path: str) -> bool:
        return not self.paths or any(fnmatch.fnmatchcase(path, pattern) for pattern in self.paths)


def _non_negative_int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise FaultError(f"{name} must be an integer >= 0")
    return value


class Outcome(Enum):
    PROCEED = "proceed"
    HTTP_5XX = "http_5xx"
    SYSTEM_ERROR = "system_error"
    ERRCODE = "errcode"


@dataclass(frozen=True)
class FaultDecision:
    """What the server does with one call."""

    outcome: Outcome = Outcome.PROCEED
    latency_s: float = 0.0
    # How to lose the answer after applying the call, or None to answer normally.
    drop_mode: str | None = None
    errcode: int = 0
    errmsg: str = ""


NO_FAULT = FaultDecision()


class FaultInjector:
    """Holds the current plan and decides, per call, which fault (at most one) applies."""

    def __init__(self, chance: Callable[[float], bool]) -> None:
        self._chance = chance
        self._plan = FaultPlan()
        self._lock = threading.Lock()

    def set(self, plan: FaultPlan) -> None:
        with self._lock:
            self._plan = plan

    def clear(self) -> None:
        self.set(FaultPlan())

    def current(self) -> FaultPlan:
        with self._lock:
            return self._plan

    def decide(self, path: str) -> FaultDecision:
        """Consume at most one counter for a call to ``path``. Answers that skip the call come first, so a drop
        is only spent on a call that really runs."""
        with self._lock:
            plan = self._plan
            if not plan.matches(path):
                return NO_FAULT
            latency = plan.latency_ms / 1000
            if plan.http_5xx_next:
                plan.http_5xx_next -= 1
                return FaultDecision(Outcome.HTTP_5XX, latency)
            if plan.errcode_minus_one_next:
                plan.errcode_minus_one_next -= 1
                return FaultDecision(Outcome.SYSTEM_ERROR, latency)
            if plan.errcode_next:
                plan.errcode_next -= 1
                return FaultDecision(Outcome.ERRCODE, latency, errcode=plan.errcode, errmsg=plan.errmsg)
            if plan.error_rate and self._chance(plan.error_rate):
                return FaultDecision(Outcome.SYSTEM_ERROR, latency)
            if plan.drop_response_next:
                plan.drop_response_next -= 1
                return FaultDecision(Outcome.PROCEED, latency, drop_mode=plan.drop_mode)
            return FaultDecision(Outcome.PROCEED, latency)
