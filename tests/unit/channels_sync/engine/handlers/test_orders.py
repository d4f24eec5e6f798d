"""Storing orders (``engine/handlers/orders.py``): a paid Channels order takes its pieces off the local stock once
(seen again by event or poll: no change), the shop of the sale is not sent its own sale back while every other
shop is, a refund or a cancellation gives the pieces back once, and after-sales are kept with the order."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from django.contrib.contenttypes.models import ContentType

from channels_sync.engine.handlers.orders import order_store
from channels_sync.models import AfterSale, Order, RemoteBinding, RemoteSkuStock, Shop, StockMovement, SyncJob
from channels_sync.platforms.order_types import AfterSaleKind, OrderStage, RemoteAfterSale, RemoteOrder, RemoteOrderItem
from products.models import Product

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

PAID_AT = datetime(2026, 12, 1, 8, tzinfo=UTC)


@pytest.fixture
def shops(db):
    channels = Shop.objects.create(name="视频号小店", platform="channels", app_id="wx_c", base_url="http://127.0.0.1:1")
    legacy = Shop.objects.create(
        name="微信小店 V1.17", platform="wechat_store", app_id="wx_w", base_url="http://127.0.0.1:2"
    )
    return channels, legacy


@pytest.fixture
def sku(shops, product):
    """The product's SKU (stock 10), bound in both shops with their stock in line (synced 10)."""
    channels, legacy = shops
    sku = product.skus.get()
    content_type = ContentType.objects.get_for_model(Product)
    for shop, remote_id, sku_key in ((channels, "10000123", "2334840282"), (legacy, "pDF3iY-1", "")):
        RemoteBinding.objects.create(shop=shop, content_type=content_type, object_id=product.pk, remote_id=remote_id)
        RemoteSkuStock.objects.create(shop=shop, sku=sku, remote_sku_key=sku_key, synced_stock=10)
    return sku


def channels_order(*, count=2, refunded=0, stage=OrderStage.AWAITING_SHIPMENT, status=20, aftersale_ids=()):
    return RemoteOrder(
        remote_order_id="3705115058471208928",
        status=status,
        total_price=count * 5900,
        express_price=0,
        created_at=PAID_AT,
        buyer_openid="o-buyer",
        buyer_nick="",
        receiver_name="张三",
        receiver_province="广东省",
        receiver_city="广州市",
        receiver_zone="海珠区",
        receiver_address="新港中路397号",
        receiver_mobile="13800138000",
        receiver_phone="",
        delivery_company="",
        delivery_track_no="",
        trans_id="4200",
        items=(
            RemoteOrderItem(
                remote_product_id="10000123",
                remote_sku_key="2334840282",
                product_name="T恤",
                price=5900,
                count=count,
                image_url="",
                refunded_count=refunded,
            ),
        ),
        raw={"order_id": "3705115058471208928"},
        stage=stage,
        updated_at=PAID_AT,
        paid_at=PAID_AT,
        remote_aftersale_ids=aftersale_ids,
    )


def stock_pushes(shop) -> int:
    return SyncJob.objects.filter(shop=shop, kind=SyncJob.Kind.STOCK_PUSH).count()


def test_a_paid_order_takes_its_pieces_once_and_only_the_other_shop_is_sent_the_change(shops, sku):
    channels, legacy = shops

    created = order_store(shop=channels, remote=channels_order())
    again = order_store(shop=channels, remote=channels_order())

    assert (created, again) == (True, False)
    sku.refresh_from_db()
    assert sku.stock == 8
    assert list(StockMovement.objects.values_list("delta", "stock_after", "reason", "note")) == [
        (-2, 8, "order", "3705115058471208928")
    ]
    # The Channels shop sold the pieces itself: its baseline follows, nothing goes back to it.
    assert RemoteSkuStock.objects.get(shop=channels, sku=sku).synced_stock == 8
    assert RemoteSkuStock.objects.get(shop=legacy, sku=sku).synced_stock == 10
    assert (stock_pushes(channels), stock_pushes(legacy)) == (0, 1)
    order = Order.objects.get()
    assert (order.stage, order.get_status_label()) == ("awaiting_shipment", "Awaiting shipment")
    assert order.items.get().sku == sku
    assert order.items.get().stock_held == 2


def test_an_unpaid_order_takes_nothing_until_it_is_paid(shops, sku):
    channels, _ = shops

    order_store(shop=channels, remote=channels_order(stage=OrderStage.UNPAID, status=10))
    sku.refresh_from_db()
    unpaid_stock = sku.stock
    order_store(shop=channels, remote=channels_order())
    sku.refresh_from_db()

    assert (unpaid_stock, sku.stock) == (10, 8)


def test_a_refund_gives_the_pieces_back_once_to_every_shop(shops, sku):
    channels, legacy = shops
    order_store(shop=channels, remote=channels_order())

    order_store(shop=channels, remote=channels_order(refunded=1, stage=OrderStage.SHIPPED, status=30))
    order_store(shop=channels, remote=channels_order(refunded=1, stage=OrderStage.SHIPPED, status=30))

    sku.refresh_from_db()
    assert sku.stock == 9
    assert list(StockMovement.objects.order_by("pk").values_list("delta", "stock_after")) == [(-2, 8), (1, 9)]
    # The Channels store keeps its stock for a refund: it gets the piece back like the other shop.
    assert RemoteSkuStock.objects.get(shop=channels, sku=sku).synced_stock == 8
    assert stock_pushes(channels) == 1
    item = Order.objects.get().items.get()
    assert (item.refunded_count, item.stock_held) == (1, 1)


def test_a_cancelled_order_gives_back_all_it_held(shops, sku):
    channels, _ = shops
    order_store(shop=channels, remote=channels_order())

    order_store(shop=channels, remote=channels_order(stage=OrderStage.CANCELLED, status=250))

    sku.refresh_from_db()
    assert sku.stock == 10
    assert Order.objects.get().items.get().stock_held == 0


def test_a_legacy_order_without_a_stage_is_sold_as_before(shops, sku):
    _, legacy = shops
    remote = replace(
        channels_order(stage=OrderStage.UNKNOWN, status=2),
        items=(replace(channels_order().items[0], remote_product_id="pDF3iY-1", remote_sku_key=""),),
    )

    order_store(shop=legacy, remote=remote)
    order_store(shop=legacy, remote=remote)

    sku.refresh_from_db()
    assert sku.stock == 8
    assert Order.objects.get().get_status_label() == "Awaiting shipment"


def test_after_sales_are_kept_with_the_order(shops, sku):
    channels, _ = shops
    after_sale = RemoteAfterSale(
        remote_aftersale_id="1934164653012121",
        remote_order_id="3705115058471208928",
        kind=AfterSaleKind.REFUND,
        status="MERCHANT_PROCESSING",
        awaiting_merchant=True,
        refunded=False,
        closed=False,
        remote_product_id="10000123",
        remote_sku_key="2334840282",
        count=1,
        amount=5900,
        created_at=PAID_AT,
        updated_at=PAID_AT,
        raw={},
    )

    order_store(shop=channels, remote=channels_order(aftersale_ids=("1934164653012121",)), aftersales=[after_sale])
    refunded = replace(after_sale, status="MERCHANT_REFUND_SUCCESS", awaiting_merchant=False, refunded=True)
    order_store(shop=channels, remote=channels_order(refunded=1), aftersales=[refunded])

    stored = AfterSale.objects.get()
    assert (stored.order.remote_order_id, stored.status, stored.refunded, stored.count) == (
        "3705115058471208928",
        "MERCHANT_REFUND_SUCCESS",
        True,
        1,
    )
    sku.refresh_from_db()
    assert sku.stock == 9
