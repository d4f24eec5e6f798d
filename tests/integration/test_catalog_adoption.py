"""Adopting the catalogs of two shops that already sell (issue 13): a Channels store and a mini-shop hold 25 products
each; the admin holds only some of them. A preview proposes per product a create, a bind or a conflict; the
conflicts are resolved; the import creates the missing products (pictures fetched into the media library) and binds
the rest; running it again changes nothing; and publishing every adopted product then sends nothing — through a real
Celery worker on Redis, PostgreSQL and the emulator over HTTP."""

import time

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from channels_sync.adoption.services import catalog_import_choose, catalog_import_run, catalog_import_start
from channels_sync.demo import demo_event_urls_configure
from channels_sync.engine import fanout, outbox
from channels_sync.models import CatalogImport, CatalogImportRow, RemoteBinding, RemoteSkuStock, Shop, SyncJob
from products.models import ImageAsset, Product, ProductDetailBlock, ProductImage, ProductProperty, ProductSpec, Sku
from tests.integration.conftest import wait_for_jobs

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

COPIES = 24  # with the demo's nuts, 25 products in each shop
KEPT = 12  # products the admin still holds; the others are created by the import
WRITES = {
    "channels": (
        "/channels/ec/product/add",
        "/channels/ec/product/update",
        "/channels/ec/product/listing",
        "/channels/ec/product/stock/update",
        "/channels/ec/product/auditfree",
    ),
    "minishop": ("/product/spu/add", "/product/spu/update", "/product/spu/listing", "/product/stock/update"),
}


def _copy(product: Product, number: int) -> Product:
    """Another product like ``product``: its own codes, the same pictures, specs and properties."""
    specs = list(product.specs.all())
    properties = list(product.properties.all())
    images = list(product.images.all())
    blocks = list(product.detail_blocks.all())
    skus = list(product.skus.all())
    values = {spec.pk: list(spec.values.all()) for spec in specs}
    copy = Product.objects.get(pk=product.pk)
    copy.pk = None
    copy.out_product_id = f"ADOPT-{number:03d}"
    copy.spu_code = f"SPU-{number:03d}"
    copy.title = f"{product.title[:50]} {number:03d}"
    copy.save()
    for spec in specs:
        original = spec.pk
        spec.pk, spec.product = None, copy
        spec.save()
        spec.values.set(values[original])
    for row in [*product.platform_categories.all(), *properties, *images, *blocks]:
        row.pk, row.product = None, copy
        row.save()
    for sku in skus:
        sku.pk, sku.product = None, copy
        sku.product_code = sku.out_sku_id = f"{copy.out_product_id}-{sku.position}"
        sku.barcode = None
        sku.save()
    return copy


def _wait_until(predicate, worker, *, timeout: float) -> None:
    """Wait for the shops' audits, reading products under audit as beat's poll does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        fanout.products_under_audit_refresh_enqueue()
        wait_for_jobs(worker=worker)
        time.sleep(0.3)
    states = RemoteBinding.objects.values_list("shop__platform", "remote_status", "remote_edit_status", "last_errmsg")
    failed = SyncJob.objects.filter(state=SyncJob.State.FAILED).values_list("kind", "last_errmsg")[:5]
    raise AssertionError(sorted(set(states)), list(failed))


def _write_calls(sandbox, shops) -> int:
    return sum(
        len(sandbox.applied(endpoint, appid=shop.app_id)) for shop in shops for endpoint in WRITES[shop.platform]
    )


def _preview(shop, worker) -> CatalogImport:
    catalog_import = catalog_import_start(shop=shop)
    wait_for_jobs(worker=worker)
    catalog_import.refresh_from_db()
    assert (catalog_import.state, catalog_import.error) == (CatalogImport.State.PREVIEWED, "")
    return catalog_import


def _run(catalog_import, worker) -> dict[str, int]:
    catalog_import_run(catalog_import=catalog_import)
    wait_for_jobs(worker=worker)
    catalog_import.refresh_from_db()
    assert catalog_import.state == CatalogImport.State.DONE
    rows = catalog_import.rows.all()
    assert [(row.remote_id, row.error) for row in rows if row.error] == []
    counts = {result: rows.filter(result=result).count() for result in CatalogImportRow.Result.values if result}
    return {result: count for result, count in counts.items() if count}


def test_two_shops_are_adopted_with_conflicts_resolved_and_a_publish_then_sends_nothing(
    sandbox, worker, live_server, settings
):
    # Given two shops selling 25 products each, published from a catalog the admin then lost most of.
    audits = {"delay_seconds": 1, "outcome": "pass", "next": [], "products": {}}
    sandbox._call("POST", "config", json={"channels_audit": audits, "minishop_audit": audits})
    settings.DEBUG = True
    call_command("seed_demo", sandbox_url=sandbox.url, admin_url=live_server.url + "/admin/")
    settings.DEBUG = False
    demo_event_urls_configure(sandbox_url=sandbox.url, admin_url=live_server.url)
    wait_for_jobs(worker=worker)
    shops = list(Shop.objects.filter(platform__in=("channels", "minishop")).order_by("platform"))
    channels, minishop = shops
    nuts = Product.objects.get(out_product_id="DEMO-NUTS-001")
    Product.objects.exclude(pk=nuts.pk).delete()
    products = [nuts, *(_copy(nuts, number) for number in range(1, COPIES + 1))]
    for shop in shops:
        for product in products:
            outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)
    wait_for_jobs(worker=worker, timeout=240)
    _wait_until(
        lambda: RemoteBinding.objects.filter(shop=channels, remote_edit_status="approved").count() == len(products),
        worker,
        timeout=120,
    )
    for shop in shops:
        for product in products:
            outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_LIST, target=product)
    wait_for_jobs(worker=worker, timeout=240)
    _wait_until(
        lambda: RemoteBinding.objects.filter(shop__in=shops, remote_status="listed").count() == 2 * len(products),
        worker,
        timeout=120,
    )
    assert list(SyncJob.objects.filter(state=SyncJob.State.FAILED).values_list("kind", "last_errmsg")) == []
    kept, lost = products[:KEPT], products[KEPT:]
    RemoteBinding.objects.filter(content_type=ContentType.objects.get_for_model(Product)).delete()
    RemoteSkuStock.objects.all().delete()
    Product.objects.filter(pk__in=[p.pk for p in lost]).delete()
    # A conflict of two candidates: a product of the admin's own has the SPU code of a kept one.
    decoy = _copy(nuts, 900)
    Product.objects.filter(pk=decoy.pk).update(spu_code=kept[1].spu_code)
    # A conflict of differing SKU sets: a kept product lost one of its SKUs in the admin.
    trimmed = kept[2]
    trimmed.skus.order_by("-position").first().delete()
    assets_before = ImageAsset.objects.count()
    writes_before = _write_calls(sandbox, shops)

    # The Channels store's preview: the kept products bind, the lost ones are created, two conflicts.
    preview = _preview(channels, worker)
    by_code = {row.remote["out_product_id"]: row for row in preview.rows.all()}
    assert len(by_code) == len(products)
    assert sorted((row.action, row.reason) for row in by_code.values()) == sorted(
        [("bind", "")] * (KEPT - 2)
        + [("create", "")] * len(lost)
        + [("conflict", "several_candidates"), ("conflict", "sku_sets_differ")]
    )
    several = by_code[kept[1].out_product_id]
    assert sorted(c["id"] for c in several.candidates) == sorted([kept[1].pk, decoy.pk])
    differing = by_code[trimmed.out_product_id]
    assert (differing.matched_product_id, differing.candidates[0]["remote_only"]) == (trimmed.pk, ["规格:60包装"])
    # Resolved: bind the first to the right product, skip the product whose SKUs differ.
    catalog_import_choose(
        catalog_import=preview,
        choices={several.pk: ("bind", kept[1].pk), differing.pk: ("skip", None)},
    )
    assert _run(preview, worker) == {"created": len(lost), "bound": KEPT - 1, "skipped": 1}

    # The mini-shop's: everything now exists locally (the created ones bind by out_product_id and SKU codes).
    second = _preview(minishop, worker)
    assert sorted(second.rows.values_list("action", "reason")) == sorted(
        [("bind", "")] * (len(products) - 2) + [("conflict", "several_candidates"), ("conflict", "sku_sets_differ")]
    )
    second_rows = {row.remote["out_product_id"]: row for row in second.rows.all()}
    catalog_import_choose(
        catalog_import=second,
        choices={
            second_rows[kept[1].out_product_id].pk: ("bind", kept[1].pk),
            second_rows[trimmed.out_product_id].pk: ("skip", None),
        },
    )
    assert _run(second, worker) == {"bound": len(products) - 1, "skipped": 1}

    # What was created holds what the shop holds, the pictures fetched into the media library.
    created = Product.objects.get(out_product_id=lost[0].out_product_id)
    assert created.title == lost[0].title
    assert sorted(created.skus.values_list("product_code", "price", "original_price", "stock")) == [
        (f"{lost[0].out_product_id}-0", 8900, 12900, 200),
        (f"{lost[0].out_product_id}-1", 16900, 25800, 200),
    ]
    assert list(ProductSpec.objects.filter(product=created).values_list("custom_name", "custom_values")) == [
        ("规格", "30包装, 60包装")
    ]
    assert ProductImage.objects.filter(product=created).count() == 4
    assert ProductDetailBlock.objects.filter(product=created).count() == 2
    assert ProductProperty.objects.filter(product=created).count() == 4
    assert (created.freight_template_id, created.categories_by_platform()["channels"]) == (
        nuts.freight_template_id,
        nuts.categories_by_platform()["channels"],
    )
    assert ImageAsset.objects.count() > assets_before
    bound = RemoteBinding.objects.filter(content_type=ContentType.objects.get_for_model(Product))
    assert bound.filter(shop=channels).count() == bound.filter(shop=minishop).count() == len(products) - 1
    rows_with_differences = CatalogImportRow.objects.exclude(differences=[]).exclude(result="skipped")
    assert [(row.remote_id, row.differences) for row in rows_with_differences] == []

    # Running an import again changes nothing.
    counts = (Product.objects.count(), Sku.objects.count(), bound.count(), ImageAsset.objects.count())
    again = _preview(channels, worker)
    assert sorted(set(again.rows.values_list("action", flat=True))) == ["bind", "conflict"]
    assert _run(again, worker) == {"unchanged": len(products) - 1, "skipped": 1}
    assert (Product.objects.count(), Sku.objects.count(), bound.count(), ImageAsset.objects.count()) == counts

    # And publishing every adopted product sends nothing to either shop.
    adopted = list(Product.objects.filter(pk__in=bound.values("object_id")).exclude(pk=trimmed.pk))
    for shop in shops:
        for product in adopted:
            outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)
    wait_for_jobs(worker=worker, timeout=240)
    published = SyncJob.objects.filter(kind=SyncJob.Kind.PRODUCT_PUBLISH, created_at__gte=second.created_at)
    assert sorted(set(published.values_list("state", "result__unchanged"))) == [(SyncJob.State.SUCCEEDED, True)]
    assert published.count() == 2 * len(adopted)
    assert _write_calls(sandbox, shops) == writes_before
