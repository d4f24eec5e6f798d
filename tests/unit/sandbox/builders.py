"""A thin HTTP client for the sandbox and builders of valid V1.17 request bodies."""

from __future__ import annotations

import copy
from typing import Any

import requests

DEMO_APP = ("wx_demo_store", "demo-store-secret")
TEST_APP = ("wx_test_store", "test-store-secret")
TIMEOUT = 10

# Seeded ids (channels_sync/sandbox/wechat_store_seed.py).
TSHIRT = "537020101"
COLOUR, WHITE, BLACK = "10000983", "10000995", "10000996"
SIZE, SIZE_M, SIZE_L = "10001007", "10001009", "10001010"
APPAREL_BRAND, UNIQLO = "10002001", "50867"
MATERIAL, COTTON, MODAL = "10002002", "10002011", "10002012"
DSLR = "537074298"
GIFT_BOX = "537030202"  # a leaf with no SKU table
ORIGIN, ZHEJIANG = "10004002", "10004023"


class SandboxApi:
    """Calls one sandbox over HTTP. Platform calls fetch and cache an access token per app id."""

    def __init__(self, base_url: str, session: requests.Session) -> None:
        self.base_url = base_url
        self.session = session
        self._tokens: dict[str, str] = {}
        self._secrets = dict([DEMO_APP, TEST_APP])

    def url(self, path: str) -> str:
        return self.base_url + path

    def fetch_token(self, appid: str = DEMO_APP[0]) -> str:
        response = self.session.get(
            self.url("/cgi-bin/token"),
            params={"grant_type": "client_credential", "appid": appid, "secret": self._secrets[appid]},
            timeout=TIMEOUT,
        )
        body = response.json()
        assert "access_token" in body, body
        self._tokens[appid] = body["access_token"]
        return body["access_token"]

    def token(self, appid: str = DEMO_APP[0]) -> str:
        return self._tokens.get(appid) or self.fetch_token(appid)

    def raw(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        data: Any = None,
        params: dict[str, Any] | None = None,
        appid: str = DEMO_APP[0],
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> requests.Response:
        query = {"access_token": token if token is not None else self.token(appid), **(params or {})}
        return self.session.request(
            method, self.url(path), params=query, json=json, data=data, headers=headers, timeout=TIMEOUT
        )

    def post(self, path: str, body: Any = None, **kwargs: Any) -> dict[str, Any]:
        response = self.raw("POST", path, json=body, **kwargs)
        assert response.status_code == 200, response.text
        return response.json()

    def get(self, path: str, params: dict[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
        response = self.raw("GET", path, params=params, **kwargs)
        assert response.status_code == 200, response.text
        return response.json()

    def ok(self, path: str, body: Any = None, **kwargs: Any) -> dict[str, Any]:
        """POST and require errcode 0."""
        answer = self.post(path, body, **kwargs)
        assert answer["errcode"] == 0, answer
        assert answer["errmsg"] == "success"
        return answer

    def upload(self, filename: str = "photo.png", data: bytes = b"\x89PNG\r\n\x1a\nfake", **kwargs: Any) -> str:
        response = self.raw("POST", "/merchant/common/upload_img", data=data, params={"filename": filename}, **kwargs)
        answer = response.json()
        assert answer["errcode"] == 0, answer
        return answer["image_url"]

    def control(self, method: str, path: str, json: Any = None, params: dict[str, Any] | None = None) -> Any:
        """A control call that must succeed; returns its JSON."""
        response = self.session.request(
            method, self.url("/__sandbox__/" + path), json=json, params=params, timeout=TIMEOUT
        )
        assert response.status_code == 200, response.text
        return response.json()

    def control_error(self, method: str, path: str, json: Any = None) -> dict[str, Any]:
        response = self.session.request(method, self.url("/__sandbox__/" + path), json=json, timeout=TIMEOUT)
        assert response.status_code == 400, response.text
        return response.json()

    def applied(self, **params: Any) -> list[dict[str, Any]]:
        return self.control("GET", "applied", params=params)["applied"]

    def state(self, appid: str = DEMO_APP[0]) -> dict[str, Any]:
        return self.control("GET", "state", params={"appid": appid})["wechat_store"]

    def create_product(self, body: dict[str, Any], **kwargs: Any) -> str:
        return self.ok("/merchant/create", body, **kwargs)["product_id"]

    def list_product(self, product_id: str, **kwargs: Any) -> None:
        self.ok("/merchant/modproductstatus", {"product_id": product_id, "status": 1}, **kwargs)


def tshirt_body(images: list[str], **sections: Any) -> dict[str, Any]:
    """A valid T恤 in white/black × M/L, four SKUs, express delivery. ``images`` are three uploaded URLs."""
    main, extra, detail = images
    body: dict[str, Any] = {
        "product_base": {
            "category_id": [TSHIRT],
            "property": [{"id": APPAREL_BRAND, "vid": UNIQLO}, {"id": MATERIAL, "vid": COTTON}],
            "name": "纯棉圆领T恤",
            "sku_info": [{"id": COLOUR, "vid": [WHITE, BLACK]}, {"id": SIZE, "vid": [SIZE_M, SIZE_L]}],
            "main_img": main,
            "img": [main, extra],
            "detail": [{"text": "夏季新款 <纯棉>"}, {"img": detail}],
            "buy_limit": 5,
        },
        "sku_list": [
            {
                "sku_id": f"{COLOUR}:{colour};{SIZE}:{size}",
                "price": 9900,
                "ori_price": 12900,
                "icon_url": main,
                "product_code": f"TEE-{colour}-{size}",
                "quantity": 10,
            }
            for colour in (WHITE, BLACK)
            for size in (SIZE_M, SIZE_L)
        ],
        "attrext": {
            "location": {"country": "中国", "province": "广东省", "city": "广州市", "address": "T.I.T创意园"},
            "isPostFree": 0,
            "isHasReceipt": 1,
            "isUnderGuaranty": 0,
            "isSupportReplace": 1,
        },
        "delivery_info": {
            "delivery_type": 0,
            "template_id": 0,
            "express": [{"id": 10000027, "price": 600}, {"id": 10000028, "price": 1000}],
        },
    }
    body.update(copy.deepcopy(sections))
    return body


def uniform_body(images: list[str], quantity: int = 5) -> dict[str, Any]:
    """A post-free 礼盒 with one uniform spec (sku_id "") and no delivery_info."""
    main = images[0]
    return {
        "product_base": {
            "category_id": [GIFT_BOX],
            "property": [{"id": ORIGIN, "vid": ZHEJIANG}],
            "name": "西湖龙井礼盒",
            "main_img": main,
            "img": [main],
            "detail": [{"text": "明前特级"}],
        },
        "sku_list": [{"sku_id": "", "price": 19900, "ori_price": 25900, "quantity": quantity}],
        "attrext": {"isPostFree": 1},
    }


def template_body(name: str = "全国包邮以外", **overrides: Any) -> dict[str, Any]:
    template = {
        "Name": name,
        "Assumer": 0,
        "Valuation": 0,
        "TopFee": [
            {
                "Type": 10000028,
                "Normal": {"StartStandards": 1, "StartFees": 800, "AddStandards": 2, "AddFees": 300},
                "Custom": [
                    {
                        "StartStandards": 1,
                        "StartFees": 1500,
                        "AddStandards": 1,
                        "AddFees": 500,
                        "DestCountry": "中国",
                        "DestProvince": "新疆维吾尔自治区",
                        "DestCity": "乌鲁木齐市",
                    }
                ],
            },
            {"Type": 10000029, "Normal": {"StartStandards": 1, "StartFees": 2000, "AddStandards": 1, "AddFees": 1000}},
        ],
    }
    template.update(overrides)
    return {"delivery_template": template}
