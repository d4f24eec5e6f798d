"""模拟下单 (``simulated_orders``): only a Channels shop whose base URL is a local emulator origin can be sent a
buyer's order, and only with a listed product in stock; the action is not offered where no emulator is enabled.
The order itself is placed against the emulator in the e2e orders walk."""

import pytest
from django.urls import reverse
from django.utils import translation

from channels_sync.simulated_orders import CannotSimulate, can_simulate, simulate_buyer_order
from tests import factories

pytestmark = pytest.mark.django_db


def test_only_a_channels_shop_on_the_emulator_can_simulate(settings):
    settings.SANDBOX_ORIGINS = ["http://127.0.0.1:*"]
    on_emulator = factories.shop(
        name="模拟器小店", platform="channels", app_id="wx_c", base_url="http://127.0.0.1:8765"
    )
    legacy = factories.shop(name="旧小店", platform="wechat_store", app_id="wx_w", base_url="http://127.0.0.1:8765")
    real = factories.shop(name="真实小店", platform="channels", app_id="wx_r", base_url="https://api.weixin.qq.com")

    assert [can_simulate(shop) for shop in (on_emulator, legacy, real)] == [True, False, False]
    with translation.override("zh-hans"), pytest.raises(CannotSimulate) as refused:
        simulate_buyer_order(real)
    assert str(refused.value) == "只有连接本地模拟器的视频号小店可以模拟下单。"


def test_a_shop_without_a_listed_product_in_stock_says_so(settings):
    settings.SANDBOX_ORIGINS = ["http://127.0.0.1:*"]
    shop = factories.shop(name="模拟器小店", platform="channels", app_id="wx_c", base_url="http://127.0.0.1:8765")

    with translation.override("en"), pytest.raises(CannotSimulate) as refused:
        simulate_buyer_order(shop)

    assert str(refused.value) == "The shop has no listed product with stock: publish and list one first."


@pytest.mark.parametrize(("origins", "offered"), [(["http://127.0.0.1:*"], True), ([], False)])
def test_the_action_is_offered_only_where_an_emulator_is_enabled(admin_client, settings, origins, offered):
    settings.SANDBOX_ORIGINS = origins
    factories.shop(name="小店", platform="channels", app_id="wx_c", base_url="https://api.weixin.qq.com")

    page = admin_client.get(reverse("admin:channels_sync_shop_changelist")).content.decode()

    assert ('value="shops_simulate_order"' in page) is offered
