"""The merchant's orders walk (issue 13), in Chromium against the real stack: a buyer's order placed in the Channels
emulator shop ("模拟下单" on the shop list) arrives by its event; the merchant sees it in Chinese, ships it in two
parcels from the order page, and sees the other shop's stock follow; then adopts the Channels shop's existing
products: preview, choose, import, and the products appear. A screenshot per step under ``var/e2e/``."""

import pytest
from django.contrib.contenttypes.models import ContentType

from channels_sync.demo import demo_event_urls_configure
from channels_sync.engine.outbox import sync_job_enqueue
from channels_sync.models import CatalogImport, Order, RemoteBinding, RemoteSkuStock, Shop, SyncJob
from products.demo import demo_catalog_create
from products.models import Product
from tests.e2e.conftest import wait_until
from tests.integration.conftest import DEMO_APP_ID, DEMO_APP_SECRET, PUSH_TOKEN, wait_for_jobs
from tests.integration.test_channels_round_trip import CHANNELS_APP_ID

pytestmark = [pytest.mark.e2e, pytest.mark.integration, pytest.mark.timeout(600)]


def _listed(product, shop) -> bool:
    return RemoteBinding.objects.filter(
        shop=shop,
        content_type=ContentType.objects.get_for_model(Product),
        object_id=product.pk,
        remote_status="listed",
    ).exists()


@pytest.fixture
def shops(worker, sandbox, live_server):
    """A V1.17 shop and a Channels shop on the emulator, the demo T-shirt and nuts published and listed in the
    Channels shop, the T-shirt in the V1.17 shop too (by jobs: the publish walk does that in the browser)."""
    legacy = Shop(
        name="演示微信小店", platform="wechat_store", app_id=DEMO_APP_ID, base_url=sandbox.url, push_token=PUSH_TOKEN
    )
    legacy.set_app_secret(DEMO_APP_SECRET)
    legacy.save()
    channels = Shop(
        name="演示视频号小店", platform="channels", app_id=CHANNELS_APP_ID, base_url=sandbox.url, push_token=PUSH_TOKEN
    )
    channels.set_app_secret("demo-channels-secret")
    channels.save()
    audits = {"delay_seconds": 1, "outcome": "pass", "next": [], "products": {}}
    sandbox._call("POST", "config", json={"channels_audit": audits})
    demo_event_urls_configure(sandbox_url=sandbox.url, admin_url=live_server.url)
    demo_catalog_create()
    tshirt = Product.objects.get(out_product_id="DEMO-TSHIRT-001")
    nuts = Product.objects.get(out_product_id="DEMO-NUTS-001")
    targets = [(channels, tshirt), (channels, nuts), (legacy, tshirt)]
    for kind in (SyncJob.Kind.PRODUCT_PUBLISH, SyncJob.Kind.PRODUCT_LIST):
        for shop, product in targets:
            sync_job_enqueue(shop=shop, kind=kind, target=product)
        wait_for_jobs(worker=worker, timeout=120)
        if kind == SyncJob.Kind.PRODUCT_PUBLISH:
            wait_until(
                lambda: RemoteBinding.objects.filter(shop=channels, remote_edit_status="approved").count() == 2,
                what="the Channels audits",
            )
            wait_for_jobs(worker=worker)
    wait_until(lambda: all(_listed(product, shop) for shop, product in targets), what="listed everywhere")
    wait_for_jobs(worker=worker)
    assert list(SyncJob.objects.filter(state=SyncJob.State.FAILED).values_list("kind", "last_errmsg")) == []
    return legacy, channels, tshirt, nuts


def test_an_order_arrives_ships_in_two_parcels_and_a_shops_products_are_adopted(
    browser, merchant, shops, sandbox, worker
):
    legacy, channels, tshirt, nuts = shops
    stock_before = dict(tshirt.skus.values_list("pk", "stock"))

    browser.open("/admin/login/")
    browser.type("#id_username", "merchant")
    browser.type("#id_password", "shopadmin-e2e")
    browser.click("input[type=submit]")
    browser.wait_for_text("站点管理")

    # 模拟下单 on the Channels shop: the emulator's buyer pays for two pieces of the T-shirt.
    browser.open("/admin/channels_sync/shop/")
    browser.find(f"input.action-select[value='{channels.pk}']")
    browser.run_action("shops_simulate_order", [channels.pk])
    browser.wait_for_text("买家已下单", ".messagelist")
    browser.shot("simulated-order")
    wait_until(lambda: Order.objects.filter(shop=channels).exists(), what="the order's event")
    wait_for_jobs(worker=worker)
    order = Order.objects.get(shop=channels)
    assert order.items.get().count == 2
    # The line is matched to its local SKU: the catalog's first listed product, the T-shirt.
    sku = order.items.get().sku
    assert sku is not None
    assert sku.product_id == tshirt.pk

    # The order list, in Chinese: awaiting shipment.
    browser.open("/admin/channels_sync/order/")
    browser.wait_for_text(order.remote_order_id)
    browser.wait_for_text("待发货", "#result_list")
    browser.shot("order-list")

    # The first parcel: one piece, SF.
    browser.open(f"/admin/channels_sync/order/{order.pk}/change/")
    browser.wait_for_text("共 2 件，已发 0 件，剩 2 件")
    browser.shot("order-page")
    browser.click(".field-shipping_summary a.button")
    browser.wait_for_text("本包裹的商品件数")
    line = order.items.get()
    browser.type(f"#id_line_{line.pk}", "1")
    browser.driver.find_element("css selector", "#id_company option[value=SF]").click()
    browser.type("#id_track_no", "SF3000001")
    browser.shot("first-parcel")
    browser.click("#ship-parcel input[type=submit]")
    browser.wait_for_text("包裹已排队发货", ".messagelist")
    wait_for_jobs(worker=worker)
    browser.open(f"/admin/channels_sync/order/{order.pk}/change/")
    browser.wait_for_text("共 2 件，已发 1 件，剩 1 件")
    browser.wait_for_text("部分发货")
    browser.shot("partly-shipped")

    # Two more pieces than are left: an error on the line, in Chinese; then the last piece, YTO.
    browser.click(".field-shipping_summary a.button")
    browser.type(f"#id_line_{line.pk}", "2")
    browser.driver.find_element("css selector", "#id_company option[value=YTO]").click()
    browser.type("#id_track_no", "YT3000002")
    browser.click("#ship-parcel input[type=submit]")
    browser.wait_for_text("这一行只剩 1 件未发货。", ".errorlist")
    browser.shot("over-shipping-refused")
    browser.type(f"#id_line_{line.pk}", "1")
    browser.click("#ship-parcel input[type=submit]")
    browser.wait_for_text("包裹已排队发货", ".messagelist")
    wait_for_jobs(worker=worker)
    browser.open(f"/admin/channels_sync/order/{order.pk}/change/")
    browser.wait_for_text("共 2 件，已发 2 件，剩 0 件")
    browser.shot("shipped")
    emulated = next(
        o for o in sandbox.state(CHANNELS_APP_ID)["channels"]["orders"] if o["order_id"] == order.remote_order_id
    )
    assert emulated["status"] == 30

    # The other shop's stock followed: two pieces off, sent to the V1.17 shop as one delta.
    sku.refresh_from_db()
    assert sku.stock == stock_before[sku.pk] - 2
    assert [a["fields"]["quantity"] for a in sandbox.applied("/merchant/stock/reduce")] == [2]
    browser.open(f"/admin/channels_sync/remoteskustock/?shop__id__exact={legacy.pk}")
    browser.wait_for_text(str(sku.stock), "#result_list")
    browser.shot("other-shop-stock")

    # Adopting the Channels shop's products: the admin lost the nuts and every Channels binding.
    RemoteBinding.objects.filter(shop=channels, content_type=ContentType.objects.get_for_model(Product)).delete()
    RemoteSkuStock.objects.filter(shop=channels).delete()
    nuts.delete()
    browser.open("/admin/channels_sync/shop/")
    browser.run_action("shops_import_products", [channels.pk])
    browser.wait_for_text("#", ".breadcrumbs")
    wait_until(
        lambda: CatalogImport.objects.get(shop=channels).state == CatalogImport.State.PREVIEWED,
        what="the preview",
    )
    catalog_import = CatalogImport.objects.get(shop=channels)
    browser.open(f"/admin/channels_sync/catalogimport/{catalog_import.pk}/preview/")
    browser.wait_for_text("每日坚果", "#catalog-import-rows")
    assert browser.find("input[type=submit].default").get_attribute("value") == "按所选导入"
    browser.shot("adoption-preview")
    browser.click("input[type=submit].default")
    wait_for_jobs(worker=worker, timeout=120)
    wait_until(
        lambda: CatalogImport.objects.get(pk=catalog_import.pk).state == CatalogImport.State.DONE, what="the import"
    )
    browser.open(f"/admin/channels_sync/catalogimport/{catalog_import.pk}/preview/")
    browser.shot("adoption-done")
    browser.open("/admin/products/product/")
    browser.wait_for_text("每日坚果", "#result_list")
    browser.shot("products-adopted")
    assert Product.objects.filter(out_product_id="DEMO-NUTS-001").exists()
    assert RemoteBinding.objects.filter(shop=channels, object_id=tshirt.pk).exists()
