"""Building each platform's product payload, and hashing it, for products of 1, 50 and 500 SKUs.

Pure: the snapshots are built directly from the selector dataclasses (no database, no HTTP), so the figures
are the cost of the adapter's ``product_payload`` (the body and its checks) and ``payload_hash`` alone, for
every platform: WeChat Store V1.17, the Channels store, the mini-shop, Tencent Ads sales info and the open
platform's publishProduct. Django is configured only because the payload modules import the catalog's constants.

    python bench/payloads.py [--skus 1,50,500] [--platforms wechat_store,channels,…] [--repeat 7]
                             [--min-time 0.2] [--no-save]
"""

from __future__ import annotations

import argparse
import gc
import json
import time
from collections.abc import Callable
from urllib.parse import urlencode

from _common import django_setup, heading, median, table, write_results

NAME = "payloads"
DEFAULT_SKU_COUNTS = (1, 50, 500)
PLATFORMS = ("wechat_store", "channels", "minishop", "tencent_ads", "open_platform")
# The per-shop settings a Tencent Ads and an open-platform shop hold (as ShopConfig.options carries them).
PLATFORM_OPTIONS = {
    "tencent_ads": {
        "account_id": 10001234,
        "data_warehouse_id": 101,
        "external_store_id": "BENCH-STORE",
        "store_type": "SHOP",
        "sale_channel_name": "WECHAT_MINIPROGRAM",
        "miniprogram_appid": "wx_bench_miniprogram",
        "landing_page_template": "pages/item/index?id={out_product_id}&sku={sku_code}",
        "new_sku_days": 0,
    },
    "open_platform": {
        "category_id": 1001,
        "brand_name": "基准品牌",
        "sales_way": "DIRECT_SELLING",
        "settlement_way": "PROPORTIONAL",
        "delivery_way": "FACTORY_DELIVERY",
        "delivery_timeliness": 2,
        "time_period_type": "DAY",
        "sales_channels": [
            {
                "salesChannel": "DEFAULT",
                "displayTimeStart": "2025-01-01 00:00:00",
                "displayTimeEnd": "2035-12-31 23:59:59",
                "sevenDaysForReturn": 1,
                "salesRegionList": ["全国"],
            }
        ],
        "sale_unit": "件",
        "agreement_price_percent": "90.00",
        "reference_price_percent": "100.00",
        "min_delivery_quantity": 1,
        "is_joint_operation": False,
    },
}
TEMPLATE_REMOTE_ID = 103312920
IMAGE_BASE_URL = "http://mmbiz.qpic.cn/mmbiz/bench"
IMAGE_BASE_URLS = {"channels": "https://mmecimage.cn/p/bench"}


def spec_shape(sku_count: int) -> tuple[int, int] | None:
    """Colours × sizes giving exactly ``sku_count`` SKUs as a full matrix (None: one uniform SKU)."""
    if sku_count == 1:
        return None
    for colours in range(int(sku_count**0.5), 0, -1):
        if sku_count % colours == 0:
            return colours, sku_count // colours
    raise AssertionError("unreachable")


def snapshot(sku_count: int):
    """A realistic product: 5 head images, 4 detail blocks, 3 properties and a full colour × size matrix.

    Colours are custom values (``$色1``…) and sizes custom too, so any matrix size fits; a third of the SKUs
    have their own image, as merchants do for colours.
    """
    from products.selectors import CategorySnapshot, DetailBlockSnapshot, ProductSnapshot, PropertySnapshot
    from products.selectors import SkuSnapshot as Sku
    from products.sku_matrix import SpecDefinition, SpecValue

    shape = spec_shape(sku_count)
    definitions: tuple[SpecDefinition, ...] = ()
    combinations: list[list[dict[str, str]]] = [[]]
    if shape is not None:
        colours, sizes = shape
        colour = SpecDefinition(
            key="10000983", name="颜色", values=tuple(SpecValue(f"$色{i}", f"色{i}") for i in range(colours))
        )
        size = SpecDefinition(
            key="10001007", name="尺码", values=tuple(SpecValue(f"$码{i}", f"码{i}") for i in range(sizes))
        )
        definitions = (colour, size)
        combinations = [
            [
                {"id": colour.key, "vid": c.vid, "name": colour.name, "value": c.name},
                {"id": size.key, "vid": s.vid, "name": size.name, "value": s.name},
            ]
            for c in colour.values
            for s in size.values
        ]
    skus = tuple(
        Sku(
            id=1000 + index,
            specs=tuple(tuple(sorted(spec.items())) for spec in specs),
            spec_key=";".join(f"{spec['id']}:{spec['vid']}" for spec in specs),
            price=9900 + index,
            original_price=12900 + index,
            stock=10 + index % 90,
            image_asset_id=100 + index if index % 3 == 0 else None,
            product_code=f"TEE-{index:05d}",
            barcode="",
            out_sku_id="",
        )
        for index, specs in enumerate(combinations)
    )
    return ProductSnapshot(
        id=1,
        out_product_id="BENCH-TEE-001",
        title="纯棉圆领T恤 夏季新款 宽松百搭",
        short_title="纯棉T恤",
        spu_code="TEE",
        wechat_store_category=CategorySnapshot(
            remote_id="537020101", name="T恤", path_remote_ids=("537000002", "537000201", "537020101"), level=3
        ),
        channels_category=CategorySnapshot(
            remote_id="6091", name="T恤", path_remote_ids=("6033", "6057", "6091"), level=3
        ),
        brand_remote_id="",
        properties=(
            PropertySnapshot("10002001", "品牌", "50867", "UNIQLO/优衣库", "wechat_store"),
            PropertySnapshot("10002002", "材质", "10002011", "纯棉", "wechat_store"),
            PropertySnapshot("10002003", "领型", "10002021", "圆领", "wechat_store"),
        ),
        spec_definitions=definitions,
        skus=skus,
        image_asset_ids=(1, 2, 3, 4, 5),
        detail_blocks=(
            DetailBlockSnapshot("text", "100% 新疆长绒棉，亲肤透气。" * 4, None),
            DetailBlockSnapshot("image", "", 6),
            DetailBlockSnapshot("text", "尺码表：S/M/L/XL，详见下图。", None),
            DetailBlockSnapshot("image", "", 7),
        ),
        buy_limit=5,
        aftersale_desc="",
        is_post_free=False,
        has_receipt=True,
        is_under_guaranty=False,
        is_support_replace=True,
        seven_day_return=1,
        pay_after_use=False,
        freight_insurance=False,
        fake_one_pay_three=False,
        damage_guarantee=False,
        location_country="中国",
        location_province="广东省",
        location_city="广州市",
        location_address="海珠区T.I.T创意园",
        deliver_method=0,
        delivery_type=1,
        freight_template_id=7,
        express_fees=(),
        weight_g=None,
        minishop_category=CategorySnapshot(
            remote_id="6091", name="T恤", path_remote_ids=("6033", "6057", "6091"), level=3
        ),
        brand_name="",
    )


def platform_adapter(platform: str):
    """The platform's adapter for a shop that is never called (payloads make no HTTP call)."""
    from django.core.cache.backends.locmem import LocMemCache

    from channels_sync.platforms.adapter import ShopConfig
    from channels_sync.platforms.registry import get_adapter

    shop = ShopConfig(
        platform=platform,
        app_id="bench-app",
        app_secret="bench-secret",
        base_url="http://127.0.0.1:9",
        shop_id=1,
        options=PLATFORM_OPTIONS.get(platform, {}),
    )
    return get_adapter(shop, cache=LocMemCache("bench", {}))


def skus_in_body(platform: str, body: dict) -> int:
    """How many SKUs a product body carries, in the platform's own field."""
    if platform == "wechat_store":
        return len(body["sku_list"])
    if platform == "tencent_ads":
        return len(body["sku_sales_infos"])
    if platform == "open_platform":
        return len(json.loads(body["skuList"]))
    return len(body["skus"])


def wire_bytes(platform: str, body: dict) -> bytes:
    """The body as it goes out: a form for the open platform, compact UTF-8 JSON elsewhere."""
    if platform == "open_platform":
        return urlencode(body).encode()
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def image_urls(product, platform: str = "wechat_store") -> dict[int, str]:
    """Each image as the platform's upload answers it (Channels product images must be mmecimage.cn/p/ links)."""
    base = IMAGE_BASE_URLS.get(platform, IMAGE_BASE_URL)
    return {asset_id: f"{base}{asset_id}/0" for asset_id in product.all_image_asset_ids()}


def measure(fn: Callable[[], object], *, repeat: int, min_time: float) -> dict[str, float]:
    """Per-call nanoseconds, min and median over ``repeat`` runs of a loop calibrated to last ``min_time``.

    As ``timeit`` does, the garbage collector is off while a loop runs, so one run does not pay for the
    collections another caused.
    """
    target_ns = min_time * 1e9
    loops = _calibrate(fn, target_ns)
    runs = [_loop(fn, loops) / loops for _ in range(repeat)]
    return {"loops": loops, "min_ns": min(runs), "median_ns": median(runs)}


def _calibrate(fn: Callable[[], object], target_ns: float) -> int:
    """The first of 1, 2, 5, 10, 20, 50… calls whose loop lasts ``target_ns`` (``timeit.Timer.autorange``)."""
    base = 1
    while True:
        for factor in (1, 2, 5):
            loops = base * factor
            if _loop(fn, loops) >= target_ns:
                return loops
        base *= 10


def _loop(fn: Callable[[], object], loops: int) -> int:
    enabled = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter_ns()
        for _ in range(loops):
            fn()
        return time.perf_counter_ns() - start
    finally:
        if enabled:
            gc.enable()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--skus",
        default=",".join(map(str, DEFAULT_SKU_COUNTS)),
        help="SKU counts to measure, comma separated (default %(default)s)",
    )
    parser.add_argument(
        "--platforms",
        default=",".join(PLATFORMS),
        help="platforms to measure, comma separated (default %(default)s)",
    )
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per figure (default %(default)s)")
    parser.add_argument(
        "--min-time", type=float, default=0.2, help="seconds each timed run lasts at least (default %(default)s)"
    )
    parser.add_argument("--no-save", action="store_true", help="print only; write no file under bench/results/")
    args = parser.parse_args(argv)
    sku_counts = [int(part) for part in args.skus.split(",") if part.strip()]

    platforms = [part.strip() for part in args.platforms.split(",") if part.strip()]
    unknown = sorted(set(platforms) - set(PLATFORMS))
    if unknown:
        parser.error(f"unknown platforms: {', '.join(unknown)} (known: {', '.join(PLATFORMS)})")

    django_setup(database=False)
    from channels_sync.models import payload_hash

    heading(f"Product payloads: build and hash ({args.repeat} runs of ≥ {args.min_time} s each)")
    figures = []
    for platform in platforms:
        adapter = platform_adapter(platform)
        for sku_count in sku_counts:
            product = snapshot(sku_count)
            urls = image_urls(product, platform)

            def build(adapter=adapter, product=product, urls=urls):
                return adapter.product_payload(
                    snapshot=product,
                    image_urls=urls,
                    freight_template_remote_id=str(TEMPLATE_REMOTE_ID),
                    binding=None,
                    remote=None,
                    product_options={},
                )

            payload = build()
            sent_skus = skus_in_body(platform, payload.body)
            assert sent_skus == sku_count, (platform, sent_skus, sku_count)
            built = measure(build, repeat=args.repeat, min_time=args.min_time)
            hashed = measure(
                lambda basis=payload.hash_basis: payload_hash(basis), repeat=args.repeat, min_time=args.min_time
            )
            figures.append(
                {
                    "platform": platform,
                    "skus": sku_count,
                    "wire_bytes": len(wire_bytes(platform, payload.body)),
                    "build_us_min": built["min_ns"] / 1000,
                    "build_us_median": built["median_ns"] / 1000,
                    "build_loops": built["loops"],
                    "hash_us_min": hashed["min_ns"] / 1000,
                    "hash_us_median": hashed["median_ns"] / 1000,
                    "hash_loops": hashed["loops"],
                    "build_and_hash_us_median": (built["median_ns"] + hashed["median_ns"]) / 1000,
                    "us_per_sku_median": (built["median_ns"] + hashed["median_ns"]) / 1000 / sku_count,
                }
            )
    print(
        table(
            [
                "platform",
                "SKUs",
                "wire bytes",
                "build µs min",
                "build µs median",
                "hash µs min",
                "hash µs median",
                "build+hash µs",
                "µs per SKU",
            ],
            [
                [
                    f["platform"],
                    f["skus"],
                    f["wire_bytes"],
                    f["build_us_min"],
                    f["build_us_median"],
                    f["hash_us_min"],
                    f["hash_us_median"],
                    f["build_and_hash_us_median"],
                    f["us_per_sku_median"],
                ]
                for f in figures
            ],
        )
    )
    print(
        "\nbuild: the platform adapter's product_payload(snapshot=…, image_urls=…, …): the body and its checks"
        "\nhash:  channels_sync.models.payload_hash(hash_basis) (canonical JSON, sorted keys, SHA-256)"
        "\nwire bytes: the body as sent (JSON: UTF-8, ensure_ascii=False, compact; the open platform: the form)"
    )
    if not args.no_save:
        path = write_results(
            NAME,
            parameters={
                "sku_counts": sku_counts,
                "platforms": platforms,
                "repeat": args.repeat,
                "min_time_s": args.min_time,
            },
            figures=figures,
        )
        print(f"\nwritten: {path.relative_to(path.parents[2])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
