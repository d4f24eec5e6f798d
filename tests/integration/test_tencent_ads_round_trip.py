"""Tencent Ads sales information end to end: publish, list, price and stock edits, delist and delete from the
admin, through a real Celery worker on Redis, PostgreSQL and the emulator over HTTP; a lost answer; and every
documented rejection shown on the product with the platform's code and message."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.urls import reverse

from channels_sync.demo import _tencent_ads_demo_settings
from channels_sync.engine import fanout
from channels_sync.models import RemoteBinding, Shop, SyncAttempt, SyncJob
from channels_sync.platforms.tencent_ads.tokens import ads_token_cache_key
from products.demo import demo_catalog_create
from products.models import Product
from tests import factories
from tests.integration.conftest import wait_for_jobs

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

ADS_CLIENT_ID = "ads_demo_client"
SALES_PATH = "/v1.1/product_salesinfos/add"


@pytest.fixture
def ads(sandbox_server):
    """The emulator's Tencent Ads platform, read in-process (its clients are not sandbox apps)."""
    return sandbox_server.sandbox.tencent_ads


@pytest.fixture
def ads_shop(worker, sandbox) -> Shop:
    shop = Shop(name="演示腾讯广告销售信息", platform="tencent_ads", app_id=ADS_CLIENT_ID, base_url=sandbox.url)
    shop.set_app_secret("demo-ads-secret")
    shop.save()
    _tencent_ads_demo_settings(shop)
    return shop


@pytest.fixture
def tshirt(ads_shop) -> Product:
    demo_catalog_create()
    return Product.objects.get(out_product_id="DEMO-TSHIRT-001")


def _action(client, action, objects, shop):
    data = {"action": action, "_selected_action": [o.pk for o in objects], "apply": "1", "shops": [shop.pk]}
    assert client.post(reverse("admin:products_product_changelist"), data).status_code == 302


def _binding(product, shop) -> RemoteBinding:
    return RemoteBinding.objects.get(
        shop=shop, content_type=ContentType.objects.get_for_model(Product), object_id=product.pk
    )


def _remote(ads, product):
    """The emulator's sales infos of one product's SKUs, by external SKU id."""
    codes = {sku.out_sku_id or f"{product.pk}-{sku.pk}" for sku in product.skus.all()}
    with ads.ctx.lock:
        infos = ads.state(ADS_CLIENT_ID)["sales_infos"]
    return {info["external_sku_id"]: info for info in infos if info["external_sku_id"] in codes}


def _statuses(ads, product):
    return {sku: (i["sku_status"], i["stock"]["sku_stock_status"]) for sku, i in _remote(ads, product).items()}


def test_tencent_ads_round_trip(admin_client, ads_shop, sandbox, worker, tshirt, ads):
    skus = list(tshirt.skus.order_by("position", "pk"))
    codes = [sku.out_sku_id for sku in skus]

    # Publish: every SKU's sales info, new (within 7 days) and off sale until the product is listed.
    _action(admin_client, "shops_product_publish", [tshirt], ads_shop)
    wait_for_jobs(worker=worker)
    binding = _binding(tshirt, ads_shop)
    assert binding.remote_id == "DEMO-STORE-01:DEMO-TSHIRT-001"
    assert _statuses(ads, tshirt) == dict.fromkeys(codes, ("NEW", "OFF_SALE"))
    remote = _remote(ads, tshirt)[codes[0]]
    assert remote["price"] == {"daily_price": "59.00", "current_price": "59.00", "sku_price": "99.00"}
    assert remote["target_url_props"] == {
        "target_url_miniprogram": f"pages/product/index?id=DEMO-TSHIRT-001&sku={codes[0]}",
        "miniprogram_appid": "wx_demo_miniprogram",
    }
    page = admin_client.get(reverse("admin:products_product_change", args=[tshirt.pk])).content.decode()
    assert "DEMO-STORE-01:DEMO-TSHIRT-001" in page

    # List: on sale wherever there is stock; the follow-up publish finds nothing changed.
    _action(admin_client, "shops_product_list", [tshirt], ads_shop)
    wait_for_jobs(worker=worker)
    assert _binding(tshirt, ads_shop).remote_status == "listed"
    assert {status for _, status in _statuses(ads, tshirt).values()} == {"ON_SALE"}
    calls_after_listing = len(sandbox.applied(SALES_PATH, appid=ADS_CLIENT_ID))

    # A price edit goes out; a stock edit to zero takes that SKU off sale.
    before = {s.pk: s.stock for s in tshirt.skus.all()}
    first = skus[0]
    first.price = 4900
    first.stock = 0
    first.save()
    fanout.catalog_object_saved(target=tshirt, stock_before=before)
    wait_for_jobs(worker=worker)
    remote = _remote(ads, tshirt)[codes[0]]
    assert (remote["price"]["current_price"], remote["stock"]["sku_stock_status"]) == ("49.00", "OFF_SALE")
    assert _remote(ads, tshirt)[codes[1]]["stock"]["sku_stock_status"] == "ON_SALE"

    # Saving without a change sends nothing.
    sent = len(sandbox.applied(SALES_PATH, appid=ADS_CLIENT_ID))
    assert sent == calls_after_listing + 1
    fanout.catalog_object_saved(target=tshirt, stock_before={s.pk: s.stock for s in tshirt.skus.all()})
    wait_for_jobs(worker=worker)
    assert len(sandbox.applied(SALES_PATH, appid=ADS_CLIENT_ID)) == sent

    # Delist, then delete: off sale everywhere, then stopped.
    _action(admin_client, "shops_product_delist", [tshirt], ads_shop)
    wait_for_jobs(worker=worker)
    assert {status for _, status in _statuses(ads, tshirt).values()} == {"OFF_SALE"}
    _action(admin_client, "shops_product_delete", [tshirt], ads_shop)
    wait_for_jobs(worker=worker)
    assert _binding(tshirt, ads_shop).is_deleted is True
    assert set(_statuses(ads, tshirt).values()) == {("STOP", "OFF_SALE")}

    assert not SyncJob.objects.filter(state=SyncJob.State.FAILED).exists()
    attempt_text = str(list(SyncAttempt.objects.values_list("request", "response")))
    assert "demo-ads-secret" not in attempt_text
    assert "demo-ads-refresh-token" not in attempt_text


def test_bulk_publish_of_the_demo_catalog(admin_client, ads_shop, worker, ads):
    demo_catalog_create()
    products = list(Product.objects.all())

    _action(admin_client, "shops_product_publish", products, ads_shop)
    wait_for_jobs(worker=worker)

    assert SyncJob.objects.filter(kind=SyncJob.Kind.PRODUCT_PUBLISH, state=SyncJob.State.SUCCEEDED).count() >= len(
        products
    )
    for product in products:
        assert len(_remote(ads, product)) == product.skus.count()
        assert _binding(product, ads_shop).remote_id == f"DEMO-STORE-01:{product.out_product_id}"


def test_a_lost_answer_is_sent_again_and_applied_once_per_sku(admin_client, ads_shop, sandbox, worker, tshirt, ads):
    sandbox.faults(drop_response_next=1, paths=[SALES_PATH])

    _action(admin_client, "shops_product_publish", [tshirt], ads_shop)
    wait_for_jobs(worker=worker)

    job = SyncJob.objects.get(kind=SyncJob.Kind.PRODUCT_PUBLISH, target_id=tshirt.pk)
    assert job.state == SyncJob.State.SUCCEEDED
    applied = sandbox.applied(SALES_PATH, appid=ADS_CLIENT_ID)
    assert [entry["response_dropped"] for entry in applied] == [True, False]
    assert {info["writes"] for info in _remote(ads, tshirt).values()} == {2}
    assert len(_remote(ads, tshirt)) == tshirt.skus.count()


def test_rejections_reach_the_admin_with_the_platform_code_and_message(admin_client, ads_shop, sandbox, worker, tshirt):
    cases = [
        ({"account_id": 42}, None, None, 31002, "account_id 42 is not authorised for this client"),
        ({"data_warehouse_id": 999}, None, None, 31003, "data_warehouse_id 999 does not exist for account 10001234"),
        ({}, None, {"errcode": 11014, "errmsg": "API is out of scope"}, 11014, "API is out of scope"),
        ({}, "stale-refresh-token", None, 11013, "refresh_token is invalid"),
    ]
    for changes, refresh_token, fault, code, message in cases:
        factories.platform_settings_set(
            ads_shop,
            account_id=changes.get("account_id", 10001234),
            data_warehouse_id=changes.get("data_warehouse_id", 101),
            **({"refresh_token": refresh_token} if refresh_token else {}),
        )
        if refresh_token:
            cache.delete(ads_token_cache_key(sandbox.url, ADS_CLIENT_ID, refresh_token))
        if fault:
            sandbox.faults(errcode_next=1, paths=[SALES_PATH], **fault)
        SyncJob.objects.filter(state=SyncJob.State.FAILED).delete()

        _action(admin_client, "shops_product_publish", [tshirt], ads_shop)
        wait_for_jobs(worker=worker)

        job = SyncJob.objects.get(kind=SyncJob.Kind.PRODUCT_PUBLISH, state=SyncJob.State.FAILED)
        assert (job.last_errcode, job.last_errmsg) == (code, message)
        page = admin_client.get(reverse("admin:products_product_change", args=[tshirt.pk])).content.decode()
        assert f"{code}: {message}" in page
        sandbox.clear_faults()
