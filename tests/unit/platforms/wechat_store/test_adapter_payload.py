"""WeChatStoreAdapter.product_payload: an update of a product listed once keeps the shop's title, category and
properties (manual 1.3), and says so in the merchant's words."""

import pytest
from django.utils import translation

from channels_sync.platforms.adapter import BindingState, RemoteProductState, ShopConfig
from channels_sync.platforms.wechat_store.adapter import WeChatStoreAdapter
from tests.unit.platforms.wechat_store.builders import IMAGE_URLS, camera
from tests.unit.platforms.wechat_store.manual_examples import PRODUCT_INFO

pytestmark = pytest.mark.django_db


def _adapter() -> WeChatStoreAdapter:
    shop = ShopConfig(
        platform="wechat_store", app_id="wx_demo", app_secret="demo-secret", base_url="http://127.0.0.1:9", shop_id=1
    )
    return WeChatStoreAdapter(shop)


def _update_payload():
    snapshot = camera()
    remote_id = PRODUCT_INFO["product_id"]
    return _adapter().product_payload(
        snapshot=snapshot,
        image_urls=IMAGE_URLS,
        freight_template_remote_id="1",
        binding=BindingState(remote_id=remote_id, listed_once=True, last_pushed_payload=None),
        remote=RemoteProductState(remote_id=remote_id, exists=True, raw=PRODUCT_INFO),
    )


def test_a_listed_product_keeps_the_shops_frozen_fields_and_the_warning_names_them_in_chinese():
    with translation.override("zh-hans"):
        payload = _update_payload()

    assert payload.body["product_base"]["name"] == PRODUCT_INFO["product_base"]["name"]
    assert payload.warnings[0] == "标题在商品上架过之后不能修改（手册 1.3）：店铺保留它自己的值。"


def test_the_warning_in_english(english):
    payload = _update_payload()

    assert (
        payload.warnings[0]
        == "Title cannot change once the product has been listed (manual 1.3): the shop keeps its own."
    )
