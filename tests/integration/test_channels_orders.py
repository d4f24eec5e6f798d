"""A Channels order end to end (issue 13): generated in the emulator's Channels shop, it arrives by its signed
event, lowers the local stock once and the V1.17 shop's stock by one delta (the Channels shop is not sent its own
sale), is shipped from the admin and shows shipped in the emulator; the same order seen again by the poll changes
nothing; a refund accepted from the admin gives the piece back once. Real worker, Redis, PostgreSQL, the emulator
over HTTP."""

import time

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from channels_sync.engine import outbox
from channels_sync.models import AfterSale, Order, RemoteBinding, RemoteSkuStock, Shop, StockMovement, SyncJob
from products.demo import demo_catalog_create
from products.models import Product
from tests.integration.conftest import PUSH_TOKEN, wait_for_jobs
from tests.integration.test_channels_round_trip import CHANNELS_APP_ID, _wait_for_binding

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]


@pytest.fixture
def channels_shop(worker, sandbox, live_server) -> Shop:
    """The demo Channels shop; its events go to the shop's webhook, audits pass after a second."""
    shop = Shop(
        name="演示视频号小店", platform="channels", app_id=CHANNELS_APP_ID, base_url=sandbox.url, push_token=PUSH_TOKEN
    )
    shop.set_app_secret("demo-channels-secret")
    shop.save()
    sandbox._call(
        "POST",
        "config",
        json={
            "channels_event_url": live_server.url + reverse("channels_sync:push", args=[shop.pk]),
            "channels_audit": {"delay_seconds": 1, "outcome": "pass", "next": [], "products": {}},
        },
    )
    return shop


@pytest.fixture
def tshirt(channels_shop) -> Product:
    demo_catalog_create()
    return Product.objects.get(out_product_id="DEMO-TSHIRT-001")


def _action(client, url, action, objects, **extra):
    data = {"action": action, "_selected_action": [o.pk for o in objects], "apply": "1", **extra}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]


def _binding(product, shop) -> RemoteBinding:
    return RemoteBinding.objects.get(
        shop=shop, content_type=ContentType.objects.get_for_model(Product), object_id=product.pk
    )


def _wait_for(predicate, *, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


def _channels_order(sandbox, order_id):
    orders = sandbox.state(CHANNELS_APP_ID)["channels"]["orders"]
    return next(order for order in orders if order["order_id"] == order_id)


def test_a_channels_order_moves_every_shops_stock_once_ships_and_is_refunded(
    admin_client, channels_shop, demo_shop, sandbox, worker, tshirt
):
    products_url = reverse("admin:products_product_changelist")
    for shop in (channels_shop, demo_shop):
        _action(admin_client, products_url, "shops_product_publish", [tshirt], shops=[shop.pk])
        wait_for_jobs(worker=worker)
    _wait_for_binding(tshirt, channels_shop, remote_edit_status="approved")
    wait_for_jobs(worker=worker)
    for shop in (channels_shop, demo_shop):
        _action(admin_client, products_url, "shops_product_list", [tshirt], shops=[shop.pk])
        wait_for_jobs(worker=worker)
    _wait_for_binding(tshirt, channels_shop, remote_status="listed")
    sku = tshirt.skus.order_by("position").first()
    stock_before = sku.stock
    channels_sku = RemoteSkuStock.objects.get(shop=channels_shop, sku=sku).remote_sku_key
    channels_product = _binding(tshirt, channels_shop).remote_id

    # The buyer pays in the Channels shop: the events bring the order in (no poll).
    generated = sandbox._call(
        "POST",
        "channels/orders/generate",
        json={"appid": CHANNELS_APP_ID, "product_id": channels_product, "sku_id": channels_sku, "count": 1},
    )
    order_id = generated["order"]["order_id"]
    _wait_for(lambda: Order.objects.filter(shop=channels_shop, remote_order_id=order_id).exists())
    wait_for_jobs(worker=worker)
    sku.refresh_from_db()
    assert sku.stock == stock_before - 1
    assert list(StockMovement.objects.filter(reason="order").values_list("delta", "note")) == [(-1, order_id)]
    assert [a["fields"]["quantity"] for a in sandbox.applied("/merchant/stock/reduce")] == [1]
    assert sandbox.applied("/channels/ec/product/stock/update", appid=CHANNELS_APP_ID) == []

    # Shipped from the admin with one of the shop's companies; the emulator shows it shipped.
    order = Order.objects.get(shop=channels_shop, remote_order_id=order_id)
    orders_url = reverse("admin:channels_sync_order_changelist")
    _action(admin_client, orders_url, "set_delivery", [order], need_delivery="on", company="SF", track_no="SF1000001")
    wait_for_jobs(worker=worker)
    shipped = _channels_order(sandbox, order_id)
    assert shipped["status"] == 30
    assert shipped["order_detail"]["delivery_info"]["delivery_product_info"][0]["waybill_id"] == "SF1000001"
    order.refresh_from_db()
    assert (order.stage, order.delivery_track_no) == ("shipped", "SF1000001")

    # The poll sees the order again: nothing changes.
    outbox.sync_job_enqueue(shop=channels_shop, kind=SyncJob.Kind.ORDERS_PULL)
    wait_for_jobs(worker=worker)
    sku.refresh_from_db()
    assert sku.stock == stock_before - 1
    assert StockMovement.objects.filter(reason="order").count() == 1
    assert len(sandbox.applied("/merchant/stock/reduce")) == 1

    # The buyer asks for a refund; accepted from the admin, the piece comes back once, to every shop.
    sandbox._call(
        "POST",
        "channels/aftersales/apply",
        json={"appid": CHANNELS_APP_ID, "order_id": order_id, "product_id": channels_product, "sku_id": channels_sku},
    )
    _wait_for(lambda: AfterSale.objects.filter(order=order, awaiting_merchant=True).exists())
    wait_for_jobs(worker=worker)
    after_sale = AfterSale.objects.get(order=order)
    _action(admin_client, reverse("admin:channels_sync_aftersale_changelist"), "accept", [after_sale])
    wait_for_jobs(worker=worker)
    _wait_for(lambda: AfterSale.objects.filter(order=order, refunded=True).exists())
    wait_for_jobs(worker=worker)
    outbox.sync_job_enqueue(shop=channels_shop, kind=SyncJob.Kind.ORDERS_PULL)
    wait_for_jobs(worker=worker)

    sku.refresh_from_db()
    assert sku.stock == stock_before
    assert list(StockMovement.objects.filter(reason="order").order_by("pk").values_list("delta", flat=True)) == [-1, 1]
    assert [a["fields"]["quantity"] for a in sandbox.applied("/merchant/stock/add")] == [1]
    # The Channels store kept its stock for the refund: it gets the piece back as a delta.
    channels_updates = sandbox.applied("/channels/ec/product/stock/update", appid=CHANNELS_APP_ID)
    assert [(c["fields"]["diff_type"], c["fields"]["num"]) for c in channels_updates] == [(1, 1)]
