"""The outbox engine end to end: enqueue and drain publish and stock jobs against the emulator over HTTP.

A throwaway SQLite database, the in-process emulator (``SandboxServer``) and ``sync_job_execute`` called in a
loop, as a Celery worker would call it for each queued id (the broker is left out: ``_queue_run`` is a no-op,
as in the unit tests). Four passes over the same N products:

1. publish, one worker, to the shop of app ``wx_demo_store``: every product is created remotely;
2. publish, ``--threads`` workers (each with its own database connection), to a second shop (app
   ``wx_test_store`` of the same emulator): every worker is offered every job, as if each message were
   delivered twice, so the conditional-UPDATE claim decides who runs it;
3. re-publish the unchanged products to the first shop: the payload hash matches, nothing is sent;
4. stock: every SKU's stock changes (+5 or -3), movements are recorded and the stock pushes drained.

The passes run twice. The timed run gives the times, calls and queries. Then both shops are forgotten (here
and in the emulator) and the passes run again under tracemalloc, which slows allocation-heavy code about
threefold, for the peak of Python memory of each pass (the concurrent pass is left out of that run).

    python bench/sync_engine.py [--products 200] [--skus 4] [--images 3] [--threads 2] [--no-memory]
                                [--no-save] [--keep]
"""

from __future__ import annotations

import argparse
import resource
import sys
import threading
import time
import tracemalloc
from dataclasses import dataclass, field
from functools import partial

from _common import django_setup, heading, percentile, table, without_debug, write_results

NAME = "sync_engine"
SEED = 20240611
APPS = {"wx_demo_store": "demo-store-secret", "wx_test_store": "test-store-secret"}
# Endpoints that change remote state; the rest (get, getbystatus) only read.
READ_ENDPOINTS = {"/merchant/get", "/merchant/getbystatus"}
DRAIN_TIMEOUT_SECONDS = 120


@dataclass
class WorkerStats:
    won: int = 0
    lost: int = 0
    queries: int = 0
    sql_ns: int = 0
    durations_ns: list[int] = field(default_factory=list)


@dataclass
class PassResult:
    name: str
    shop: str
    threads: int
    jobs: int
    enqueue_s: float
    drain_s: float
    job_ms: list[float]
    claims_won: list[int]
    claims_lost: int
    queries: int
    sql_s: float
    states: dict[str, int]
    calls_by_endpoint: dict[str, int]

    def figures(self) -> dict:
        calls = sum(self.calls_by_endpoint.values())
        writes = sum(n for endpoint, n in self.calls_by_endpoint.items() if endpoint not in READ_ENDPOINTS)
        jobs = max(self.jobs, 1)
        return {
            "pass": self.name,
            "shop_app": self.shop,
            "threads": self.threads,
            "jobs": self.jobs,
            "states": self.states,
            "enqueue_s": round(self.enqueue_s, 4),
            "drain_s": round(self.drain_s, 4),
            "jobs_per_s": round(self.jobs / self.drain_s, 2) if self.drain_s else None,
            "job_ms_p50": round(percentile(self.job_ms, 0.50), 3),
            "job_ms_p95": round(percentile(self.job_ms, 0.95), 3),
            "job_ms_max": round(max(self.job_ms, default=0.0), 3),
            "http_calls": calls,
            "http_calls_per_job": round(calls / jobs, 3),
            "api_writes_per_job": round(writes / jobs, 3),
            "calls_by_endpoint": dict(sorted(self.calls_by_endpoint.items())),
            "sql_queries_per_job": round(self.queries / jobs, 2),
            "sql_ms_per_job": round(self.sql_s * 1000 / jobs, 3),
            "claims_won_per_worker": self.claims_won,
            "claims_lost": self.claims_lost,
        }


def _counter(stats: WorkerStats):
    """An execute wrapper that counts the SQL statements of one worker's connection and the time they take
    (waiting for SQLite's write lock included)."""

    def count(execute, sql, params, many, context):
        stats.queries += 1
        start = time.perf_counter_ns()
        try:
            return execute(sql, params, many, context)
        finally:
            stats.sql_ns += time.perf_counter_ns() - start

    return count


def work(shop_id: int, since_pk: int, owner: str, stats: WorkerStats, deadline: float) -> None:
    """One worker: run every due pending job of the shop newer than ``since_pk`` until none is left.

    Every worker scans the same ids in the same order, so each job is offered to each worker; the claim lets
    exactly one of them run it and the others move on (counted as lost claims).
    """
    from django.db import connection
    from django.utils import timezone

    from channels_sync.engine.outbox import sync_job_execute
    from channels_sync.models import SyncJob

    jobs = SyncJob.objects.filter(shop_id=shop_id, pk__gt=since_pk)
    with connection.execute_wrapper(_counter(stats)):
        while time.monotonic() < deadline:
            due = list(
                jobs.filter(state=SyncJob.State.PENDING, next_attempt_at__lte=timezone.now())
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            if not due:
                if not jobs.filter(state__in=SyncJob.ACTIVE_STATES).exists():
                    return
                time.sleep(0.02)  # another worker holds the rest, or a retry is not due yet
                continue
            for job_id in due:
                start = time.perf_counter_ns()
                state = sync_job_execute(job_id=job_id, owner=owner)
                elapsed = time.perf_counter_ns() - start
                if state is None:
                    stats.lost += 1
                else:
                    stats.won += 1
                    stats.durations_ns.append(elapsed)


def _thread_work(*args) -> None:
    from django.db import connection

    try:
        work(*args)
    finally:
        connection.close()  # each thread opened its own connection


def drain(shop, since_pk: int, threads: int) -> tuple[float, list[WorkerStats]]:
    """Drain the shop's jobs newer than ``since_pk`` with ``threads`` workers; returns (seconds, per worker)."""
    stats = [WorkerStats() for _ in range(threads)]
    deadline = time.monotonic() + DRAIN_TIMEOUT_SECONDS
    start = time.perf_counter()
    if threads == 1:
        work(shop.pk, since_pk, "bench-worker-0", stats[0], deadline)
    else:
        workers = [
            threading.Thread(target=_thread_work, args=(shop.pk, since_pk, f"bench-worker-{i}", stats[i], deadline))
            for i in range(threads)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    return time.perf_counter() - start, stats


def run_pass(name: str, shop, enqueue, *, threads: int, memory: dict[str, float] | None = None) -> PassResult:
    """Enqueue (``enqueue()`` writes the jobs), then drain and collect the pass's figures.

    With ``memory`` (a dict to fill) the pass runs under tracemalloc and records the peak and what is still
    allocated at the end, in MiB, counted from the start of the pass.
    """
    from django.db.models import Count

    from channels_sync.models import SyncAttempt, SyncJob

    since_pk = SyncJob.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    if memory is not None:
        tracemalloc.start()
    start = time.perf_counter()
    enqueue()
    enqueue_s = time.perf_counter() - start
    drain_s, stats = drain(shop, since_pk, threads)
    if memory is not None:
        current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        memory.update(peak_mib=peak / 2**20, retained_mib=current / 2**20)
    jobs = SyncJob.objects.filter(shop=shop, pk__gt=since_pk)
    states = dict(jobs.values_list("state").annotate(n=Count("pk")).order_by("state"))
    calls = dict(
        SyncAttempt.objects.filter(job__in=jobs).values_list("endpoint").annotate(n=Count("pk")).order_by("endpoint")
    )
    return PassResult(
        name=name,
        shop=shop.app_id,
        threads=threads,
        jobs=jobs.count(),
        enqueue_s=enqueue_s,
        drain_s=drain_s,
        job_ms=[ns / 1e6 for s in stats for ns in s.durations_ns],
        claims_won=[s.won for s in stats],
        claims_lost=sum(s.lost for s in stats),
        queries=sum(s.queries for s in stats),
        sql_s=sum(s.sql_ns for s in stats) / 1e9,
        states=states,
        calls_by_endpoint=calls,
    )


def make_shop(name: str, app_id: str, base_url: str):
    from channels_sync.models import Shop

    shop = Shop(name=name, platform="wechat_store", app_id=app_id, base_url=base_url)
    shop.set_app_secret(APPS[app_id])
    shop.save()
    return shop


def emulator_counts(sandbox_url: str, app_id: str) -> dict[str, int]:
    """What the emulator holds and applied for one app: products, and create calls it applied."""
    import requests

    http = requests.Session()
    http.trust_env = False
    state = http.get(f"{sandbox_url}/__sandbox__/state", params={"appid": app_id}, timeout=30).json()
    applied = http.get(
        f"{sandbox_url}/__sandbox__/applied", params={"appid": app_id, "endpoint": "/merchant/create"}, timeout=30
    ).json()
    return {"products": len(state["wechat_store"]["products"]), "creates_applied": len(applied["applied"])}


@dataclass
class Scenario:
    """The four passes against two fresh shops; run once timed, once under tracemalloc."""

    server_url: str
    products: list
    template: object
    skus: int
    threads: int

    def run(self, *, memory: bool) -> tuple[list, list, dict[str, dict[str, int]]]:
        """The passes' results (None for one skipped), their memory figures, and the emulator's counts.

        Under tracemalloc (``memory``) the concurrent pass is skipped.
        """
        from django.db.models import F

        from channels_sync.engine import fanout, outbox
        from channels_sync.models import SyncJob
        from products.models import Sku

        shop_a = make_shop("基准测试店 A", "wx_demo_store", self.server_url)
        shop_b = make_shop("基准测试店 B", "wx_test_store", self.server_url)

        def publish_all(shop):
            def enqueue():
                for product in self.products:
                    outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)

            return enqueue

        def change_stock():
            # As an admin edit does: the stock changes, a movement per SKU, one stock push per product.
            for product in self.products:
                before = dict(product.skus.values_list("pk", "stock"))
                Sku.objects.filter(product=product, position__in=range(0, self.skus, 2)).update(stock=F("stock") + 5)
                Sku.objects.filter(product=product, position__in=range(1, self.skus, 2)).update(stock=F("stock") - 3)
                fanout.stock_movements_record(product=product, stock_before=before)
                fanout.stock_push_enqueue(product=product, only_shop=shop_a)

        # The freight template goes first in both shops, so no publish waits for it (setup, not measured).
        for shop in (shop_a, shop_b):
            run_pass(
                "freight template",
                shop,
                partial(outbox.sync_job_enqueue, shop=shop, kind=SyncJob.Kind.FREIGHT_PUSH, target=self.template),
                threads=1,
            )
        plan = [
            ("publish (create)", shop_a, publish_all(shop_a), 1),
            ("publish (create)", shop_b, publish_all(shop_b), self.threads),
            ("re-publish unchanged", shop_a, publish_all(shop_a), 1),
            ("stock change", shop_a, change_stock, 1),
        ]
        passes, memories, apps = [], [], set()
        for name, shop, enqueue, threads in plan:
            if memory and threads > 1:
                # Under tracemalloc the concurrent pass would only repeat pass 1's figure, at thrice the time.
                passes.append(None)
                memories.append(None)
                continue
            memories.append({} if memory else None)
            passes.append(run_pass(name, shop, enqueue, threads=threads, memory=memories[-1]))
            apps.add(shop.app_id)
        remote = {app: emulator_counts(self.server_url, app) for app in sorted(apps)}
        return passes, memories, remote

    def reset(self) -> None:
        """Forget both shops here (their jobs, bindings, uploads and stock states go with them) and there."""
        import requests
        from django.core.cache import cache

        from channels_sync.models import Shop

        Shop.objects.filter(app_id__in=APPS).delete()
        http = requests.Session()
        http.trust_env = False
        http.post(f"{self.server_url}/__sandbox__/reset", json={}, timeout=30).raise_for_status()
        cache.clear()  # the access tokens of the reset emulator


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--products", type=int, default=200, help="products to publish (default %(default)s)")
    parser.add_argument("--skus", type=int, default=4, help="SKUs per product, colours × sizes (default %(default)s)")
    parser.add_argument("--images", type=int, default=3, help="head images per product (default %(default)s)")
    parser.add_argument("--threads", type=int, default=2, help="workers of the concurrent pass (default %(default)s)")
    parser.add_argument(
        "--no-memory", action="store_true", help="skip the second run under tracemalloc (about three times slower)"
    )
    parser.add_argument("--no-save", action="store_true", help="print only; write no file under bench/results/")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (database, media)")
    stack = parser.add_argument_group(
        "--stack", "the real stack (PostgreSQL from DATABASE_URL, Redis, celery workers) against a naive loop"
    )
    stack.add_argument("--stack", action="store_true", help="run on the real stack, figures as ratios to the loop")
    stack.add_argument("--edits", type=int, default=1000, help="stock edits (default %(default)s)")
    stack.add_argument("--edit-skus", type=int, default=50, help="SKUs the edits spread over (default %(default)s)")
    stack.add_argument("--samples", type=int, default=30, help="single edits timed one by one (default %(default)s)")
    stack.add_argument("--workers", default="1,4", help="worker processes of each run (default %(default)s)")
    stack.add_argument("--latency-ms", type=int, default=50, help="added to every platform call (default 50)")
    stack.add_argument("--short", action="store_true", help="40 products, 200 edits, 10 samples: about a minute")
    stack.add_argument("--database", help="the run's database (default <DATABASE_URL's name>_syncbench)")
    args = parser.parse_args(argv)
    if args.stack or args.short:
        return _stack(parser, args, sys.argv[1:] if argv is None else argv)
    if args.products < 1 or args.threads < 1 or args.images < 1:
        parser.error("--products, --threads and --images must be at least 1")

    var_dir = django_setup(keep=args.keep)

    from channels_sync.engine import outbox
    from channels_sync.models import SyncJob
    from sandbox import Sandbox, SandboxServer
    from sandbox.core.apps import AppRegistry
    from tests.factories import bench_spec_shape, bench_tshirt_category, bench_tshirts, freight_template

    try:
        bench_spec_shape(args.skus)
    except ValueError as error:
        parser.error(str(error))
    # Jobs are run here by hand: queueing them to Celery would need a broker (tests/unit do the same).
    outbox._queue_run = lambda job_id, countdown=0: None

    sandbox = Sandbox(apps=AppRegistry.default(environ={}), seed=SEED)
    with SandboxServer(sandbox, host="127.0.0.1", port=0, poll_interval=0.01) as server:
        heading(f"Sync engine: {args.products} products × {args.skus} SKUs, {args.images} images each")
        print(f"emulator {server.url}, database {var_dir / 'db.sqlite3'}")
        start = time.perf_counter()
        category = bench_tshirt_category()
        template = freight_template(name="全国快递")
        products = bench_tshirts(
            args.products, category=category, template=template, skus=args.skus, images=args.images
        )
        setup_s = time.perf_counter() - start
        print(f"catalog built in {setup_s:.1f} s")
        scenario = Scenario(server.url, products, template, args.skus, args.threads)
        with without_debug():
            start = time.perf_counter()
            passes, _, remote = scenario.run(memory=False)
            timed_run_s = time.perf_counter() - start
            print(f"timed run: {timed_run_s:.1f} s")
            memories: list = [None] * len(passes)
            memory_run_s = None
            if not args.no_memory:
                scenario.reset()
                start = time.perf_counter()
                memory_passes, memories, memory_remote = scenario.run(memory=True)
                memory_run_s = time.perf_counter() - start
                print(f"run under tracemalloc: {memory_run_s:.1f} s")

    figures = [p.figures() for p in passes]
    for f, memory in zip(figures, memories, strict=True):
        f["peak_traced_mib"] = round(memory["peak_mib"], 2) if memory else None
        f["retained_traced_mib"] = round(memory["retained_mib"], 2) if memory else None
    print()
    print(
        table(
            [
                "pass",
                "app",
                "threads",
                "jobs",
                "ok",
                "enqueue s",
                "drain s",
                "jobs/s",
                "p50 ms",
                "p95 ms",
                "calls/job",
                "writes/job",
                "SQL/job",
                "SQL ms/job",
                "lost claims",
                "peak MiB",
                "kept MiB",
            ],
            [
                [
                    f["pass"],
                    f["shop_app"],
                    f["threads"],
                    f["jobs"],
                    f["states"].get(SyncJob.State.SUCCEEDED, 0),
                    f["enqueue_s"],
                    f["drain_s"],
                    f["jobs_per_s"],
                    f["job_ms_p50"],
                    f["job_ms_p95"],
                    f["http_calls_per_job"],
                    f["api_writes_per_job"],
                    f["sql_queries_per_job"],
                    f["sql_ms_per_job"],
                    f["claims_lost"],
                    "-" if f["peak_traced_mib"] is None else f["peak_traced_mib"],
                    "-" if f["retained_traced_mib"] is None else f["retained_traced_mib"],
                ]
                for f in figures
            ],
        )
    )
    print("\nHTTP calls by endpoint (from the SyncAttempt rows):")
    endpoints = sorted({e for f in figures for e in f["calls_by_endpoint"]})
    print(
        table(
            ["pass", "app", *endpoints],
            [[f["pass"], f["shop_app"], *(f["calls_by_endpoint"].get(e, 0) for e in endpoints)] for f in figures],
        )
    )
    print("\nEmulator state after the timed run (nothing lost, nothing doubled):")
    print(
        table(
            ["app", "products", "creates applied"],
            [[a, r["products"], r["creates_applied"]] for a, r in remote.items()],
        )
    )
    notes = _checks(args, figures, remote)
    if not args.no_memory:
        notes += [
            f"{n} (run under tracemalloc)"
            for n in _checks(args, [p.figures() for p in memory_passes if p], memory_remote)
        ]
    for note in notes:
        print(f"! {note}")
    if not args.no_save:
        path = write_results(
            NAME,
            parameters={
                "products": args.products,
                "skus_per_product": args.skus,
                "images_per_product": args.images,
                "threads": args.threads,
                "tracemalloc_run": not args.no_memory,
                "database": "SQLite, temporary file (WAL)",
                "emulator": "in-process SandboxServer, HTTP on 127.0.0.1",
            },
            figures={
                "setup_s": round(setup_s, 2),
                "timed_run_s": round(timed_run_s, 2),
                "tracemalloc_run_s": None if memory_run_s is None else round(memory_run_s, 2),
                # The whole process's high-water mark: Django, the emulator and both runs.
                "max_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                "passes": figures,
                "emulator": remote,
            },
            notes=notes,
        )
        print(f"\nwritten: {path.relative_to(path.parents[2])}")
    return 1 if any(note.startswith("FAILED") for note in notes) else 0


def _stack(parser: argparse.ArgumentParser, args: argparse.Namespace, argv: list[str]) -> int:
    import _sync_stack

    if args.short:
        given = {a.split("=")[0] for a in argv}
        args.products = args.products if "--products" in given else 40
        args.edits = args.edits if "--edits" in given else 200
        args.samples = args.samples if "--samples" in given else 10
    workers = [int(n) for n in args.workers.split(",") if n.strip()]
    if args.products < 1 or args.edits < 1 or args.samples < 1 or not workers or min(workers) < 1:
        parser.error("--products, --edits, --samples and --workers must be at least 1")
    sizes = _sync_stack.Sizes(
        products=args.products,
        skus=args.skus,
        images=args.images,
        edits=args.edits,
        edit_skus=min(args.edit_skus, args.products * args.skus),
        samples=min(args.samples, args.edits),
        workers=workers,
        latency_ms=args.latency_ms,
    )
    return _sync_stack.run(sizes, save=not args.no_save, keep=args.keep, database=args.database)


def _checks(args, figures: list[dict], remote: dict[str, dict[str, int]]) -> list[str]:
    """What must hold for the figures to mean anything; a broken expectation is reported, not hidden."""
    notes = []
    for f in figures:
        bad = {state: n for state, n in f["states"].items() if state != "succeeded"}
        if bad:
            notes.append(f"FAILED: {f['pass']} ({f['shop_app']}) left jobs {bad}")
    for app, counts in remote.items():
        if counts["products"] != args.products or counts["creates_applied"] != args.products:
            notes.append(f"FAILED: the emulator holds {counts} for {app}, expected {args.products} of each")
    unchanged = next(f for f in figures if f["pass"] == "re-publish unchanged")
    if unchanged["http_calls"]:
        notes.append(f"re-publishing unchanged products sent {unchanged['http_calls']} calls (expected 0)")
    return notes


if __name__ == "__main__":
    raise SystemExit(main())
