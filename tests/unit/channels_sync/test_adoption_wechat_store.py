"""Adopting a V1.17 store's products (the store has no out_product_id: products match by SKU codes), through the
two jobs run in-process against the emulator over HTTP: the preview proposes a create, the import creates the
product with the category's specs by id, express fees, pictures and stock, and a publish right after sends nothing."""

from collections.abc import Iterator

import pytest
from django.utils import translation

from channels_sync.adoption.services import catalog_import_run, catalog_import_start
from channels_sync.engine import outbox
from channels_sync.models import CatalogImport, Shop, SyncJob
from channels_sync.platforms.tokens import clear_token_providers
from channels_sync.platforms.transport import new_session
from products.models import Product
from sandbox import Sandbox, SandboxServer
from sandbox.core.apps import AppRegistry
from tests.unit.sandbox.client import DEMO_APP, SandboxApi
from tests.unit.sandbox.wechat_store.builders import BLACK, COLOUR, SIZE, SIZE_L, SIZE_M, TSHIRT, WHITE, tshirt_body

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    monkeypatch.setattr(outbox, "_queue_run", lambda job_id, countdown=0: None)


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    sandbox = Sandbox(apps=AppRegistry.default(environ={}), seed=20240611)
    with SandboxServer(sandbox, host="127.0.0.1", port=0, poll_interval=0.05) as running:
        yield running


@pytest.fixture
def api(server) -> Iterator[SandboxApi]:
    http = new_session()
    http.trust_env = False
    yield SandboxApi(server.url, http)
    http.close()


@pytest.fixture
def shop(server) -> Shop:
    clear_token_providers()
    shop = Shop(name="微信小店", platform="wechat_store", app_id=DEMO_APP[0], base_url=server.url)
    shop.set_app_secret(DEMO_APP[1])
    shop.save()
    return shop


def _run_jobs() -> None:
    for job in SyncJob.objects.filter(state=SyncJob.State.PENDING).order_by("pk"):
        assert outbox.sync_job_execute(job_id=job.pk) == SyncJob.State.SUCCEEDED, SyncJob.objects.get(
            pk=job.pk
        ).last_errmsg


def test_a_v117_product_is_created_with_its_spec_ids_and_a_publish_then_sends_nothing(shop, api):
    # Given the store's categories imported, and a listed T恤 (colour × size, four SKUs) in the store
    outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.CATEGORIES_IMPORT)
    _run_jobs()
    images = [api.upload(f"image-{index}.jpg", data=b"\xff\xd8\xff" + bytes([index])) for index in range(3)]
    body = tshirt_body(images)
    for sku in body["sku_list"]:
        # The catalog keeps SKU codes of at most 20 characters (the builder's are 21).
        sku["product_code"] = sku["product_code"].replace("TEE-1000", "T-")
    product_id = api.ok("/merchant/create", body)["product_id"]
    api.ok("/merchant/modproductstatus", {"product_id": product_id, "status": 1})

    # When the preview and the import run
    with translation.override("en"):
        catalog_import = catalog_import_start(shop=shop)
        _run_jobs()
        rows = list(catalog_import.rows.values_list("remote_id", "action", "reason"))
        catalog_import.refresh_from_db()
        catalog_import_run(catalog_import=catalog_import)
        _run_jobs()
    catalog_import.refresh_from_db()
    row = catalog_import.rows.get()

    # Then the product exists as the store holds it, bound with the hash of what a publish would send
    assert rows == [(product_id, "create", "")]
    assert (catalog_import.state, row.result, row.error, row.differences) == (
        CatalogImport.State.DONE,
        "created",
        "",
        [],
    )
    product = Product.objects.get(pk=row.product_id)
    assert (product.out_product_id, product.title, product.categories_by_platform()["wechat_store"].remote_id) == (
        f"wechat_store-{product_id}",
        "纯棉圆领T恤",
        TSHIRT,
    )
    assert sorted(product.express_fees.values_list("express_type", "price")) == [(10000027, 600), (10000028, 1000)]
    assert [
        (s.spec_key, s.product_code, s.price, s.original_price, s.stock) for s in product.skus.order_by("position")
    ] == [
        (f"{COLOUR}:{colour};{SIZE}:{size}", f"T-{colour[4:]}-{size}", 9900, 12900, 10)
        for colour in (WHITE, BLACK)
        for size in (SIZE_M, SIZE_L)
    ]
    assert product.images.count() == 2
    assert list(product.detail_blocks.values_list("kind", "text")) == [("text", "夏季新款 <纯棉>"), ("image", "")]

    # And publishing it sends nothing
    applied_before = api.control("GET", "applied", params={"appid": DEMO_APP[0]})["last_seq"]
    job = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)
    _run_jobs()
    job.refresh_from_db()
    assert job.result == {"remote_id": product_id, "unchanged": True}
    applied = api.control("GET", "applied", params={"appid": DEMO_APP[0], "since": applied_before})["applied"]
    assert applied == []


def test_a_preview_the_store_refuses_shows_the_error_on_the_import_and_keeps_no_rows(shop):
    # Given a store that refuses the shop's secret
    shop.set_app_secret("not-the-secret")
    shop.save()

    # When the preview runs
    catalog_import = catalog_import_start(shop=shop)
    job = SyncJob.objects.get(kind=SyncJob.Kind.CATALOG_PREVIEW)
    state = outbox.sync_job_execute(job_id=job.pk)

    # Then the job stops with the store's answer, which the import's page shows, and no row is kept
    catalog_import.refresh_from_db()
    job.refresh_from_db()
    assert state == SyncJob.State.FAILED
    assert catalog_import.error == "/cgi-bin/stable_token: HTTP 200, errcode 40125, invalid appsecret"
    assert (job.last_errcode, job.last_errmsg) == (40125, "invalid appsecret")
    assert (catalog_import.state, catalog_import.rows.count()) == (CatalogImport.State.READING, 0)
    assert "not-the-secret" not in catalog_import.error
