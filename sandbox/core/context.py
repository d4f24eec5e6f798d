"""What every platform of the sandbox shares: the lock, the clock (with China time), the id generator and the
applied-effects log."""

from __future__ import annotations

import itertools
import random
import string
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from sandbox.core.apps import AppRegistry

# The platforms answer times in China time (UTC+8).
BEIJING = timezone(timedelta(hours=8))
URL_SAFE = string.ascii_letters + string.digits + "-_"
ALPHANUMERIC = string.ascii_letters + string.digits


class Clock:
    """Wall-clock seconds plus an offset that tests move forward (``POST /__sandbox__/clock``) to expire tokens
    or age orders without sleeping."""

    def __init__(self, source: Callable[[], float] = time.time) -> None:
        self._source = source
        self.offset = 0.0

    def now(self) -> float:
        return self._source() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


def beijing_time(timestamp: float) -> str:
    """``"YYYY-MM-DD HH:MM:SS"`` in China time, the WeChat platforms' format for ``create_time`` and
    ``update_time``."""
    return datetime.fromtimestamp(timestamp, tz=UTC).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")


class IdFactory:
    """Random ids and tokens. With a seed the sequence is deterministic, so a run can be replayed."""

    def __init__(self, seed: int | None = None) -> None:
        self.seed = seed
        self._rng: random.Random = random.Random(seed) if seed is not None else random.SystemRandom()

    def export_state(self) -> list[Any] | None:
        """Where a seeded sequence stands (JSON-ready), so a restart from a state file goes on with new ids instead
        of drawing the ones it already gave out again; None when unseeded (nothing to keep)."""
        if self.seed is None:
            return None
        version, internal, gauss_next = self._rng.getstate()
        return [version, list(internal), gauss_next]

    def import_state(self, data: list[Any] | None) -> None:
        if self.seed is None or data is None:
            return
        version, internal, gauss_next = data
        self._rng.setstate((version, tuple(internal), gauss_next))

    def chars(self, length: int, alphabet: str = URL_SAFE) -> str:
        return "".join(self._rng.choice(alphabet) for _ in range(length))

    def digits(self, length: int) -> str:
        """A decimal string of ``length`` digits without a leading zero."""
        return str(self._rng.randint(1, 9)) + self.chars(length - 1, string.digits)

    def chance(self, probability: float) -> bool:
        return self._rng.random() < probability


@dataclass
class AppliedEffect:
    """One state change that the sandbox really applied."""

    seq: int
    time: float
    platform: str
    endpoint: str
    appid: str
    fields: dict[str, Any]
    # Set when a fault dropped the answer of the call that applied the change: the caller never saw it.
    response_dropped: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "time": self.time,
            "platform": self.platform,
            "endpoint": self.endpoint,
            "appid": self.appid,
            "fields": self.fields,
            "response_dropped": self.response_dropped,
        }


class AppliedLog:
    """Append-only log of applied state changes. ``seq`` keeps growing across resets, so a reader can page with
    ``since`` and never sees a number twice."""

    def __init__(self, clock: Clock, on_record: Callable[[], None] | None = None) -> None:
        self._clock = clock
        self._entries: list[AppliedEffect] = []
        self._last_seq = 0
        self._on_record = on_record

    @property
    def last_seq(self) -> int:
        return self._last_seq

    def continue_from(self, last_seq: int) -> None:
        """Number the next entry after ``last_seq`` (a restart from a state file): a reader paging with ``since``
        never sees a number twice, though the entries before the restart are not kept."""
        self._last_seq = max(self._last_seq, last_seq)

    def record(self, *, platform: str, endpoint: str, appid: str, **fields: Any) -> AppliedEffect:
        self._last_seq += 1
        effect = AppliedEffect(
            seq=self._last_seq,
            time=self._clock.now(),
            platform=platform,
            endpoint=endpoint,
            appid=appid,
            fields=fields,
        )
        self._entries.append(effect)
        if self._on_record is not None:
            self._on_record()
        return effect

    def since(self, seq: int) -> list[AppliedEffect]:
        return [effect for effect in self._entries if effect.seq > seq]

    def query(self, *, appid: str | None = None, endpoint: str | None = None, since: int = 0) -> list[dict[str, Any]]:
        return [
            effect.as_json()
            for effect in self._entries
            if effect.seq > since
            and (appid is None or effect.appid == appid)
            and (endpoint is None or effect.endpoint == endpoint)
        ]

    def clear(self, appid: str | None = None) -> None:
        if appid is None:
            self._entries.clear()
        else:
            self._entries = [effect for effect in self._entries if effect.appid != appid]


@dataclass
class SandboxContext:
    """Shared services handed to every platform.

    ``lock`` guards all state: the server is multi-threaded and takes it around each handler call, so handlers
    never lock themselves. It is re-entrant so control endpoints can call platform methods while holding it.
    """

    apps: AppRegistry
    clock: Clock = field(default_factory=Clock)
    ids: IdFactory = field(default_factory=IdFactory)
    lock: threading.RLock = field(default_factory=threading.RLock)
    applied: AppliedLog = field(init=False)
    # Where order-paid pushes go (python -m sandbox --event-url, or POST /__sandbox__/config).
    event_url: str | None = None
    # Image link -> SHA-256 of the bytes uploaded for it, in any shop: ``GET /__sandbox__/image`` draws a link's
    # picture from what was uploaded, so the same file uploaded to two shops gives the same picture from both.
    # Kept in memory only: after a restart a link's picture is drawn from the link itself.
    picture_sources: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.applied = AppliedLog(self.clock, on_record=self.touch)
        self._versions = itertools.count(1)
        self._version = 0

    def now(self) -> float:
        return self.clock.now()

    @property
    def state_version(self) -> int:
        """A number that moves whenever the state changes: the state file is saved when it moved."""
        return self._version

    def touch(self) -> None:
        """Note a change of state: every applied effect does it, and so do changes the applied log does not show
        (tokens issued or revoked). ``next`` on a counter is atomic, so threads outside the lock may call it too."""
        self._version = next(self._versions)
