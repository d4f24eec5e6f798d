"""sync_engine.py --stack: the engine as it runs in production, side by side with a naive sequential loop.

Everything real: a PostgreSQL database of the run's own, a ``redis-server`` of its own (broker and cache), real
``celery worker`` processes (prefork, 1 then 4 children), the emulator in this process over HTTP with
``--latency-ms`` added to every platform call (its fault plan, sandbox/core/faults.py). The baseline is a plain
sequential ``requests`` loop in this process making the same calls directly to the emulator: the engine's
publish calls recorded at the emulator and replayed one after the other (uploads, then each create with the
image URLs of its own uploads), one stock add or reduce per edit, one stock call for a single edit. Every figure
is printed as a ratio to the baseline's.

The emulator's ``dispatch`` is wrapped to record each platform call (path, body, answer, when it ended), so the
remote calls and the moment a stock change was applied are seen where they happen, not polled for.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import statistics
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from _common import heading, percentile, table, write_results
from _processes import Server, _sku_key, celery_service, free_port, redis_service, remote_skus

ENGINE_APP = ("wx_demo_store", "demo-store-secret")
NAIVE_APP = ("wx_test_store", "test-store-secret")
POLL_SECONDS = 0.02
TIMEOUT_SECONDS = 600


@dataclass
class Call:
    appid: str | None
    method: str
    path: str
    query: dict[str, str]
    content_type: str
    body: bytes
    answer: bytes
    ended: float


@dataclass
class Recorder:
    """Wraps the emulator's dispatch: every platform call (``/merchant/…``) and when its answer was ready."""

    calls: list[Call] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)

    def install(self, sandbox) -> None:
        dispatch = sandbox.dispatch

        def recording(request):
            result = dispatch(request)
            if request.path.startswith("/merchant/"):
                call = Call(
                    appid=request.appid,
                    method=request.method,
                    path=request.path,
                    query={k: v for k, v in request.query.items() if k != "access_token"},
                    content_type=request.content_type,
                    body=request.body,
                    answer=result.response.body,
                    ended=time.perf_counter(),
                )
                with self.changed:
                    self.calls.append(call)
                    self.changed.notify_all()
            return result

        sandbox.dispatch = recording

    def mark(self) -> int:
        with self.changed:
            return len(self.calls)

    def since(self, mark: int, appid: str) -> list[Call]:
        with self.changed:
            return [c for c in self.calls[mark:] if c.appid == appid]

    def wait_for(self, mark: int, appid: str, prefix: str, timeout: float) -> Call | None:
        """The first call of ``appid`` on a path starting with ``prefix`` after ``mark``, waiting for it."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                for call in self.calls[mark:]:
                    if call.appid == appid and call.path.startswith(prefix):
                        return call
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.changed.wait(left)


# --- The naive loop --------------------------------------------------------------------------------------------


class Naive:
    """A plain ``requests`` session making one call after another, as a script without an engine would."""

    def __init__(self, base_url: str):
        import requests

        self.base_url = base_url
        self.http = requests.Session()
        self.http.trust_env = False
        appid, secret = NAIVE_APP
        answer = self.http.get(
            f"{base_url}/cgi-bin/token",
            params={"grant_type": "client_credential", "appid": appid, "secret": secret},
            timeout=30,
        ).json()
        self.token = answer["access_token"]
        # The engine's remote ids -> the naive app's.
        self.product_ids: dict[str, str] = {}
        self.templates: dict[int, int] = {}

    def post(self, path: str, *, body: bytes, content_type: str, query: dict[str, str] | None = None) -> dict:
        url = f"{self.base_url}{path}?{urlencode({**(query or {}), 'access_token': self.token})}"
        answer = self.http.post(url, data=body, headers={"Content-Type": content_type}, timeout=30).json()
        if answer.get("errcode", 0) != 0:
            raise RuntimeError(f"naive loop: {path} answered {answer}")
        return answer

    def replay_setup(self, calls: list[Call]) -> None:
        """The engine's freight template push, so that the creates replayed find their template here too."""
        for call in calls:
            if call.path == "/merchant/express/add":
                answer = self.post(call.path, body=call.body, content_type=call.content_type, query=call.query)
                self.templates[json.loads(call.answer)["template_id"]] = answer["template_id"]

    def replay_publish(self, calls: list[Call]) -> None:
        """The engine's publish calls in order: each upload again, each create with this app's image URLs and
        template id."""
        urls: dict[str, str] = {}
        for call in calls:
            if call.path == "/merchant/common/upload_img":
                answer = self.post(call.path, body=call.body, content_type=call.content_type, query=call.query)
                urls[json.loads(call.answer)["image_url"]] = answer["image_url"]
            elif call.path == "/merchant/create":
                body = _rewritten(json.loads(call.body), urls=urls, templates=self.templates)
                data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
                answer = self.post(call.path, body=data, content_type=call.content_type, query=call.query)
                self.product_ids[json.loads(call.answer)["product_id"]] = answer["product_id"]
            # Reads the engine made (a stock baseline) are not part of what the naive loop needs.

    def stock_change(self, *, product_id: str, sku_info: str, delta: int) -> None:
        path = "/merchant/stock/add" if delta > 0 else "/merchant/stock/reduce"
        body = json.dumps({"product_id": self.product_ids[product_id], "sku_info": sku_info, "quantity": abs(delta)})
        self.post(path, body=body.encode(), content_type="application/json")


def _rewritten(value, *, urls: dict[str, str], templates: dict[int, int]):
    """A create body with the engine's image URLs and template ids swapped for the naive app's."""
    if isinstance(value, dict):
        return {
            k: templates.get(v, v) if k == "template_id" else _rewritten(v, urls=urls, templates=templates)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_rewritten(v, urls=urls, templates=templates) for v in value]
    if isinstance(value, str):
        return urls.get(value, value)
    return value


# --- The run ---------------------------------------------------------------------------------------------------


@dataclass
class Sizes:
    products: int
    skus: int
    images: int
    edits: int
    edit_skus: int
    samples: int
    workers: list[int]
    latency_ms: int


def _environment(var_dir: Path, database_url: str, redis_url: str) -> dict[str, str]:
    suffix = uuid.uuid4().hex[:8]
    values = {
        "DJANGO_SETTINGS_MODULE": "shopadmin.settings",
        "SHOPADMIN_VAR_DIR": str(var_dir),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CELERY_QUEUE": f"shopadmin-syncbench-{suffix}",
        "CACHE_KEY_PREFIX": f"syncbench-{suffix}",
        "MEDIA_ROOT": str(var_dir / "media"),
        # Production settings (DEBUG off: no statement log kept per worker), the emulator's origin allowed.
        "DEBUG": "false",
        "SANDBOX_ORIGINS": "http://127.0.0.1:*",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    os.environ.update(values)
    no_proxy = [p for p in os.environ.get("NO_PROXY", "").split(",") if p]
    os.environ["NO_PROXY"] = ",".join([*no_proxy, "127.0.0.1", "localhost"])
    return dict(os.environ)


def _wait_idle(shop, since_pk: int) -> float:
    """Wait until no job of the shop newer than ``since_pk`` is active; returns when that was seen."""
    from channels_sync.models import SyncJob

    jobs = SyncJob.objects.filter(shop=shop, pk__gt=since_pk)
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if not jobs.filter(state__in=SyncJob.ACTIVE_STATES).exists():
            return time.perf_counter()
        time.sleep(POLL_SECONDS)
    raise RuntimeError(f"jobs of {shop.app_id} still active after {TIMEOUT_SECONDS} s")


def _job_states(shop, since_pk: int) -> dict[str, int]:
    from django.db.models import Count

    from channels_sync.models import SyncJob

    jobs = SyncJob.objects.filter(shop=shop, pk__gt=since_pk)
    return dict(jobs.values_list("state").annotate(n=Count("pk")).order_by("state"))


def _last_job_pk() -> int:
    from channels_sync.models import SyncJob

    return SyncJob.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _make_shop(base_url: str):
    from channels_sync.models import Shop

    appid, secret = ENGINE_APP
    Shop.objects.filter(app_id=appid).delete()  # the previous worker count's shop, its bindings and jobs
    shop = Shop(name="同步基准店", platform="wechat_store", app_id=appid, base_url=base_url)
    shop.set_app_secret(secret)
    shop.save()
    return shop


def _edit_plan(sizes: Sizes, products, seed: int) -> list[tuple[int, int]]:
    """``edits`` (SKU id, delta) pairs over the first ``edit_skus`` SKUs; deltas never take a stock below 0."""
    from products.models import Sku

    skus = list(Sku.objects.filter(product__in=products).order_by("product_id", "position")[: sizes.edit_skus])
    stock = {sku.pk: sku.stock for sku in skus}
    rng = random.Random(seed)
    plan = []
    for _ in range(sizes.edits):
        sku_id = rng.choice(list(stock))
        delta = rng.choice((-3, -2, -1, 1, 2, 3, 5))
        if stock[sku_id] + delta < 0:
            delta = -delta
        stock[sku_id] += delta
        plan.append((sku_id, delta))
    return plan


def _samples(edits: list[tuple[int, int]], samples: int) -> list[tuple[int, int]]:
    """The single edits timed: +1, then -1, on the plan's first SKUs, so no stock ever goes below 0."""
    return [(sku_id, 1 if n % 2 == 0 else -1) for n, (sku_id, _) in enumerate(edits[:samples])]


def _sku_stock_edit(sku_id: int, delta: int) -> None:
    from _chaos_catalog import sku_stock_edit

    from products.models import Sku

    sku = Sku.objects.select_related("product").get(pk=sku_id)
    # The plan keeps the stock at 0 or more from the catalog's stock; a later worker count starts from where the
    # previous one left it, so a step that would go below 0 goes up instead (as chaos.py's edits do).
    sku_stock_edit(sku=sku, stock=sku.stock + delta if sku.stock + delta >= 0 else sku.stock - delta)


def _remote_keys(shop) -> dict[int, tuple[str, str]]:
    """SKU id -> (the engine's remote product id, the remote SKU key), for the naive loop's stock calls."""
    from channels_sync.models import RemoteBinding, RemoteSkuStock
    from products.models import Sku

    products = dict(
        RemoteBinding.objects.filter(shop=shop, content_type__model="product").values_list("object_id", "remote_id")
    )
    keys = dict(RemoteSkuStock.objects.filter(shop=shop).values_list("sku_id", "remote_sku_key"))
    return {
        sku_id: (products[pid], keys[sku_id])
        for sku_id, pid in Sku.objects.values_list("pk", "product_id")
        if pid in products and sku_id in keys
    }


def _stock_mismatches(shop, control_url: str) -> int:
    """SKUs whose stock in the engine's shop is not the local stock, from the emulator's state."""
    import requests

    from products.models import Sku

    http = requests.Session()
    http.trust_env = False
    state = http.get(f"{control_url}/__sandbox__/state", params={"appid": shop.app_id}, timeout=30).json()
    remote = {str(p["product_id"]): remote_skus("wechat_store", p) for p in state["wechat_store"]["products"]}
    local = dict(Sku.objects.values_list("pk", "stock"))
    mismatches = 0
    for sku_id, (product_id, key) in _remote_keys(shop).items():
        held = remote.get(product_id, {}).get(_sku_key("wechat_store", key))
        if held is None or held["stock"] != local[sku_id]:
            mismatches += 1
    return mismatches


def engine_run(
    *, workers: int, sizes: Sizes, base_url: str, recorder: Recorder, worker_env, logs: Path, products, template, edits
) -> dict:
    """Publish, stock edits and single-edit latency with one ``celery worker`` of ``workers`` children."""
    from channels_sync.engine import outbox
    from channels_sync.models import SyncJob

    queue = os.environ["CELERY_QUEUE"]
    worker = celery_service(
        f"worker-c{workers}",
        ["worker", "-l", "info", "-c", str(workers), "-Q", queue, "-n", f"syncbench{workers}@%h"]
        + ["--without-gossip", "--without-mingle", "--without-heartbeat"],
        env=worker_env,
        folder=logs,
        ready=" ready.",
    )
    appid = ENGINE_APP[0]
    figures: dict = {"workers": workers}
    with contextlib.ExitStack() as stack:
        stack.callback(worker.stop)
        worker.start()
        time.sleep(1.0)  # the pool's children import Django after the parent says ready
        shop = _make_shop(base_url)
        since, mark = _last_job_pk(), recorder.mark()
        outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.FREIGHT_PUSH, target=template)
        _wait_idle(shop, since)
        setup_calls = recorder.since(mark, appid)

        # Publish: every product created (uploads, then create), from the first enqueue to the last job done.
        since, mark = _last_job_pk(), recorder.mark()
        start = time.perf_counter()
        for product in products:
            outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)
        end = _wait_idle(shop, since)
        publish_calls = recorder.since(mark, appid)
        figures["publish"] = {
            "wall_s": round(end - start, 3),
            "calls": len(publish_calls),
            "states": _job_states(shop, since),
        }

        # Stock edits, as the product form saves them, as fast as this process writes them.
        since, mark = _last_job_pk(), recorder.mark()
        start = time.perf_counter()
        for sku_id, delta in edits:
            _sku_stock_edit(sku_id, delta)
        last_edit = time.perf_counter()
        end = _wait_idle(shop, since)
        calls = recorder.since(mark, appid)
        figures["stock_edits"] = {
            "edits": len(edits),
            "edit_s": round(last_edit - start, 3),
            "calls": len(calls),
            "calls_by_path": _by_path(calls),
            "converged_s": round(max(end, max((c.ended for c in calls), default=end)) - last_edit, 3),
            "states": _job_states(shop, since),
            "stock_mismatches": _stock_mismatches(shop, base_url),
        }

        # One edit at a time, the workers idle: from its commit to the shop's answer to the stock call.
        latencies = []
        for sku_id, delta in _samples(edits, sizes.samples):
            time.sleep(0.3)  # idle workers, as an edit in a quiet back office finds them
            mark = recorder.mark()
            _sku_stock_edit(sku_id, delta)
            committed = time.perf_counter()
            call = recorder.wait_for(mark, appid, "/merchant/stock/", timeout=60)
            if call is None:
                raise RuntimeError("a single stock edit reached no stock call in 60 s")
            latencies.append((call.ended - committed) * 1000)
            _wait_idle(shop, since)
        figures["single_edit_ms"] = _spread(latencies)
    figures["setup_call_log"] = setup_calls
    figures["publish_call_log"] = publish_calls  # for the naive replay; dropped before saving
    figures["shop"] = shop
    return figures


def _by_path(calls: list[Call]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for call in calls:
        counts[call.path] = counts.get(call.path, 0) + 1
    return dict(sorted(counts.items()))


def _spread(values: list[float]) -> dict:
    return {
        "n": len(values),
        "p50": round(percentile(values, 0.50), 1),
        "p95": round(percentile(values, 0.95), 1),
        "mean": round(statistics.fmean(values), 1) if values else None,
    }


def naive_run(*, base_url: str, engine: dict, edits, samples: int) -> dict:
    naive = Naive(base_url)
    naive.replay_setup(engine["setup_call_log"])
    start = time.perf_counter()
    naive.replay_publish(engine["publish_call_log"])
    publish_s = time.perf_counter() - start
    keys = _remote_keys(engine["shop"])
    start = time.perf_counter()
    for sku_id, delta in edits:
        product_id, sku_info = keys[sku_id]
        naive.stock_change(product_id=product_id, sku_info=sku_info, delta=delta)
    stock_s = time.perf_counter() - start
    latencies = []
    for sku_id, delta in _samples(edits, samples):
        product_id, sku_info = keys[sku_id]
        start = time.perf_counter()
        naive.stock_change(product_id=product_id, sku_info=sku_info, delta=delta)
        latencies.append((time.perf_counter() - start) * 1000)
    return {
        "publish": {"wall_s": round(publish_s, 3), "calls": len(engine["publish_call_log"])},
        "stock_edits": {"edits": len(edits), "calls": len(edits), "wall_s": round(stock_s, 3), "converged_s": 0.0},
        "single_edit_ms": _spread(latencies),
    }


def _ratio(value: float, base: float) -> str:
    return f"{value / base:.2f}×" if base else "-"


def run(sizes: Sizes, *, save: bool, keep: bool, database: str | None) -> int:
    server = Server.from_environment(database or None)
    server = Server(url=server.url, database=database or server.database.replace("_chaos_run", "_syncbench"))
    var_dir = Path(tempfile.mkdtemp(prefix="shopadmin-syncbench-"))
    logs = var_dir / "logs"
    logs.mkdir()
    redis_port = free_port()
    redis = redis_service(redis_port, var_dir)
    heading(
        f"Sync engine on the real stack: {sizes.products} products × {sizes.skus} SKUs, {sizes.edits} stock edits "
        f"on {sizes.edit_skus} SKUs, workers {sizes.workers}, {sizes.latency_ms} ms per platform call"
    )
    ok = False
    try:
        with contextlib.ExitStack() as stack:
            server.recreate()
            stack.callback(redis.stop)
            redis.start()
            worker_env = _environment(var_dir, server.url_of(server.database), f"redis://127.0.0.1:{redis_port}/0")
            worker_env["LOG_LEVEL"] = "WARNING"
            os.environ["LOG_LEVEL"] = "ERROR"
            import django

            django.setup()
            from django.core.management import call_command
            from django.db import connections

            from sandbox import Sandbox, SandboxServer
            from sandbox.core.apps import AppRegistry
            from tests.factories import bench_tshirt_category as tshirt_category
            from tests.factories import bench_tshirts as tshirts
            from tests.factories import freight_template

            stack.callback(connections.close_all)
            call_command("migrate", interactive=False, verbosity=0)
            sandbox = Sandbox(apps=AppRegistry.default(environ={}), seed=20240611)
            recorder = Recorder()
            recorder.install(sandbox)
            emulator = stack.enter_context(SandboxServer(sandbox, host="127.0.0.1", port=0, poll_interval=0.01))
            import requests

            control = requests.Session()
            control.trust_env = False
            category = tshirt_category()
            template = freight_template()
            products = tshirts(
                sizes.products, category=category, template=template, skus=sizes.skus, images=sizes.images
            )
            edits = _edit_plan(sizes, products, seed=7)
            print(f"database {server.database}, emulator {emulator.url}, logs {logs}", flush=True)

            results = []
            for workers in sizes.workers:
                control.post(f"{emulator.url}/__sandbox__/reset", json={}, timeout=30).raise_for_status()
                control.post(
                    f"{emulator.url}/__sandbox__/faults", json={"latency_ms": sizes.latency_ms}, timeout=30
                ).raise_for_status()
                engine = engine_run(
                    workers=workers,
                    sizes=sizes,
                    base_url=emulator.url,
                    recorder=recorder,
                    worker_env=worker_env,
                    logs=logs,
                    products=products,
                    template=template,
                    edits=edits,
                )
                print(f"  {workers} worker(s): engine done", flush=True)
                if not results:
                    # The baseline once, against the other app, with the first run's recorded publish calls.
                    naive = naive_run(base_url=emulator.url, engine=engine, edits=edits, samples=sizes.samples)
                    print("  naive loop done", flush=True)
                del engine["setup_call_log"], engine["publish_call_log"], engine["shop"]
                results.append(engine)
            ok = report(sizes, naive, results, save=save)
    finally:
        if keep or not ok:
            print(f"kept: logs in {logs}, database {server.database}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)
            server.drop()
    return 0 if ok else 1


def report(sizes: Sizes, naive: dict, results: list[dict], *, save: bool) -> bool:
    rows = [
        [
            "naive loop",
            "-",
            naive["publish"]["wall_s"],
            "1.00×",
            naive["stock_edits"]["calls"],
            "1.00×",
            naive["stock_edits"]["converged_s"],
            naive["single_edit_ms"]["p50"],
            naive["single_edit_ms"]["p95"],
            "-",
        ]
    ]
    notes = []
    for r in results:
        single = r["single_edit_ms"]
        rows.append(
            [
                "engine",
                r["workers"],
                r["publish"]["wall_s"],
                _ratio(r["publish"]["wall_s"], naive["publish"]["wall_s"]),
                r["stock_edits"]["calls"],
                _ratio(r["stock_edits"]["calls"], naive["stock_edits"]["calls"]),
                r["stock_edits"]["converged_s"],
                single["p50"],
                single["p95"],
                f"{_ratio(single['p50'], naive['single_edit_ms']['p50'])} / "
                f"{_ratio(single['p95'], naive['single_edit_ms']['p95'])}",
            ]
        )
        for part in ("publish", "stock_edits"):
            bad = {s: n for s, n in r[part]["states"].items() if s != "succeeded"}
            if bad:
                notes.append(f"FAILED: {part} with {r['workers']} worker(s) left jobs {bad}")
        if r["stock_edits"]["stock_mismatches"]:
            notes.append(f"FAILED: {r['stock_edits']['stock_mismatches']} SKUs differ after {r['workers']} worker(s)")
    print()
    print(
        table(
            [
                "who",
                "workers",
                "publish s",
                "× naive",
                "stock calls",
                "× naive",
                "converged s",
                "edit p50 ms",
                "edit p95 ms",
                "p50 / p95 × naive",
            ],
            rows,
        )
    )
    print(
        "\nstock calls by path: "
        + "; ".join(f"{r['workers']} worker(s) {r['stock_edits']['calls_by_path']}" for r in results)
    )
    for note in notes:
        print(f"! {note}")
    if save:
        path = write_results(
            "sync_engine_stack",
            parameters={**sizes.__dict__, "database": "PostgreSQL", "emulator": "in-process, HTTP, fault latency"},
            figures={"naive": naive, "engine": results},
            notes=notes,
        )
        print(f"\nwritten: {path.relative_to(path.parents[2])}")
    return not any(n.startswith("FAILED") for n in notes)
