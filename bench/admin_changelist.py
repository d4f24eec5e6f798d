"""The product admin's changelist: time per request and SQL queries, with 50 and 500 products.

Django's test ``Client`` logged in as a superuser requests the changelist of ``SyncedProductAdmin`` (the product
admin with its "status in shops" column) on a throwaway SQLite database. Each product has 4 SKUs, one image and
a binding to a shop, so every column has something to show. Three pages are measured:

* ``list``: the first page (50 rows per page);
* ``search``: a search that matches every product (``?q=夏季款``; the search also spans SKU codes);
* ``sort``: sorted by the total stock, an aggregate over the SKUs (``?o=-6``).

The number of queries of a page must not grow with the number of products; the script says so when it does.

    python bench/admin_changelist.py [--sizes 50,500] [--repeat 20] [--no-save]
"""

from __future__ import annotations

import argparse
import time

from _common import django_setup, heading, median, percentile, table, without_debug, write_results

NAME = "admin_changelist"
DEFAULT_SIZES = (50, 500)
PAGES = {"list": "", "search": "?q=夏季款", "sort": "?o=-6"}
WARMUP = 2


def bind_to_shop(products, shop) -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from channels_sync.models import RemoteBinding
    from products.models import Product

    content_type = ContentType.objects.get_for_model(Product)
    RemoteBinding.objects.bulk_create(
        [
            RemoteBinding(
                shop=shop,
                content_type=content_type,
                object_id=product.pk,
                remote_id=f"pBench{product.pk:022d}",
                remote_status="listed",
                last_synced_at=timezone.now(),
            )
            for product in products
        ]
    )


def measure_page(client, url: str, repeat: int) -> dict:
    """Milliseconds per request (after warm-up requests), the queries of one request, and the page's size."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARMUP):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    times_ms = []
    for _ in range(repeat):
        start = time.perf_counter_ns()
        response = client.get(url)
        times_ms.append((time.perf_counter_ns() - start) / 1e6)
    # Counted on a request of its own: capturing keeps every statement, which is not free. Django rounds the
    # captured times to the millisecond, so each statement is timed here too.
    durations_ns: list[int] = []

    def timed(execute, sql, params, many, context):
        start = time.perf_counter_ns()
        try:
            return execute(sql, params, many, context)
        finally:
            durations_ns.append(time.perf_counter_ns() - start)

    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timed):
        response = client.get(url)
    assert len(durations_ns) == len(captured), (len(durations_ns), len(captured))
    return {
        "ms_min": round(min(times_ms), 3),
        "ms_median": round(median(times_ms), 3),
        "ms_p95": round(percentile(times_ms, 0.95), 3),
        "queries": len(captured),
        "sql_ms": round(sum(durations_ns) / 1e6, 3),
        "sql": [
            {"ms": round(ns / 1e6, 3), "sql": " ".join(q["sql"].split())[:300]}
            for ns, q in zip(durations_ns, captured.captured_queries, strict=True)
        ],
        "response_bytes": len(response.content),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--sizes",
        default=",".join(map(str, DEFAULT_SIZES)),
        help="product counts to measure, comma separated, ascending (default %(default)s)",
    )
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per page (default %(default)s)")
    parser.add_argument("--no-save", action="store_true", help="print only; write no file under bench/results/")
    args = parser.parse_args(argv)
    sizes = sorted({int(part) for part in args.sizes.split(",") if part.strip()})
    if not sizes or sizes[0] < 1:
        parser.error("--sizes needs product counts of at least 1")

    django_setup()
    from django.contrib.auth import get_user_model
    from django.test import Client, override_settings
    from django.urls import reverse

    from channels_sync.models import Shop
    from tests.factories import bench_tshirt_category, bench_tshirts, freight_template

    heading(f"Product admin changelist ({args.repeat} requests per page after {WARMUP} warm-up)")
    category = bench_tshirt_category()
    template = freight_template(name="全国快递")
    shop = Shop(name="基准测试店", platform="wechat_store", app_id="wx_demo_store", base_url="http://127.0.0.1:9")
    shop.set_app_secret("demo-store-secret")
    shop.save()
    user = get_user_model().objects.create_superuser("bench", "bench@example.com", "bench-password")
    client = Client()
    client.force_login(user)
    changelist = reverse("admin:products_product_changelist")

    figures = []
    built = 0
    # "testserver" is the test client's host; DEBUG off as in production (no SQL log kept per request).
    with override_settings(ALLOWED_HOSTS=["testserver"]), without_debug():
        for size in sizes:
            products = bench_tshirts(size - built, category=category, template=template, skus=4, images=1, start=built)
            bind_to_shop(products, shop)
            built = size
            for page, query in PAGES.items():
                result = measure_page(client, changelist + query, args.repeat)
                figures.append({"products": size, "page": page, "url": changelist + query, **result})

    print(
        table(
            ["products", "page", "ms min", "ms median", "ms p95", "queries", "SQL ms", "slowest query ms", "KiB"],
            [
                [f["products"], f["page"], f["ms_min"], f["ms_median"], f["ms_p95"], f["queries"], f["sql_ms"]]
                + [max(q["ms"] for q in f["sql"]), round(f["response_bytes"] / 1024, 1)]
                for f in figures
            ],
        )
    )
    notes = []
    for page in PAGES:
        counts = {f["products"]: f["queries"] for f in figures if f["page"] == page}
        if len(set(counts.values())) > 1:
            first, last = (
                next(f for f in figures if f["page"] == page and f["products"] == n) for n in (sizes[0], sizes[-1])
            )
            known = {q["sql"] for q in first["sql"]}
            extra = [q["sql"] for q in last["sql"] if q["sql"] not in known][:5]
            notes.append(f"the {page} page's query count grows with the product count: {counts}; new: {extra}")
    print()
    for note in notes or ["query counts do not grow with the product count"]:
        print(f"{'!' if notes else '✓'} {note}")
    if not args.no_save:
        path = write_results(
            NAME,
            parameters={
                "sizes": sizes,
                "repeat": args.repeat,
                "warmup": WARMUP,
                "per_product": "4 SKUs, 1 image, 1 shop binding",
                "list_per_page": 50,
                "database": "SQLite, temporary file (WAL)",
            },
            figures=figures,
            notes=notes,
        )
        print(f"\nwritten: {path.relative_to(path.parents[2])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
