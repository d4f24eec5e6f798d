"""The mini-shop order and delivery calls (``channels_sync/platforms/minishop/orders.py``) against the emulator over
HTTP: a generated order is found by update time, read into the neutral :class:`RemoteOrder`, and shipped in a
parcel per SKU, then whole."""

from datetime import UTC, datetime, timedelta

import pytest

from channels_sync.platforms.errors import RejectedError
from channels_sync.platforms.minishop.orders import MiniShopOrders, parse_order
from channels_sync.platforms.minishop.payloads import parse_spu, product_payload
from channels_sync.platforms.order_types import DeliveryCompany, OrderStage, ParcelItem, RemoteParcel
from tests.unit.platforms.minishop.builders import TEMPLATE_REMOTE_ID, tshirt
from tests.unit.platforms.minishop.conftest import MINISHOP_APP
from tests.unit.platforms.minishop.test_client_on_emulator import ASSET_IDS, advance


@pytest.fixture
def orders(minishop) -> MiniShopOrders:
    return MiniShopOrders(minishop)


@pytest.fixture
def listed(minishop, control, audit_delay):
    """(product_id, sku_id of TS-WH-M) of the builder's T恤, listed."""
    image_urls = {
        asset_id: minishop.image_upload_bytes(b"\x89PNG" + bytes([asset_id]), 640, 600, filename=f"{asset_id}.png")
        for asset_id in ASSET_IDS
    }
    body = product_payload(tshirt(), image_urls=image_urls, freight_template_remote_id=TEMPLATE_REMOTE_ID)
    product_id, _ = minishop.spu_add(body)
    minishop.spu_listing(product_id)
    advance(control)
    spu = parse_spu(minishop.spu_get(product_id=product_id, need_edit_spu=False))
    return product_id, spu.sku_ids_by_out_sku_id()["TS-WH-M"]


def generate(control, product_id, sku_id, **fields):
    body = {"appid": MINISHOP_APP[0], "product_id": int(product_id), "sku_id": int(sku_id), **fields}
    return str(control.control("POST", "minishop/orders/generate", body)["order"]["order_id"])


def orders_now(control) -> datetime:
    return datetime.fromtimestamp(control.control("GET", "clock")["now"], tz=UTC)


def test_an_order_found_by_update_time_is_read_and_shipped_per_sku_then_whole(orders, control, listed):
    product_id, white_m = listed
    order_id = generate(control, product_id, white_m, count=3, freight=600)
    now = orders_now(control)

    (found,) = list(orders.updated_orders(now - timedelta(days=1), now + timedelta(minutes=1)))
    order = parse_order(found)
    orders.delivery_send(order_id, [RemoteParcel("SF", "SF1", (ParcelItem(product_id, white_m, 1),))])
    partly = parse_order(orders.order_get(order_id))
    orders.delivery_send(order_id, [RemoteParcel("ZTO", "ZTO2", ())])
    shipped = parse_order(orders.order_get(order_id))

    assert order.remote_order_id == order_id
    assert (order.status, order.stage, order.express_price) == (20, OrderStage.AWAITING_SHIPMENT, 600)
    (item,) = order.items
    assert (item.remote_product_id, item.remote_sku_key, item.count, item.out_sku_id) == (
        product_id,
        white_m,
        3,
        "TS-WH-M",
    )
    assert (partly.stage, partly.items[0].delivered_count) == (OrderStage.PARTLY_SHIPPED, 1)
    assert (shipped.stage, shipped.items[0].delivered_count) == (OrderStage.SHIPPED, 3)
    assert [(parcel.company, parcel.track_no) for parcel in shipped.parcels] == [("SF", "SF1"), ("ZTO", "ZTO2")]
    assert DeliveryCompany("SF", "顺丰速运") in orders.delivery_companies()
    with pytest.raises(RejectedError) as shipped_twice:
        orders.delivery_send(order_id, [RemoteParcel("SF", "SF3", ())])
    assert shipped_twice.value.errcode == 109001
