"""Client-side call quotas per shop (design §4 "Quotas"): work beyond a platform's limit waits for the window.

Fixed windows counted in the shared cache (Redis in production), so every worker of every machine sees the
same count. A call that would exceed a window is not sent: the caller gets ``RateLimitedError`` with the seconds
until the window ends, and the engine puts the job back with that delay (neither failed nor lost).
"""

import time
from dataclasses import dataclass

from .platforms.errors import RateLimitedError


@dataclass(frozen=True)
class Window:
    seconds: int
    limit: int


class Quota:
    """One named quota of one shop, e.g. the Channels store's add+update: 200 an hour and 1000 a day."""

    def __init__(self, *, cache, shop_key: str, name: str, windows: tuple[Window, ...], errcode: int | None = None):
        self.cache = cache
        self.shop_key = shop_key
        self.name = name
        self.windows = windows
        self.errcode = errcode

    def _key(self, window: Window, now: float) -> tuple[str, float]:
        start = int(now // window.seconds) * window.seconds
        return f"quota:{self.shop_key}:{self.name}:{window.seconds}:{start}", start + window.seconds

    def acquire(self, *, now: float | None = None) -> None:
        """Count one call, or raise RateLimitedError without counting when any window is full."""
        now = time.time() if now is None else now
        taken = []
        for window in self.windows:
            key, ends_at = self._key(window, now)
            self.cache.add(key, 0, timeout=window.seconds + 60)
            count = self.cache.incr(key)
            taken.append(key)
            if count > window.limit:
                for done in taken:
                    self.cache.decr(done)
                raise RateLimitedError(
                    f"client-side quota {self.name}: {window.limit} calls per {window.seconds} s reached",
                    retry_after=max(1.0, ends_at - now),
                    errcode=self.errcode,
                )

    def used(self, *, now: float | None = None) -> dict[int, int]:
        now = time.time() if now is None else now
        return {w.seconds: int(self.cache.get(self._key(w, now)[0]) or 0) for w in self.windows}


def product_write_quota(*, cache, shop_id: int, name: str, per_hour: int, per_day: int, errcode: int) -> Quota:
    """The add+update quota of one shop of a WeChat shop platform (the Channels store §3.3, the mini-shop §4):
    ``per_hour`` calls an hour and ``per_day`` a day. ``errcode`` is the platform's code for a full quota, shown
    when the quota holds work back."""
    return Quota(
        cache=cache,
        shop_key=str(shop_id),
        name=name,
        windows=(Window(3600, per_hour), Window(86400, per_day)),
        errcode=errcode,
    )
