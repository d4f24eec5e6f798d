"""ChannelsAdapter against the emulator over HTTP: listing and delisting as the engine asks for them, including
the repeat of a call whose answer was lost; orders pulled, shipped in parcels, and after-sales accepted."""

from datetime import UTC, datetime, timedelta

import pytest

from channels_sync.platforms.adapter import ShopConfig
from channels_sync.platforms.channels.adapter import ChannelsAdapter
from channels_sync.platforms.order_types import DeliveryCompany, OrderStage, ParcelItem, RemoteParcel
from channels_sync.platforms.tokens import clear_token_providers
from tests.unit.platforms.channels.builders import freight_template, tshirt

APPID = "wx_demo_channels"
DELISTING = "/channels/ec/product/delisting"
LISTED, DELISTED = 5, 11
# The asset ids of the tshirt builder: head images 11-14, the detail image 15, a SKU image 16.
ASSET_IDS = (11, 12, 13, 14, 15, 16)


@pytest.fixture
def adapter(server, token_cache, calls) -> ChannelsAdapter:
    clear_token_providers()
    shop = ShopConfig(
        platform="channels", app_id=APPID, app_secret="demo-channels-secret", base_url=server.url, shop_id=8
    )
    yield ChannelsAdapter(shop, on_call=calls.append, cache=token_cache)
    clear_token_providers()


def _status(control, product_id: str) -> int:
    products = control.control("GET", "state", params={"appid": APPID})["channels"]["products"]
    return next(p["status"] for p in products if p["product_id"] == product_id)


@pytest.fixture
def listed(adapter, control) -> str:
    """The builder's T恤 added, audited (the clock passes the audit's delay) and listed."""
    image_urls = {
        asset_id: adapter.upload_image(
            filename=f"{asset_id}.png", data=b"\x89PNG\r\n\x1a\n" + bytes([asset_id]), width=640, height=600
        )
        for asset_id in ASSET_IDS
    }
    template_id = adapter.freight_create(snapshot=freight_template())
    payload = adapter.product_payload(
        snapshot=tshirt(), image_urls=image_urls, freight_template_remote_id=template_id, binding=None, remote=None
    )
    product_id = adapter.product_create(payload=payload, snapshot=tshirt())
    control.control("POST", "clock", json={"advance_seconds": 60})
    adapter.product_set_listed(remote_id=product_id, listed=True)
    assert _status(control, product_id) == LISTED
    return product_id


def test_delisting_a_product_already_off_the_shelf_succeeds_without_a_second_change(adapter, control, listed):
    adapter.product_set_listed(remote_id=listed, listed=False)

    # The engine repeats a delist whose answer was lost: the shop answers 10020065 "not listed", which is the aim.
    adapter.product_set_listed(remote_id=listed, listed=False)

    assert _status(control, listed) == DELISTED
    assert len(control.applied(appid=APPID, endpoint=DELISTING)) == 1


def test_listing_a_listed_product_again_leaves_it_listed(adapter, control, listed):
    adapter.product_set_listed(remote_id=listed, listed=True)

    assert _status(control, listed) == LISTED


# --- orders and after-sales ---------------------------------------------------------------------------------------


def _generate(control, product_id: str, sku_id: str, **fields) -> str:
    body = {"appid": APPID, "product_id": product_id, "sku_id": sku_id, **fields}
    return control.control("POST", "channels/orders/generate", body)["order"]["order_id"]


def _now(control) -> datetime:
    return datetime.fromtimestamp(control.control("GET", "clock")["now"], tz=UTC)


def test_orders_are_pulled_over_many_windows_and_shipped_in_parcels(adapter, control, listed):
    sku_id = _first_sku(control, listed)
    order_id = _generate(control, listed, sku_id, count=3)
    now = _now(control)

    pulled = adapter.orders_pull(since=now - timedelta(days=30), until=now + timedelta(minutes=1))
    adapter.order_ship(remote_order_id=order_id, parcels=(RemoteParcel("SF", "SF1", (ParcelItem(listed, sku_id, 1),)),))
    # A parcel without items ships every piece left.
    adapter.order_ship(remote_order_id=order_id, parcels=(RemoteParcel("ZTO", "ZTO2", ()),))
    shipped = adapter.order_get(remote_order_id=order_id)

    assert [order.remote_order_id for order in pulled] == [order_id]
    assert pulled[0].stage == OrderStage.AWAITING_SHIPMENT
    assert shipped.stage == OrderStage.SHIPPED
    assert [(p.company, p.items[0].count) for p in shipped.parcels] == [("SF", 1), ("ZTO", 2)]
    assert DeliveryCompany("SF", "顺丰") in adapter.delivery_companies()


def test_a_whole_order_ships_by_set_delivery_and_an_after_sale_is_accepted(adapter, control, listed):
    sku_id = _first_sku(control, listed)
    order_id = _generate(control, listed, sku_id, count=2)
    body = {"appid": APPID, "order_id": order_id, "product_id": listed, "sku_id": sku_id, "count": 1}
    after_sale_id = control.control("POST", "channels/aftersales/apply", body)["after_sale_order"][
        "after_sale_order_id"
    ]
    now = _now(control)

    (pulled,) = adapter.aftersales_pull(since=now - timedelta(hours=30), until=now + timedelta(minutes=1))
    adapter.aftersale_accept(remote_aftersale_id=after_sale_id)
    adapter.order_set_delivery(
        remote_order_id=order_id, need_delivery=True, company="SF", track_no="SF9", is_others=False
    )
    order = adapter.order_get(remote_order_id=order_id)

    assert (pulled.remote_aftersale_id, pulled.awaiting_merchant) == (after_sale_id, True)
    assert adapter.aftersale_get(remote_aftersale_id=after_sale_id).refunded is True
    assert order.stage == OrderStage.SHIPPED
    assert [(p.company, p.track_no, p.items) for p in order.parcels] == [
        ("SF", "SF9", (ParcelItem(listed, sku_id, 1),))
    ]
    assert (order.items[0].refunded_count, order.items[0].delivered_count) == (1, 1)


def _first_sku(control, product_id: str) -> str:
    products = control.control("GET", "state", params={"appid": APPID})["channels"]["products"]
    product = next(p for p in products if p["product_id"] == product_id)
    return product["product"]["skus"][0]["sku_id"]
