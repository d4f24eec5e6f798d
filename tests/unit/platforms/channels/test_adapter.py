"""ChannelsAdapter against the emulator over HTTP: listing and delisting as the engine asks for them, including
the repeat of a call whose answer was lost."""

import pytest

from channels_sync.platforms.adapter import ShopConfig
from channels_sync.platforms.channels.adapter import ChannelsAdapter
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
