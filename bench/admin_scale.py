"""The catalog's admin pages at real size, on PostgreSQL: median time, queries and slow queries per page.

Loads, in bulk (``COPY``), 100,000 products with 5 SKUs each (500,000), 3,500 categories (a tree four levels deep
on each of three platforms), 50 brands, one image and one shop binding per product, and 100,000 sync jobs, into a
database of its own (``--database``, default ``shopadmin_scale_bench`` on the server ``DATABASE_URL`` names; it is
created, migrated and loaded when it holds no product, and reused as it is otherwise, so a second run measures at
once; ``--reload`` drops it first). Then Django's test ``Client``, logged in as a superuser, requests each page
``--repeat`` times after a warm-up and once more while capturing its SQL:

* ``list``: the product changelist, first page (50 rows);
* ``search title``: ``?q=真丝`` (one product in eight);
* ``search SKU code``: one SKU's product code;
* ``sort stock``: sorted by total stock, descending;
* ``filtered``: one Channels category and the state "active";
* ``SKU list``, ``SKU search`` (one product code);
* ``change form``: a product with 20 SKUs;
* ``jobs``: the sync jobs' changelist.

It prints, per page, the median and p95 in ms, the number of queries and every query over 100 ms.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shopadmin python bench/admin_scale.py [--repeat 7]
        [--products 100000] [--database NAME] [--reload] [--no-save] [--pages 'change form,list']
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from _common import heading, median, percentile, table, without_debug, write_results

NAME = "admin_scale"
DEFAULT_DATABASE = "shopadmin_scale_bench"
SKUS_PER_PRODUCT = 5
CATEGORIES = 3_500
CATEGORY_PLATFORMS = ("wechat_store", "channels", "minishop")
CATEGORY_BRANCHING = 6
BRANDS = 50
BIG_PRODUCT_SKUS = 20
SLOW_QUERY_MS = 100
WARMUP = 2
# Title words: the search measured matches one product in eight (真丝).
MATERIALS = ("纯棉", "真丝", "亚麻", "羊毛", "涤纶", "莫代尔", "竹纤维", "雪纺")
KINDS = ("T恤", "衬衫", "连衣裙", "外套", "卫衣", "长裤", "短裤")
SEASONS = ("春季款", "夏季款", "秋季款", "冬季款")


def database_url(name: str) -> str:
    """DATABASE_URL's server and credentials with the benchmark's own database name."""
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "admin_scale needs DATABASE_URL to name a PostgreSQL server (only its address and credentials are used)"
        )
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, "", ""))


def ensure_database(url: str, *, reload: bool) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit((parts.scheme, parts.netloc, "/postgres", "", ""))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and reload:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def django_setup_postgres(url: str) -> None:
    import tempfile

    var_dir = Path(tempfile.mkdtemp(prefix="shopadmin-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "shopadmin.settings"
    os.environ["SHOPADMIN_VAR_DIR"] = str(var_dir)
    os.environ["DATABASE_URL"] = url
    os.environ["REDIS_URL"] = ""
    os.environ["MEDIA_ROOT"] = str(var_dir / "media")
    os.environ["DEBUG"] = "true"
    os.environ["LOG_LEVEL"] = "WARNING"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)


# --- Loading ---------------------------------------------------------------------------------------------------


def copy_rows(model, rows: list[dict]) -> None:
    """COPY rows (attname → value) into the model's table; fields left out take their model default.

    Works on whichever schema the checkout has, so the same script loads today's main and a branch that added
    columns (their defaults fill them unless the row names them).
    """
    from django.db import connection
    from django.utils import timezone

    if not rows:
        return
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and f.attname not in rows[0])]
    columns = ", ".join(f'"{f.column}"' for f in fields)
    defaults = {}
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            defaults[field.attname] = now
        else:
            # The model's default, or "" for a blank text field and None for a nullable one, as Model() does.
            defaults[field.attname] = field.get_default()
    json_fields = {f.attname for f in fields if f.get_internal_type() == "JSONField"}
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN') as copy:
            for row in rows:
                values = []
                for field in fields:
                    value = row.get(field.attname, defaults[field.attname])
                    if field.attname in json_fields:
                        value = json.dumps(value, ensure_ascii=False)
                    values.append(value)
                copy.write_row(values)


def reset_sequences(*models) -> None:
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def has_field(model, name: str) -> bool:
    return any(f.name == name for f in model._meta.concrete_fields)


def load_categories(platform: str, quota: int, first_id: int) -> list[dict]:
    """A tree four levels deep: CATEGORY_BRANCHING roots, each node CATEGORY_BRANCHING children, leaves last."""
    from products.models import Category

    rows: list[dict] = []
    level_nodes: list[dict] = [{}]  # a virtual root
    level = 0
    while len(rows) < quota:
        level += 1
        parents = level_nodes
        level_nodes = []
        remaining = quota - len(rows)
        wanted = min(len(parents) * CATEGORY_BRANCHING, remaining)
        for index in range(wanted):
            parent = parents[index % len(parents)]
            node = {
                "id": first_id + len(rows),
                "platform": platform,
                "remote_id": f"{platform[:2]}{first_id + len(rows)}",
                "parent_id": parent.get("id"),
                "name": f"{'类目'}{level}-{index}",
                "level": level,
                "is_leaf": True,
                "path_names": [*parent.get("path_names", []), f"类目{level}-{index}"],
            }
            parent["is_leaf"] = False
            rows.append(node)
            level_nodes.append(node)
    stored_path = has_field(Category, "path")
    for row in rows:
        names = row.pop("path_names")
        if stored_path:
            row["path"] = " > ".join(names)
    return rows


def load(products: int, seed: int = 11) -> dict:
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from django.utils import timezone

    from channels_sync.models import RemoteBinding, Shop, SyncJob
    from products.models import Brand, Category, FreightTemplate, ImageAsset, Product, ProductImage, Sku

    rng = random.Random(seed)
    started = time.perf_counter()
    with transaction.atomic():
        template = FreightTemplate.objects.create(name="基准运费模板", ship_from_province="广东省")
        categories: list[dict] = []
        per_platform = CATEGORIES // len(CATEGORY_PLATFORMS)
        for number, platform in enumerate(CATEGORY_PLATFORMS):
            quota = per_platform + (CATEGORIES - per_platform * len(CATEGORY_PLATFORMS) if number == 0 else 0)
            categories += load_categories(platform, quota, first_id=len(categories) + 1)
        copy_rows(Category, categories)
        leaves = {p: [c["id"] for c in categories if c["platform"] == p and c["is_leaf"]] for p in CATEGORY_PLATFORMS}
        copy_rows(Brand, [{"id": i, "remote_id": f"b{i}", "name_zh": f"品牌{i}"} for i in range(1, BRANDS + 1)])
        copy_rows(
            ImageAsset,
            [
                {"id": i, "image": f"images/bench/{i:02d}.png", "sha256": f"{i:064x}", "width": 800, "height": 800}
                for i in range(1, 21)
            ],
        )
        stored_total = has_field(Product, "total_stock")
        category_columns = has_field(Product, "channels_category")
        product_rows, sku_rows, image_rows, category_rows = [], [], [], []
        now = timezone.now()
        for pid in range(1, products + 1):
            stocks = [rng.randrange(0, 500) for _ in range(SKUS_PER_PRODUCT)]
            row = {
                "id": pid,
                "out_product_id": f"BENCH{pid:07d}",
                "state": rng.choice(["active", "active", "draft", "archived"]),
                "title": f"{rng.choice(SEASONS)}{MATERIALS[pid % len(MATERIALS)]}{rng.choice(KINDS)} {pid:06d}",
                "brand_id": rng.randrange(1, BRANDS + 1) if pid % 2 else None,
                "freight_template_id": template.pk,
                "created_at": now - timezone.timedelta(minutes=pid),
                "updated_at": now - timezone.timedelta(minutes=pid),
            }
            if stored_total:
                row["total_stock"] = sum(stocks)
            chosen = {"wechat_store": rng.choice(leaves["wechat_store"]), "channels": rng.choice(leaves["channels"])}
            if pid % 3 == 0:
                chosen["minishop"] = rng.choice(leaves["minishop"])
            if category_columns:  # the catalog before issue 10: one foreign key per platform
                row.update({f"{platform}_category_id": category for platform, category in chosen.items()})
            else:
                # Numbered one by one: ids computed inside one comprehension would all see the same length.
                for platform, category in chosen.items():
                    category_rows.append(
                        {"id": len(category_rows) + 1, "product_id": pid, "platform": platform, "category_id": category}
                    )
            product_rows.append(row)
            image_rows.append({"id": pid, "product_id": pid, "position": 0, "asset_id": pid % 20 + 1})
            for position, stock in enumerate(stocks):
                sid = (pid - 1) * SKUS_PER_PRODUCT + position + 1
                specs = [{"id": "$颜色", "vid": f"$色{position}", "name": "颜色", "value": f"色{position}"}]
                sku_rows.append(
                    {
                        "id": sid,
                        "product_id": pid,
                        "position": position,
                        "specs": specs,
                        "spec_key": Sku.build_spec_key(specs),
                        "price": 9_900 + position * 100,
                        "original_price": 19_900,
                        "stock": stock,
                        "product_code": f"P{pid:06d}-{position}",
                        "barcode": f"69{sid:011d}",
                        "out_sku_id": f"S{sid:08d}",
                    }
                )
        copy_rows(Product, product_rows)
        if category_rows:
            from products.models import ProductPlatformCategory

            copy_rows(ProductPlatformCategory, category_rows)
        copy_rows(ProductImage, image_rows)
        copy_rows(Sku, sku_rows)
        shop = Shop(name="基准测试店", platform="wechat_store", app_id="wx_demo_store", base_url="http://127.0.0.1:9")
        shop.set_app_secret("demo-store-secret")
        shop.save()
        content_type = ContentType.objects.get_for_model(Product)
        copy_rows(
            RemoteBinding,
            [
                {
                    "shop_id": shop.pk,
                    "content_type_id": content_type.pk,
                    "object_id": pid,
                    "remote_id": f"pBench{pid:022d}",
                    "remote_status": "listed",
                }
                for pid in range(1, products + 1)
            ],
        )
        copy_rows(
            SyncJob,
            [
                {
                    "shop_id": shop.pk,
                    "kind": SyncJob.Kind.PRODUCT_PUBLISH,
                    "target_type_id": content_type.pk,
                    "target_id": pid,
                    "target_label": f"BENCH{pid:07d}",
                    "lock_key": f"product:{pid}:{shop.pk}",
                    "state": SyncJob.State.SUCCEEDED,
                    "attempts": 1,
                    "finished_at": now,
                }
                for pid in range(1, products + 1)
            ],
        )
        reset_sequences(Category, Brand, ImageAsset, Product, ProductImage, Sku)
        if category_rows:
            # The 20-SKU product's category rows are saved through the model after this: its ids follow.
            reset_sequences(ProductPlatformCategory)
        get_user_model().objects.create_superuser("bench", "bench@example.com", "bench-password")
    with connection.cursor() as cursor:
        # Fresh statistics, as autovacuum would gather them soon after a load of this size.
        cursor.execute("VACUUM ANALYZE")
    big = build_big_product(leaves)
    return {"load_s": round(time.perf_counter() - started, 1), "big_product": big}


def build_big_product(leaves: dict) -> int:
    """A product with 20 SKUs (4 colours × 5 sizes) through the models, as the admin saves it."""
    from products.models import FreightTemplate, Product, ProductSpec, Sku

    product = Product.objects.create(
        out_product_id="BENCH-BIG-20",
        title="基准测试二十规格T恤",
        state="active",
        freight_template=FreightTemplate.objects.first(),
        **(
            {"channels_category_id": leaves["channels"][0], "wechat_store_category_id": leaves["wechat_store"][0]}
            if has_field(Product, "channels_category")
            else {}
        ),
    )
    if not has_field(Product, "channels_category"):
        from products.models import ProductPlatformCategory

        for platform in ("channels", "wechat_store"):
            ProductPlatformCategory.objects.create(product=product, platform=platform, category_id=leaves[platform][0])
    colours, sizes = ["红", "蓝", "白", "黑"], ["S", "M", "L", "XL", "XXL"]
    ProductSpec.objects.create(product=product, position=0, custom_name="颜色", custom_values=",".join(colours))
    ProductSpec.objects.create(product=product, position=1, custom_name="尺码", custom_values=",".join(sizes))
    position = 0
    for colour in colours:
        for size in sizes:
            specs = [
                {"id": "$颜色", "vid": f"${colour}", "name": "颜色", "value": colour},
                {"id": "$尺码", "vid": f"${size}", "name": "尺码", "value": size},
            ]
            Sku(product=product, position=position, specs=specs, price=9_900, original_price=19_900, stock=10).save()
            position += 1
    return product.pk


# --- Measuring -------------------------------------------------------------------------------------------------


def measure_page(client, url: str, repeat: int) -> dict:
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
    durations_ns: list[int] = []

    def timed(execute, sql, params, many, context):
        start = time.perf_counter_ns()
        try:
            return execute(sql, params, many, context)
        finally:
            durations_ns.append(time.perf_counter_ns() - start)

    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timed):
        response = client.get(url)
    statements = [
        {"ms": round(ns / 1e6, 1), "sql": " ".join(q["sql"].split())[:400]}
        for ns, q in zip(durations_ns, captured.captured_queries, strict=True)
    ]
    return {
        "ms_median": round(median(times_ms), 1),
        "ms_p95": round(percentile(times_ms, 0.95), 1),
        "queries": len(captured),
        "sql_ms": round(sum(durations_ns) / 1e6, 1),
        "slow": [s for s in statements if s["ms"] > SLOW_QUERY_MS],
        # The slowest statements only: before the fixes a page ran 8,000 of them.
        "sql_top": sorted(statements, key=lambda s: -s["ms"])[:20],
    }


def pages(big_product: int) -> dict[str, str]:
    from django.urls import reverse

    from products.models import Category, Product, Sku

    products = reverse("admin:products_product_changelist")
    skus = reverse("admin:products_sku_changelist")
    code = Sku.objects.get(pk=123_457 if Sku.objects.filter(pk=123_457).exists() else 1).product_code
    category = Category.objects.filter(platform="channels", is_leaf=True).order_by("pk").first().pk
    category_filter = (
        "channels_category__id__exact"
        if has_field(Product, "channels_category")
        else "platform_categories__category__id__exact"
    )
    return {
        "list": products,
        "search title": products + "?q=真丝",
        "search SKU code": products + f"?q={code}",
        "sort stock": products + "?o=-6",
        "filtered": products + f"?{category_filter}={category}&state__exact=active",
        "SKU list": skus,
        "SKU search": skus + f"?q={code}",
        "change form": reverse("admin:products_product_change", args=[big_product]),
        "jobs": reverse("admin:channels_sync_syncjob_changelist"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--products", type=int, default=100_000, help="products to load (default %(default)s)")
    parser.add_argument("--repeat", type=int, default=7, help="timed requests per page (default %(default)s)")
    parser.add_argument("--database", default=DEFAULT_DATABASE, help="database name (default %(default)s)")
    parser.add_argument("--reload", action="store_true", help="drop and load the database again")
    parser.add_argument("--label", default="", help="a label recorded with the figures (e.g. before, after)")
    parser.add_argument("--no-save", action="store_true", help="print only; write no file under bench/results/")
    parser.add_argument(
        "--pages",
        default="",
        help="measure only these pages, comma-separated names as printed (e.g. 'change form,list'); default all",
    )
    args = parser.parse_args(argv)

    url = database_url(args.database)
    ensure_database(url, reload=args.reload)
    django_setup_postgres(url)
    from django.contrib.auth import get_user_model
    from django.test import Client, override_settings

    from products.models import Product

    loaded = {}
    if not Product.objects.exists():
        heading(f"Loading {args.products:,} products into {args.database}")
        loaded = load(args.products)
        print(f"loaded in {loaded['load_s']} s")
    else:
        from django.db import connection

        with connection.cursor() as cursor:
            # A migration may just have rewritten every row: vacuum as autovacuum soon would, or index-only scans
            # visit the heap for each row.
            cursor.execute("VACUUM ANALYZE")
    big_product = Product.objects.get(out_product_id="BENCH-BIG-20").pk
    counts = {Product: Product.objects.count()}
    client = Client()
    client.force_login(get_user_model().objects.get(username="bench"))
    heading(f"Admin pages at {counts[Product]:,} products ({args.repeat} requests per page after {WARMUP} warm-up)")
    figures = []
    chosen = pages(big_product)
    if args.pages:
        wanted = [name.strip() for name in args.pages.split(",") if name.strip()]
        unknown = [name for name in wanted if name not in chosen]
        if unknown:
            parser.error(f"unknown page(s) {unknown}; pages: {', '.join(chosen)}")
        chosen = {name: chosen[name] for name in wanted}
    with override_settings(ALLOWED_HOSTS=["testserver"]), without_debug():
        for page, page_url in chosen.items():
            figures.append({"page": page, "url": page_url, **measure_page(client, page_url, args.repeat)})
    print(
        table(
            ["page", "ms median", "ms p95", "queries", "SQL ms", f"queries > {SLOW_QUERY_MS} ms"],
            [
                [f["page"], f["ms_median"], f["ms_p95"], f["queries"], f["sql_ms"]]
                + [", ".join(str(s["ms"]) for s in f["slow"]) or "-"]
                for f in figures
            ],
        )
    )
    for f in figures:
        for slow in f["slow"]:
            print(f"  {f['page']}: {slow['ms']} ms  {slow['sql'][:200]}")
    print(f"load average: {os.getloadavg()}")
    if not args.no_save:
        path = write_results(
            NAME + (f"-{args.label}" if args.label else ""),
            parameters={
                "products": counts[Product],
                "repeat": args.repeat,
                "warmup": WARMUP,
                "pages": list(chosen),
                "database": "PostgreSQL",
                "load_average": os.getloadavg(),
                **loaded,
            },
            figures=figures,
            notes=[],
        )
        print(f"\nwritten: {path.relative_to(path.parents[2])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
