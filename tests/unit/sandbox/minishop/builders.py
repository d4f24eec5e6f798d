"""A thin HTTP client for the mini-shop emulator and builders of valid spu bodies (reference §4, seed 001)."""

from __future__ import annotations

import copy
from typing import Any

import requests

from tests.unit.platforms.minishop.seed_examples import SEED_001_REQUEST
from tests.unit.sandbox.client import TIMEOUT, SandboxApi

MINISHOP_APP = ("wx_demo_minishop", "demo-minishop-secret")
MINISHOP_TEST_APP = ("wx_test_minishop", "test-minishop-secret")
# Audits take a minute of sandbox time: they finish only when a test moves the clock.
AUDIT_DELAY_SECONDS = 60
# Seeded ids (sandbox/minishop/seed.py).
SEED_TEMPLATE_ID, DEMO_TEMPLATE_ID = 5189, 5190
APPAREL, WOMEN, TSHIRT, DRESS = 7231, 7245, 7262, 7263
FIRST_PRODUCT_ID = 23423523452345235


class MiniShopApi(SandboxApi):
    """Calls the ``/product/...`` routes with the demo mini-shop app's token."""

    def __init__(self, base_url: str, session: requests.Session) -> None:
        super().__init__(base_url, session)
        self._secrets.update([MINISHOP_APP, MINISHOP_TEST_APP])

    def fetch_token(self, appid: str = MINISHOP_APP[0]) -> str:
        return super().fetch_token(appid)

    def token(self, appid: str = MINISHOP_APP[0]) -> str:
        return super().token(appid)

    def raw(self, method: str, path: str, *, appid: str = MINISHOP_APP[0], **kwargs: Any) -> requests.Response:
        params = kwargs.pop("params", None) or {}
        token = kwargs.pop("token", None)
        query = {"access_token": token if token is not None else self.token(appid), **params}
        return self.session.request(method, self.url(path), params=query, timeout=TIMEOUT, **kwargs)

    def call(self, path: str, body: Any = None, **kwargs: Any) -> dict[str, Any]:
        response = self.raw("POST", path, json=body, **kwargs)
        assert response.status_code == 200, response.text
        return response.json()

    def ok(self, path: str, body: Any = None, **kwargs: Any) -> dict[str, Any]:
        answer = self.call(path, body, **kwargs)
        assert answer["errcode"] == 0, answer
        assert answer["errmsg"] == "ok", answer
        return answer

    def error(self, path: str, body: Any, errcode: int, **kwargs: Any) -> str:
        """POST and require ``errcode``; returns the errmsg."""
        answer = self.call(path, body, **kwargs)
        assert answer["errcode"] == errcode, answer
        assert set(answer) == {"errcode", "errmsg"}, answer
        return answer["errmsg"]

    def add(self, body: dict[str, Any], **kwargs: Any) -> int:
        return self.ok("/product/spu/add", body, **kwargs)["data"]["product_id"]

    def spu(self, product_id: int, *, draft: bool = True, **kwargs: Any) -> dict[str, Any]:
        body = {"product_id": product_id, "need_edit_spu": int(draft)}
        return self.ok("/product/spu/get", body, **kwargs)["data"]["spu"]

    def listing(self, product_id: int, **kwargs: Any) -> None:
        self.ok("/product/spu/listing", {"product_id": product_id}, **kwargs)

    def listed(self, body: dict[str, Any]) -> int:
        """Add, list and let the audit pass: a product with status 5."""
        product_id = self.add(body)
        self.listing(product_id)
        self.advance(AUDIT_DELAY_SECONDS)
        return product_id

    def sku_ids(self, product_id: int) -> list[int]:
        return [sku["sku_id"] for sku in self.spu(product_id)["skus"]]

    def advance(self, seconds: float) -> None:
        self.control("POST", "clock", {"advance_seconds": seconds})

    def configure(self, **config: Any) -> dict[str, Any]:
        return self.control("POST", "config", config)

    def shop(self, appid: str = MINISHOP_APP[0]) -> dict[str, Any]:
        return self.control("GET", "state", params={"appid": appid})["minishop"]


def seed_body(**changes: Any) -> dict[str, Any]:
    """Seed 001's example request, with ``changes`` on top."""
    body = copy.deepcopy(SEED_001_REQUEST)
    body.update(copy.deepcopy(changes))
    return body


def tshirt_body(out_product_id: str = "TS-001", **changes: Any) -> dict[str, Any]:
    """A T恤 in two colours on the seeded apparel tree, shipped with the demo template."""
    image = "https://mmbiz.qpic.cn/mini_shop/wx_demo_minishop/tshirt"
    body = {
        "out_product_id": out_product_id,
        "title": "纯棉圆领短袖T恤",
        "head_img": [image],
        "desc_info": {"imgs": [image]},
        "brand_id": 2100000000,
        "cats": [{"cat_id": APPAREL, "level": 1}, {"cat_id": WOMEN, "level": 2}, {"cat_id": TSHIRT, "level": 3}],
        "attrs": [{"attr_key": "材质", "attr_value": "纯棉"}],
        "express_info": {"template_id": DEMO_TEMPLATE_ID},
        "skus": [
            {
                "out_product_id": out_product_id,
                "out_sku_id": f"{out_product_id}-{colour}",
                "thumb_img": image,
                "sale_price": 5900,
                "market_price": 9900,
                "stock_num": 10,
                "sku_attrs": [{"attr_key": "颜色", "attr_value": colour}],
            }
            for colour in ("白色", "黑色")
        ],
    }
    body.update(copy.deepcopy(changes))
    return body
