"""The chaos run: the whole sync engine under faults, killed workers and a restarted Redis; then nothing may be
lost, doubled, wrong or stuck.

Everything is real and runs on this machine:

* PostgreSQL: a database of the run's own (``<name of DATABASE_URL's database>_chaos_run``, or ``--database``),
  created at the start and dropped at the end; ``DATABASE_URL`` only gives the server and its credentials.
* Redis: a ``redis-server`` the run starts on a free port (no persistence: ``--save '' --appendonly no``), the
  broker and the cache of every process; it is SIGKILLed and started again ``--redis-restarts`` times, so the
  queued messages, the cached tokens, the token locks and the quota counters are lost each time.
* The platform emulator, in this process, over HTTP on a free port, with three shops: V1.17 (``wx_demo_store``),
  Channels (``wx_demo_channels``, audits pass after a second) and mini-shop (``wx_demo_minishop``, likewise).
* Two ``celery worker`` processes (prefork, two children each) and one ``celery beat`` re-driving the outbox every
  2 s; a random worker is SIGKILLed with its children ``--kills`` times and started again.

The work, spread over ``--work-seconds`` while the faults, kills and restarts happen: every product (the demo T恤
and copies of the demo products, bench/_chaos_catalog.py) is published to the shops that take it; once a shop
holds it, it is listed there (publish first, then list); ``--stock-edits`` stock edits and ``--price-edits`` price
edits go through the product admin's path (save the SKU, then ``catalog_object_saved`` with the stock before);
``--toggles`` times a product is delisted in a shop, and most times listed again a moment later. All along, a new
fault plan aimed at the write endpoints every ``--fault-interval`` seconds: responses dropped after the change was
applied (connection closed or HTTP 504), HTTP 5xx, errcode -1, latency, and every live access token invalidated.

Then the faults stop and the run waits (at most ``--converge-timeout`` s) until no job is active and no draft is
under audit, and checks every shop against the catalog:

* lost: a product the shop does not hold, or holds with a SKU price the last edit did not reach;
* duplicated: a product the shop holds that no local product is bound to (a create made twice);
* stock mismatches: a SKU whose stock in the shop is not the local stock;
* stuck: jobs still active at the deadline; failed jobs and listing states that differ from the last list or
  delist asked for are reported too and fail the run.

The last line reads ``chaos: edits N, worker kills K, redis restarts R, lost L, duplicated D, stock mismatches M,
stuck S, converged in T s`` and the figures go to ``bench/results/chaos-<YYYYMMDD>.json`` (or ``--results``).
The exit status is 1 when anything was lost, doubled, mismatched, stuck or failed. ``--short`` is the version
tests/integration/test_chaos.py runs in CI (about two minutes).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from _common import ROOT, heading, table, write_results

NAME = "chaos"

# The emulator's demo apps of the three platforms (sandbox/README.md, "Apps and secrets").
SHOPS = (
    ("V1.17", "wechat_store", "wx_demo_store", "demo-store-secret"),
    ("Channels", "channels", "wx_demo_channels", "demo-channels-secret"),
    ("mini-shop", "minishop", "wx_demo_minishop", "demo-minishop-secret"),
)
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
# Each platform's status of a listed product in the emulator's state dump.
LISTED_STATUS = {"wechat_store": 1, "channels": 5, "minishop": 5}
# Channels products in the recycle bin or deleted are not products of the shop any more.
CHANNELS_GONE = (6, 9)
UNDER_AUDIT = 2  # edit_status of a draft under audit (Channels and mini-shop)
LAST_LINE = (
    "chaos: edits {edits}, worker kills {kills}, redis restarts {redis_restarts}, lost {lost}, duplicated "
    "{duplicated}, stock mismatches {stock_mismatches}, stuck {stuck}, converged in {converged_s:.0f} s"
)


@dataclass
class Parameters:
    copies: int = 9
    stock_edits: int = 1000
    price_edits: int = 60
    toggles: int = 24
    kills: int = 6
    redis_restarts: int = 3
    work_seconds: float = 240.0
    converge_timeout: float = 240.0
    fault_interval: float = 1.5
    lease_seconds: int = 30
    redis_down_seconds: float = 2.0
    seed: int = 7


# The CI version: the same run with smaller numbers, about two minutes on two cores.
SHORT = Parameters(
    copies=3,
    stock_edits=150,
    price_edits=12,
    toggles=6,
    kills=2,
    redis_restarts=1,
    work_seconds=40.0,
    converge_timeout=90.0,
    lease_seconds=15,
)


# --- Processes -----------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Service:
    """A child process in a session of its own, so that a SIGKILL of its group also takes its children (a
    worker's prefork pool) at once, as when a machine dies. Its output is appended to ``log_path``."""

    def __init__(self, name: str, argv: list[str], *, env: dict[str, str], log_path: Path, ready: str):
        self.name = name
        self.argv = argv
        self.env = env
        self.log_path = log_path
        self.ready = ready
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self, *, timeout: float = 90.0) -> None:
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.starts += 1
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited at start:\n{self.output(offset)[-3000:]}")
            if self.ready in self.output(offset):
                return
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not start in {timeout:.0f} s:\n{self.output(offset)[-3000:]}")

    def output(self, offset: int = 0) -> str:
        with self.log_path.open("rb") as log:
            log.seek(offset)
            return log.read().decode(errors="replace")

    def kill(self) -> None:
        """SIGKILL the process and its children."""
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self, *, timeout: float = 20.0) -> None:
        """SIGTERM (a warm shutdown), then SIGKILL if it does not end in time."""
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
        # The pool's children may outlive a parent that ended first.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)


def redis_service(port: int, folder: Path) -> Service:
    redis = shutil.which("redis-server")
    if redis is None:
        raise SystemExit("chaos: redis-server is not installed (the run starts and kills a Redis of its own)")
    argv = [redis, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    argv += ["--dir", str(folder)]
    return Service("redis", argv, env=dict(os.environ), log_path=folder / "redis.log", ready="Ready to accept")


def celery_service(name: str, args: list[str], *, env: dict[str, str], folder: Path, ready: str) -> Service:
    argv = [sys.executable, "-m", "celery", "-A", "shopadmin", *args]
    return Service(name, argv, env=env, log_path=folder / f"{name}.log", ready=ready)


# --- PostgreSQL ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Server:
    """The PostgreSQL server named by DATABASE_URL, and the name of the run's own database on it."""

    url: str
    database: str

    @classmethod
    def from_environment(cls, database: str | None) -> Server:
        url = os.environ.get("DATABASE_URL", "")
        parts = urlsplit(url)
        if parts.scheme not in ("postgres", "postgresql", "pgsql"):
            raise SystemExit(
                "chaos: set DATABASE_URL to a PostgreSQL database (postgres://user@host:5432/name): the run "
                "creates a database of its own on that server and drops it at the end"
            )
        name = unquote(parts.path.lstrip("/")) or "shopadmin"
        return cls(url=url, database=database or f"{name}_chaos_run")

    def url_of(self, database: str) -> str:
        parts = urlsplit(self.url)
        return parts._replace(path="/" + quote(database), query="").geturl()

    def _admin(self):
        import psycopg

        parts = urlsplit(self.url)
        return psycopg.connect(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=unquote(parts.username or "") or None,
            password=unquote(parts.password or "") or None,
            dbname="postgres",
            autocommit=True,
        )

    def recreate(self) -> None:
        with self._admin() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{self.database}"')

    def drop(self) -> None:
        with self._admin() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

    def version(self) -> str:
        with self._admin() as connection:
            return connection.execute("SHOW server_version").fetchone()[0]


# --- The emulator's control API ------------------------------------------------------------------------------


class Control:
    """The emulator's ``/__sandbox__/`` endpoints (sandbox/README.md, "Control API")."""

    def __init__(self, url: str):
        import requests

        self.url = url
        self.http = requests.Session()
        self.http.trust_env = False

    def call(self, method: str, path: str, **kwargs) -> dict:
        response = self.http.request(method, f"{self.url}/__sandbox__/{path}", timeout=30, **kwargs)
        response.raise_for_status()
        return response.json()

    def state(self, appid: str) -> dict:
        return self.call("GET", "state", params={"appid": appid})

    def applied(self, appid: str) -> list[dict]:
        return self.call("GET", "applied", params={"appid": appid})["applied"]


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

    def __init__(self, *, workers, redis, params: Parameters, rng: random.Random, log: ChaosLog, started: float):
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


# --- The merchant's work --------------------------------------------------------------------------------------


class Workload:
    """What the merchant does, through the admin's service paths; remembers what each shop should end up with."""

    def __init__(self, *, catalog, shops, rng: random.Random):
        from django.contrib.contenttypes.models import ContentType

        from products.models import Product

        self.products = {product.pk: product for product, _ in catalog}
        self.shops = {s.pk: s for s in shops}
        # The products each shop is to hold: those whose platforms include the shop's.
        self.targets = {
            shop.pk: [product.pk for product, platforms in catalog if shop.platform in platforms] for shop in shops
        }
        self.rng = rng
        self.product_type = ContentType.objects.get_for_model(Product)
        # (shop id, product id) -> whether the last action asked for it listed.
        self.listed: dict[tuple[int, int], bool] = {}
        self.relists: list[tuple[float, int, int]] = []
        self.counts: Counter = Counter()
        self._skus: list[int] | None = None

    def _enqueue(self, kind: str, shop_id: int, product_id: int) -> None:
        from channels_sync.engine import fanout

        fanout.shops_action_enqueue(shops=[self.shops[shop_id]], kind=kind, targets=[self.products[product_id]])

    def publish_all(self) -> None:
        from channels_sync.engine import fanout
        from channels_sync.models import SyncJob

        for shop_id, product_ids in self.targets.items():
            fanout.shops_action_enqueue(
                shops=[self.shops[shop_id]],
                kind=SyncJob.Kind.PRODUCT_PUBLISH,
                targets=[self.products[pk] for pk in product_ids],
            )
            self.counts["publish_jobs"] += len(product_ids)

    def list_published(self) -> int:
        """List each product in each shop that holds it now, once (publish first, then list)."""
        from channels_sync.models import RemoteBinding, SyncJob

        bound = RemoteBinding.objects.filter(
            content_type=self.product_type, shop__in=list(self.shops), is_deleted=False
        ).exclude(remote_id="")
        new = [pair for pair in bound.values_list("shop_id", "object_id") if pair not in self.listed]
        for shop_id, product_id in new:
            self._enqueue(SyncJob.Kind.PRODUCT_LIST, shop_id, product_id)
            self.listed[(shop_id, product_id)] = True
        self.counts["list_jobs"] += len(new)
        return len(new)

    def stock_edit(self) -> None:
        from _chaos_catalog import sku_stock_edit

        from products.models import Sku

        sku = Sku.objects.select_related("product").get(pk=self.rng.choice(self._sku_ids()))
        delta = self.rng.choice((-3, -2, -1, 1, 2, 3, 5))
        if sku.stock + delta < 0:
            delta = -delta
        sku_stock_edit(sku=sku, stock=sku.stock + delta)
        self.counts["stock_edits"] += 1

    def price_edit(self) -> None:
        from _chaos_catalog import sku_price_edit

        from products.models import Sku

        sku = Sku.objects.select_related("product").get(pk=self.rng.choice(self._sku_ids()))
        # Below the original price (V1.17 requires it), in whole yuan, never the same as now.
        choices = [p for p in range(1000, sku.original_price, 100) if p != sku.price]
        sku_price_edit(sku=sku, price=self.rng.choice(choices))
        self.counts["price_edits"] += 1

    def toggle(self, now: float) -> None:
        """Delist a listed product in one shop (sometimes before its list ran); three times in four, list it again
        a moment later (sometimes before the delist ran), else leave it delisted."""
        from channels_sync.models import SyncJob

        listed = [pair for pair, wanted in self.listed.items() if wanted]
        if not listed:
            return
        shop_id, product_id = self.rng.choice(listed)
        self._enqueue(SyncJob.Kind.PRODUCT_DELIST, shop_id, product_id)
        self.listed[(shop_id, product_id)] = False
        self.counts["delists"] += 1
        if self.rng.random() < 0.75:
            self.relists.append((now + self.rng.uniform(0.0, 4.0), shop_id, product_id))

    def relist_due(self, now: float, *, all_of_them: bool = False) -> None:
        from channels_sync.models import SyncJob

        due = [item for item in self.relists if all_of_them or item[0] <= now]
        for item in due:
            self.relists.remove(item)
            _, shop_id, product_id = item
            self._enqueue(SyncJob.Kind.PRODUCT_LIST, shop_id, product_id)
            self.listed[(shop_id, product_id)] = True
            self.counts["relists"] += 1

    def _sku_ids(self) -> list[int]:
        from products.models import Sku

        if self._skus is None:
            self._skus = list(Sku.objects.filter(product__in=list(self.products)).values_list("pk", flat=True))
        return self._skus


def run_work(workload: Workload, params: Parameters, started: float, progress) -> None:
    """The merchant's edits, evenly over the work time (a late start catches up), with listing as shops fill."""
    work = params.work_seconds
    events = [("stock", work * 0.9 * (i + 0.5) / params.stock_edits) for i in range(params.stock_edits)]
    events += [("price", work * (0.1 + 0.8 * (i + 0.5) / params.price_edits)) for i in range(params.price_edits)]
    events += [("toggle", work * (0.2 + 0.65 * (i + 0.5) / params.toggles)) for i in range(params.toggles)]
    events.sort(key=lambda item: item[1])
    workload.publish_all()
    next_listing = 0.0
    next_progress = 10.0
    for kind, at in events:
        delay = started + at - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        now = time.monotonic() - started
        if now >= next_listing:
            workload.list_published()
            next_listing = now + 1.0
        workload.relist_due(now)
        if kind == "stock":
            workload.stock_edit()
        elif kind == "price":
            workload.price_edit()
        else:
            workload.toggle(now)
        if now >= next_progress:
            progress(now)
            next_progress = now + 10.0
    remaining = started + work - time.monotonic()
    if remaining > 0:
        time.sleep(remaining)
    workload.relist_due(0.0, all_of_them=True)
    workload.list_published()


# --- Convergence and checks -----------------------------------------------------------------------------------


def under_audit(control: Control) -> int:
    """Drafts the emulator is still auditing (Channels and mini-shop)."""
    count = 0
    for _, platform, appid, _ in SHOPS:
        section = control.state(appid).get(platform) or {}
        count += sum(1 for p in section.get("products", []) if p.get("edit_status") == UNDER_AUDIT)
    return count


def wait_for_convergence(workload: Workload, control: Control, timeout: float) -> tuple[bool, float]:
    """Until no job is active, no binding is unsettled and no draft is under audit, twice in a row."""
    from channels_sync.engine.fanout import UNSETTLED_EDIT_STATUSES
    from channels_sync.models import RemoteBinding, SyncJob

    start = time.monotonic()
    quiet = 0
    while time.monotonic() - start < timeout:
        workload.list_published()  # a product a shop took late is listed too
        active = SyncJob.objects.filter(state__in=SyncJob.ACTIVE_STATES).exists()
        unsettled = RemoteBinding.objects.filter(remote_edit_status__in=UNSETTLED_EDIT_STATUSES).exists()
        quiet = quiet + 1 if not active and not unsettled and not under_audit(control) else 0
        if quiet >= 2:
            return True, time.monotonic() - start
        time.sleep(1.0)
    return False, time.monotonic() - start


def _sku_key(platform: str, key: str) -> str:
    """A SKU's key as the emulator's state names it: V1.17's ``id:vid`` pairs in any order, the others' ids."""
    if platform == "wechat_store":
        return ";".join(sorted(part for part in str(key).split(";") if part))
    return str(key)


def remote_skus(platform: str, product: dict) -> dict[str, dict[str, int | None]]:
    """Each SKU of a product in the emulator's state: its stock and the price the shop holds for it (for the
    drafted platforms, the draft's: the last edit sent, whether or not the audit put it online yet)."""
    stock = {_sku_key(platform, k): v for k, v in product.get("stock", {}).items()}
    if platform == "wechat_store":
        skus = product["product_info"].get("sku_list", [])
        prices = {_sku_key(platform, s["sku_id"]): s.get("price") for s in skus}
    elif platform == "channels":
        skus = (product.get("edit_product") or {}).get("skus", [])
        prices = {str(s["sku_id"]): s.get("sale_price") for s in skus}
    else:
        skus = (product.get("edit_spu") or {}).get("skus", [])
        prices = {str(s["sku_id"]): s.get("sale_price") for s in skus}
    return {key: {"stock": stock.get(key), "price": prices.get(key)} for key in stock.keys() | prices.keys()}


def check(workload: Workload, control: Control) -> dict[str, Any]:
    """Every shop against the catalog: lost, duplicated, stock mismatches, listing mismatches, with details."""
    from channels_sync.models import RemoteBinding, RemoteSkuStock
    from products.models import Sku

    figures = {"lost": 0, "duplicated": 0, "stock_mismatches": 0, "listing_mismatches": 0}
    details: list[dict] = []
    per_shop = {}
    for label, platform, appid, _ in SHOPS:
        shop = next(s for s in workload.shops.values() if s.app_id == appid)
        products = control.state(appid)[platform]["products"]
        remote = {
            str(p["product_id"]): p
            for p in products
            if not (platform == "channels" and p.get("status") in CHANNELS_GONE)
        }
        bound = dict(
            RemoteBinding.objects.filter(content_type=workload.product_type, shop=shop, is_deleted=False)
            .exclude(remote_id="")
            .values_list("object_id", "remote_id")
        )
        keys = dict(RemoteSkuStock.objects.filter(shop=shop).values_list("sku_id", "remote_sku_key"))
        counts = Counter()
        for product_id in workload.targets[shop.pk]:
            product = workload.products[product_id]
            remote_id = bound.get(product_id)
            if remote_id is None or remote_id not in remote:
                counts["lost"] += 1
                details.append({"shop": label, "product": product.out_product_id, "problem": "not in the shop"})
                continue
            state = remote[remote_id]
            skus = remote_skus(platform, state)
            for sku in Sku.objects.filter(product_id=product_id).order_by("position"):
                key = _sku_key(platform, keys.get(sku.pk) or sku.spec_key)
                held = skus.get(key)
                if held is None or held["stock"] != sku.stock:
                    counts["stock_mismatches"] += 1
                    details.append(
                        {
                            "shop": label,
                            "product": product.out_product_id,
                            "sku": sku.out_sku_id or sku.spec_key or "-",
                            "problem": "stock",
                            "local": sku.stock,
                            "remote": None if held is None else held["stock"],
                        }
                    )
                if held is not None and held["price"] != sku.price:
                    counts["lost"] += 1
                    details.append(
                        {
                            "shop": label,
                            "product": product.out_product_id,
                            "sku": sku.out_sku_id or sku.spec_key or "-",
                            "problem": "price edit not in the shop",
                            "local": sku.price,
                            "remote": held["price"],
                        }
                    )
            wanted = workload.listed.get((shop.pk, product_id))
            is_listed = state.get("status") == LISTED_STATUS[platform]
            if wanted is not None and wanted != is_listed:
                counts["listing_mismatches"] += 1
                details.append(
                    {
                        "shop": label,
                        "product": product.out_product_id,
                        "problem": "listing",
                        "wanted_listed": wanted,
                        "remote_status": state.get("status"),
                    }
                )
        orphans = sorted(set(remote) - set(bound.values()))
        counts["duplicated"] += len(orphans)
        for remote_id in orphans:
            details.append({"shop": label, "remote_id": remote_id, "problem": "held by the shop, bound to nothing"})
        for name in figures:
            figures[name] += counts[name]
        per_shop[label] = {"remote_products": len(remote), "bound": len(bound), **{n: counts[n] for n in figures}}
    return {**figures, "per_shop": per_shop, "details": details}


def job_figures() -> dict[str, Any]:
    from django.db.models import Count

    from channels_sync.models import SyncAttempt, SyncJob

    by_kind: dict[str, dict[str, int]] = {}
    for kind, state, n in SyncJob.objects.values_list("kind", "state").annotate(n=Count("pk")).order_by("kind"):
        by_kind.setdefault(kind, {})[state] = n
    states = Counter()
    for kinds in by_kind.values():
        states.update(kinds)
    attempts = SyncAttempt.objects.count()
    errors = dict(
        SyncAttempt.objects.exclude(error_class="")
        .values_list("error_class")
        .annotate(n=Count("pk"))
        .order_by("error_class")
    )
    failed = list(
        SyncJob.objects.filter(state=SyncJob.State.FAILED).values(
            "pk", "kind", "target_label", "shop__name", "attempts", "last_errcode", "last_errmsg"
        )
    )
    stuck = list(
        SyncJob.objects.filter(state__in=SyncJob.ACTIVE_STATES).values(
            "pk", "kind", "target_label", "shop__name", "state", "attempts", "last_errcode", "last_errmsg"
        )
    )
    retried = SyncJob.objects.filter(attempts__gt=1).count()
    return {
        "jobs": sum(states.values()),
        "states": dict(states),
        "by_kind": by_kind,
        "http_calls": attempts,
        "call_errors_by_class": errors,
        "jobs_with_retries": retried,
        "failed": failed,
        "stuck": stuck,
    }


# --- The run -------------------------------------------------------------------------------------------------


def configure_environment(var_dir: Path, database_url: str, redis_url: str, params: Parameters) -> dict[str, str]:
    """The environment of every process of the run (this one, the workers, beat); returns the workers' copy."""
    suffix = uuid.uuid4().hex[:8]
    values = {
        "DJANGO_SETTINGS_MODULE": "shopadmin.settings",
        "SHOPADMIN_VAR_DIR": str(var_dir),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CELERY_QUEUE": f"shopadmin-chaos-{suffix}",
        "CACHE_KEY_PREFIX": f"chaos-{suffix}",
        "MEDIA_ROOT": str(var_dir / "media"),
        "DEBUG": "true",
        "SYNC_REDRIVE_SECONDS": "2",
        "AUDIT_POLL_SECONDS": "2",
        "SYNC_LEASE_SECONDS": str(params.lease_seconds),
        # The platforms' write quotas are not under test here: far above what the run sends.
        "CHANNELS_PRODUCT_WRITES_PER_HOUR": "100000",
        "CHANNELS_PRODUCT_WRITES_PER_DAY": "100000",
        "MINISHOP_PRODUCT_WRITES_PER_HOUR": "100000",
        "MINISHOP_PRODUCT_WRITES_PER_DAY": "100000",
        "PYTHONUNBUFFERED": "1",
    }
    os.environ.update(values)
    no_proxy = [p for p in os.environ.get("NO_PROXY", "").split(",") if p]
    os.environ["NO_PROXY"] = ",".join([*no_proxy, "127.0.0.1", "localhost"])
    workers = {**os.environ, "LOG_LEVEL": "INFO"}
    # This process only reports; the engine's own warnings (a broker that is down) are in the workers' logs.
    os.environ["LOG_LEVEL"] = "ERROR"
    return workers


def parse_args(argv: list[str] | None) -> tuple[argparse.Namespace, Parameters]:
    defaults = Parameters()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--short", action="store_true", help="the CI version: smaller numbers, about two minutes")
    for name, value in asdict(defaults).items():
        parser.add_argument(
            "--" + name.replace("_", "-"),
            type=type(value),
            default=None,
            help=f"(default {value}; --short: {getattr(SHORT, name)})",
        )
    parser.add_argument("--database", help="the run's database (default: <DATABASE_URL's name>_chaos_run)")
    parser.add_argument("--results", type=Path, help="where to write the JSON (default bench/results/chaos-<date>)")
    parser.add_argument("--no-save", action="store_true", help="print only; write no JSON")
    parser.add_argument("--keep", action="store_true", help="keep the database and the logs (a failed run keeps them)")
    args = parser.parse_args(argv)
    base = SHORT if args.short else defaults
    params = Parameters(**{n: v if (v := getattr(args, n)) is not None else getattr(base, n) for n in asdict(base)})
    if params.stock_edits < 1 or params.price_edits < 1 or params.toggles < 1 or params.work_seconds <= 0:
        parser.error("--stock-edits, --price-edits, --toggles and --work-seconds must be positive")
    return args, params


def main(argv: list[str] | None = None) -> int:
    args, params = parse_args(argv)
    server = Server.from_environment(args.database)
    rng = random.Random(params.seed)
    var_dir = Path(tempfile.mkdtemp(prefix="shopadmin-chaos-"))
    logs = var_dir / "logs"
    logs.mkdir()
    redis_port = free_port()
    redis = redis_service(redis_port, var_dir)
    redis_url = f"redis://127.0.0.1:{redis_port}/0"
    ok = False
    heading(
        f"Chaos run: {1 + params.copies} products in {len(SHOPS)} shops, {params.stock_edits} stock "
        f"edits, {params.kills} worker kills, {params.redis_restarts} Redis restarts in {params.work_seconds:.0f} s"
    )
    try:
        with contextlib.ExitStack() as stack:
            server.recreate()
            stack.callback(redis.stop)
            redis.start()
            worker_env = configure_environment(var_dir, server.url_of(server.database), redis_url, params)
            print(f"database {server.database}, redis {redis_url}, logs {logs}", flush=True)

            import django

            django.setup()
            from _chaos_catalog import chaos_catalog
            from django.core.management import call_command
            from django.db import connections

            stack.callback(connections.close_all)
            call_command("migrate", interactive=False, verbosity=0)
            sandbox_server = stack.enter_context(emulator(params.seed))
            control = Control(sandbox_server.url)
            shops = make_shops(sandbox_server.url)
            catalog = chaos_catalog(params.copies)

            queue = os.environ["CELERY_QUEUE"]
            workers = [
                celery_service(
                    f"worker-{n}",
                    ["worker", "-l", "info", "-c", "2", "-Q", queue, "-n", f"chaos{n}@%h"]
                    + ["--without-gossip", "--without-mingle", "--without-heartbeat"],
                    env=worker_env,
                    folder=logs,
                    ready=" ready.",
                )
                for n in (1, 2)
            ]
            schedule = ["-s", str(var_dir / "celerybeat-schedule"), "--pidfile", str(var_dir / "beat.pid")]
            beat = celery_service(
                "beat", ["beat", "-l", "info", *schedule], env=worker_env, folder=logs, ready="beat: Starting"
            )
            for service in [*workers, beat]:
                stack.callback(service.stop)
                service.start()
            minishop_freight_import(shops, timeout=60)

            result = run(params, rng, control, shops, catalog, workers, redis)
            machine = {"memory_mib": memory_mib(), "postgresql": server.version(), "redis": redis_version(redis_url)}
            ok = report(args, params, result, machine)
    finally:
        # What a failed run leaves is the evidence: its logs and its database stay (the next run replaces both).
        if args.keep or not ok:
            # On stderr: the last line of the output stays the summary.
            print(f"kept: logs in {logs}, database {server.database}", file=sys.stderr)
        else:
            shutil.rmtree(var_dir, ignore_errors=True)
            server.drop()
    return 0 if ok else 1


@contextlib.contextmanager
def emulator(seed: int):
    """The emulator served in this process; Channels and mini-shop audits pass a second after submission."""
    from sandbox import Sandbox, SandboxServer
    from sandbox.core.apps import AppRegistry

    sandbox = Sandbox(apps=AppRegistry.default(environ={}), seed=seed)
    with SandboxServer(sandbox, host="127.0.0.1", port=0, poll_interval=0.01) as server:
        audit = {"delay_seconds": 1, "outcome": "pass", "next": [], "products": {}}
        quota = {"hour": 100000, "day": 100000}  # not under test (see configure_environment)
        Control(server.url).call(
            "POST",
            "config",
            json={"channels_audit": audit, "minishop_audit": audit, "channels_quota": quota, "minishop_quota": quota},
        )
        yield server


def make_shops(base_url: str) -> list:
    from channels_sync.models import Shop

    shops = []
    for label, platform, appid, secret in SHOPS:
        shop = Shop(name=f"混沌测试 {label}", platform=platform, app_id=appid, base_url=base_url)
        shop.set_app_secret(secret)
        shop.full_clean()
        shop.save()
        shops.append(shop)
    return shops


def minishop_freight_import(shops, *, timeout: float) -> None:
    """The mini-shop cannot create freight templates: its templates are imported (bound by name) first."""
    from channels_sync.engine import outbox
    from channels_sync.models import SyncJob

    shop = next(s for s in shops if s.platform == "minishop")
    job = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.FREIGHT_IMPORT)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.state == SyncJob.State.SUCCEEDED:
            return
        if job.state not in SyncJob.ACTIVE_STATES:
            raise RuntimeError(f"the mini-shop's freight import {job.state}: {job.last_errmsg}")
        time.sleep(0.2)
    raise RuntimeError(f"the mini-shop's freight import did not finish in {timeout:.0f} s")


def run(params: Parameters, rng: random.Random, control: Control, shops, catalog, workers, redis) -> dict:
    from channels_sync.models import StockMovement, SyncJob

    log = ChaosLog()
    workload = Workload(catalog=catalog, shops=shops, rng=rng)
    started = time.monotonic()
    faults = Faults(control, random.Random(rng.random()), params.fault_interval, log)
    killer = Killer(
        workers=workers, redis=redis, params=params, rng=random.Random(rng.random()), log=log, started=started
    )
    faults.start()
    killer.start()

    def progress(now: float) -> None:
        active = SyncJob.objects.filter(state__in=SyncJob.ACTIVE_STATES).count()
        print(
            f"  {now:5.0f} s: edits {workload.counts['stock_edits']}, price edits {workload.counts['price_edits']}, "
            f"delists {workload.counts['delists']}, active jobs {active}, worker kills {len(log.kills)}, "
            f"redis restarts {len(log.redis_restarts)}",
            flush=True,
        )

    try:
        run_work(workload, params, started, progress)
    finally:
        killer.stop()
        faults.stop()
    work_s = time.monotonic() - started
    print(f"  work done in {work_s:.0f} s; faults off, converging (up to {params.converge_timeout:.0f} s)", flush=True)
    converged, converged_s = wait_for_convergence(workload, control, params.converge_timeout)
    checks = check(workload, control)
    jobs = job_figures()
    applied = {appid: applied_figures(control.applied(appid)) for _, _, appid, _ in SHOPS}
    return {
        "edits": StockMovement.objects.filter(reason=StockMovement.Reason.ADMIN_EDIT).count(),
        "workload": dict(workload.counts),
        "kills": log.kills,
        "redis_restarts": log.redis_restarts,
        "fault_plans": dict(log.fault_plans),
        "tokens_invalidated": log.tokens_invalidated,
        "chaos_errors": log.errors,
        "work_s": round(work_s, 1),
        "converged": converged,
        "converged_s": round(converged_s, 1),
        "checks": checks,
        "jobs": jobs,
        "emulator_applied": applied,
        "worker_starts": {w.name: w.starts for w in workers},
    }


def applied_figures(entries: list[dict]) -> dict[str, Any]:
    """What the emulator applied for one app: changes per endpoint and how many answers a fault lost."""
    return {
        "changes_by_endpoint": dict(Counter(e["endpoint"] for e in entries)),
        "answers_dropped": sum(1 for e in entries if e.get("response_dropped")),
    }


def memory_mib() -> int | None:
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) // 1024
    return None


def redis_version(url: str) -> str:
    import redis

    client = redis.Redis.from_url(url)
    try:
        return client.info("server")["redis_version"]
    finally:
        client.close()


def report(args, params: Parameters, result: dict, machine: dict) -> bool:
    checks, jobs = result["checks"], result["jobs"]
    summary = {
        "edits": result["edits"],
        "kills": len(result["kills"]),
        "redis_restarts": len(result["redis_restarts"]),
        "lost": checks["lost"],
        "duplicated": checks["duplicated"],
        "stock_mismatches": checks["stock_mismatches"],
        "stuck": len(jobs["stuck"]),
        "converged_s": result["converged_s"],
    }
    print()
    print(
        table(
            ["shop", "remote products", "bound", "lost", "duplicated", "stock mismatches", "listing mismatches"],
            [
                [
                    label,
                    s["remote_products"],
                    s["bound"],
                    s["lost"],
                    s["duplicated"],
                    s["stock_mismatches"],
                    s["listing_mismatches"],
                ]
                for label, s in checks["per_shop"].items()
            ],
        )
    )
    print()
    print(f"jobs {jobs['jobs']} {jobs['states']}, HTTP calls {jobs['http_calls']}")
    print(f"call errors {jobs['call_errors_by_class']}")
    print(f"fault plans {result['fault_plans']}, tokens invalidated {result['tokens_invalidated']}")
    dropped = sum(a["answers_dropped"] for a in result["emulator_applied"].values())
    print(f"answers dropped after the change was applied: {dropped}")
    for problem in checks["details"][:20]:
        print(f"! {json.dumps(problem, ensure_ascii=False)}")
    for job in jobs["failed"][:20]:
        print(f"! failed job {json.dumps(job, ensure_ascii=False, default=str)}")
    for job in jobs["stuck"][:20]:
        print(f"! stuck job {json.dumps(job, ensure_ascii=False, default=str)}")
    for error in result["chaos_errors"]:
        print(f"! the run itself: {error}")
    ok = (
        result["converged"]
        and not any(summary[n] for n in ("lost", "duplicated", "stock_mismatches", "stuck"))
        and not checks["listing_mismatches"]
        and not jobs["failed"]
        and not result["chaos_errors"]
        and summary["kills"] == params.kills
        and summary["redis_restarts"] == params.redis_restarts
    )
    print(
        f"failed jobs {len(jobs['failed'])}, listing mismatches {checks['listing_mismatches']}, "
        f"converged {'yes' if result['converged'] else 'no'}"
    )
    if not args.no_save:
        path = write_results(
            NAME,
            parameters={
                **asdict(params),
                "short": args.short,
                "shops": [s[0] for s in SHOPS],
                "workers": 2,
                "worker_concurrency": 2,
                "fault_paths": WRITE_PATHS,
            },
            figures={"summary": summary, "ok": ok, **result},
            machine_extra=machine,
            path=args.results,
        )
        print(f"written: {path}")
    print(LAST_LINE.format(**summary), flush=True)
    return ok


if __name__ == "__main__":
    raise SystemExit(main())
