"""Snapshots and settings for the Tencent Ads tests, and the seed's example (seed 003), verbatim and corrected."""

from dataclasses import replace

from channels_sync.platforms.tencent_ads.payloads import SalesInfoSettings
from tests.unit.platforms.channels.builders import sku, tshirt

DEMO_CLIENT = ("ads_demo_client", "demo-ads-secret")
DEMO_REFRESH_TOKEN = "demo-ads-refresh-token"
DEMO_ACCOUNT_ID = 10001234
DEMO_WAREHOUSE_ID = 101

SETTINGS = SalesInfoSettings(
    account_id=DEMO_ACCOUNT_ID,
    data_warehouse_id=DEMO_WAREHOUSE_ID,
    external_store_id="9L07",
    store_type="SHOP",
    sale_channel_name="WECHAT_MINIPROGRAM",
    miniprogram_appid="wx1234567890abcdef",
    landing_page_template="pages/product/index?id={out_product_id}&sku={sku_code}",
    new_sku_days=7,
)
OPTIONS = {
    "account_id": SETTINGS.account_id,
    "data_warehouse_id": SETTINGS.data_warehouse_id,
    "external_store_id": SETTINGS.external_store_id,
    "store_type": SETTINGS.store_type,
    "sale_channel_name": SETTINGS.sale_channel_name,
    "miniprogram_appid": SETTINGS.miniprogram_appid,
    "landing_page_template": SETTINGS.landing_page_template,
    "new_sku_days": SETTINGS.new_sku_days,
}


def many_skus(count: int):
    """A product with ``count`` SKUs (for batching)."""
    skus = tuple(
        sku(100 + n, [("编号", f"{n:03d}")], price=1990 + n, original_price=2990, stock=n % 3, out_sku_id=f"B{n:03d}")
        for n in range(count)
    )
    return replace(tshirt(), skus=skus, out_product_id="DEMO-MANY-001")


# Seed 003's request example exactly as its curl means it (account_id "<ACCOUNT_ID>" filled in with the demo
# account): the -d fragments folded into one object, "wxapp" as the channel, no target_url_props.
SEED_ITEM_VERBATIM = {
    "external_store_id": "9L07",
    "external_sku_id": "B23446",
    "sale_channel_name": "wxapp",
    "store_type": "SHOP",
    "sku_status": "NEW",
    "price": {
        "daily_price": 80,
        "current_price": 78,
        "sku_price": 85,
        "sku_promotions": [{"promotion_price": 80}, {"promotion_price": 81}, {"promotion_price": 83}],
    },
    "stock": {"sku_stock_status": "ON_SALE"},
}
SEED_VERBATIM = {
    "account_id": DEMO_ACCOUNT_ID,
    "data_warehouse_id": DEMO_WAREHOUSE_ID,
    "sku_sales_infos": [SEED_ITEM_VERBATIM],
}
# The same example with the reference's corrections (§5 "Conflict"): one JSON object, an enum channel, and the
# required target_url_props.
SEED_CORRECTED = {
    **SEED_VERBATIM,
    "sku_sales_infos": [
        {
            **SEED_ITEM_VERBATIM,
            "sale_channel_name": "WECHAT_MINIPROGRAM",
            "target_url_props": {
                "target_url_miniprogram": "pages/product/index?id=B23446",
                "miniprogram_appid": "wx1234567890abcdef",
            },
        }
    ],
}
# The curl's body bytes as curl sends them: -d fragments joined with "&", under a JSON Content-Type.
SEED_CURL_BODY = (
    'account_id="<ACCOUNT_ID>"&data_warehouse_id=101&sku_sales_infos=[{"external_store_id": "9L07", '
    '"external_sku_id": "B23446", "sale_channel_name": "wxapp", "store_type": "SHOP", "sku_status": "NEW", '
    '"price": {"daily_price": 80, "current_price": 78, "sku_price": 85}, "stock": {"sku_stock_status": "ON_SALE"}}]'
)


class AdsApi:
    """Calls the emulator's Tencent Ads endpoints over HTTP, as raw as a test needs."""

    def __init__(self, base_url: str, session, client=DEMO_CLIENT, refresh_token=DEMO_REFRESH_TOKEN) -> None:
        self.base_url = base_url
        self.session = session
        self.client_id, self.secret = client
        self.refresh_token = refresh_token
        self._token = ""

    def oauth(self, **changes):
        params = {
            "client_id": self.client_id,
            "client_secret": self.secret,
            "grant_type": "refresh_token",
            "refresh_token": self.refresh_token,
            **changes,
        }
        return self.session.get(f"{self.base_url}/oauth/token", params=params, timeout=10)

    def token(self) -> str:
        if not self._token:
            answer = self.oauth().json()
            assert answer["code"] == 0, answer
            self._token = answer["data"]["access_token"]
        return self._token

    def add(self, body=None, *, raw=None, content_type="application/json", token=None, nonce=None, timestamp=None):
        """POST product_salesinfos/add; a fresh nonce and the current time unless given."""
        import json
        import time
        import uuid

        params = {
            "access_token": self.token() if token is None else token,
            "timestamp": str(int(time.time())) if timestamp is None else timestamp,
            "nonce": uuid.uuid4().hex if nonce is None else nonce,
        }
        data = raw if raw is not None else json.dumps(body, ensure_ascii=False).encode()
        return self.session.post(
            f"{self.base_url}/v1.1/product_salesinfos/add",
            params=params,
            data=data,
            headers={"Content-Type": content_type},
            timeout=10,
        )

    def code(self, *args, **kwargs) -> tuple[int, str]:
        answer = self.add(*args, **kwargs).json()
        return answer["code"], answer["message"]
