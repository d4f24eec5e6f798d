"""The chaos of ``chaos.py``: fault plans aimed at the write calls, worker kills and Redis restarts, each logged."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from _processes import Control

# The calls that change a product or its stock on each platform: the faults are aimed at them.
WRITE_PATHS = [
    "/merchant/create",
    "/merchant/update",
    "/merchant/modproductstatus",
    "/merchant/stock/*",
    "/channels/ec/product/add",
    "/channels/ec/product/update",
    "/channels/ec/product/listing",
    "/channels/ec/product/delisting",
    "/channels/ec/product/stock/update",
    "/product/spu/add",
    "/product/spu/update",
    "/product/spu/listing",
    "/product/spu/delisting",
    "/product/stock/update",
]
FAULT_KINDS = ("drop_close", "drop_504", "http_5xx", "errcode_minus_one", "latency", "invalidate_tokens", "none")


# --- Chaos: faults, worker kills, Redis restarts -------------------------------------------------------------


@dataclass
class ChaosLog:
    kills: list[dict] = field(default_factory=list)
    redis_restarts: list[dict] = field(default_factory=list)
    fault_plans: Counter = field(default_factory=Counter)
    tokens_invalidated: int = 0
    errors: list[str] = field(default_factory=list)


class Faults(threading.Thread):
    """A new fault plan aimed at the write endpoints every ``interval`` seconds, until stopped."""

    def __init__(self, control: Control, rng: random.Random, interval: float, log: ChaosLog):
        super().__init__(name="chaos-faults", daemon=True)
        self.control = control
        self.rng = rng
        self.interval = interval
        self.log = log
        self.halt = threading.Event()

    def plan(self, kind: str) -> dict:
        rng = self.rng
        if kind == "drop_close":
            return {"drop_response_next": rng.randint(1, 2), "drop_mode": "close", "paths": WRITE_PATHS}
        if kind == "drop_504":
            return {"drop_response_next": rng.randint(1, 2), "drop_mode": "504", "paths": WRITE_PATHS}
        if kind == "http_5xx":
            return {"http_5xx_next": rng.randint(1, 3), "paths": WRITE_PATHS}
        if kind == "errcode_minus_one":
            return {"errcode_minus_one_next": rng.randint(1, 3), "paths": WRITE_PATHS}
        if kind == "latency":
            return {"latency_ms": rng.choice((100, 300, 800)), "paths": WRITE_PATHS}
        if kind == "invalidate_tokens":
            return {"invalidate_tokens": True}
        return {}

    def run(self) -> None:
        while not self.halt.wait(self.interval):
            kind = self.rng.choice(FAULT_KINDS)
            try:
                answer = self.control.call("POST", "faults", json=self.plan(kind))
            except Exception as error:  # the emulator is in this process: this is a bug of the run, keep it
                self.log.errors.append(f"fault plan {kind}: {error!r}")
                continue
            self.log.fault_plans[kind] += 1
            self.log.tokens_invalidated += answer.get("tokens_invalidated", 0)

    def stop(self) -> None:
        self.halt.set()
        self.join()
        self.control.call("DELETE", "faults")


class Killer(threading.Thread):
    """SIGKILLs a random worker (and its pool) or Redis at planned moments, and starts it again."""

    def __init__(
        self,
        *,
        workers,
        redis,
        params: Any,  # chaos.Parameters (not imported: chaos.py alone imports this module)
        rng: random.Random,
        log: ChaosLog,
        started: float,
    ):
        super().__init__(name="chaos-killer", daemon=True)
        self.workers = workers
        self.redis = redis
        self.params = params
        self.rng = rng
        self.log = log
        self.started = started
        self.halt = threading.Event()
        work = params.work_seconds
        # Kills over the first 85 % of the work, Redis restarts between them, so recovery happens under load.
        kills = [("kill", work * (0.1 + 0.75 * i / max(params.kills - 1, 1))) for i in range(params.kills)]
        restarts = [
            ("redis", work * (0.15 + 0.7 * (i + 0.5) / max(params.redis_restarts, 1)))
            for i in range(params.redis_restarts)
        ]
        self.plan = sorted(kills + restarts, key=lambda item: item[1])

    def run(self) -> None:
        for what, at in self.plan:
            if self.halt.wait(max(0.0, self.started + at - time.monotonic())):
                return
            try:
                if what == "kill":
                    self.kill_worker()
                else:
                    self.restart_redis()
            except Exception as error:
                self.log.errors.append(f"{what} at {at:.0f} s: {error!r}")

    def kill_worker(self) -> None:
        worker = self.rng.choice(self.workers)
        at = time.monotonic() - self.started
        worker.kill()
        time.sleep(0.5)
        worker.start()
        self.log.kills.append({"worker": worker.name, "at_s": round(at, 1), "back_after_s": self._since(at)})

    def restart_redis(self) -> None:
        at = time.monotonic() - self.started
        self.redis.kill()
        time.sleep(self.params.redis_down_seconds)
        self.redis.start()
        self.log.redis_restarts.append({"at_s": round(at, 1), "back_after_s": self._since(at)})

    def _since(self, at: float) -> float:
        return round(time.monotonic() - self.started - at, 1)

    def stop(self) -> None:
        self.halt.set()
        self.join()
