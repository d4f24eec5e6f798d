"""Write quotas over rolling windows of the sandbox clock: how many of a shop's writes fall within the last hour and
the last day, against limits that ``POST /__sandbox__/config`` may change (the Channels store's submissions, the
mini-shop's adds and updates). Each platform refuses a write beyond them with its own codes."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

from sandbox.core.context import SandboxContext
from sandbox.core.validation import invalid_args

HOUR, DAY = 3600.0, 86400.0


def hour_and_day_counts(moments: deque[float], now: float) -> tuple[int, int]:
    """How many of ``moments`` (sandbox times, oldest first) fall within the hour and within the day before
    ``now``: the rolling windows of a platform's write quota. Moments older than a day are dropped."""
    while moments and moments[0] <= now - DAY:
        moments.popleft()
    return sum(1 for moment in moments if moment > now - HOUR), len(moments)


class HourAndDayQuota:
    """``limits`` {"hour", "day"} over the moments a shop keeps of its counted writes."""

    def __init__(self, ctx: SandboxContext, limits: dict[str, int]) -> None:
        self._ctx = ctx
        self.limits = dict(limits)

    def used(self, moments: deque[float]) -> tuple[int, int]:
        """The writes of the last hour and of the last day."""
        return hour_and_day_counts(moments, self._ctx.now())

    def count(self, moments: deque[float]) -> None:
        """Count a write now."""
        moments.append(self._ctx.now())

    def merged_limits(self, given: Any, key: str, read_limit: Callable[[Any, str], int]) -> dict[str, int]:
        """The limits with those of ``given``, the config value of ``key`` ({"hour"} and/or {"day"}); each is read
        by ``read_limit(value, path)``, which refuses a bad one in the platform's words."""
        if not isinstance(given, dict) or not set(given) <= {"hour", "day"}:
            raise invalid_args(f"{key} must be an object with hour and/or day")
        return {**self.limits, **{name: read_limit(value, f"{key}.{name}") for name, value in given.items()}}
