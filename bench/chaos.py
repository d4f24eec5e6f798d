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
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from _chaos_checks import (
    check,
    job_figures,
    wait_for_convergence,
)
from _chaos_faults import WRITE_PATHS, ChaosLog, Faults, Killer
from _common import heading, table, write_results
from _processes import SHOPS, Control, Server, celery_service, free_port, redis_service

NAME = "chaos"

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
