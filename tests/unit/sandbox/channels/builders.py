"""A thin HTTP client for the Channels store emulator, builders of valid request bodies and a tiny event receiver."""

from __future__ import annotations

import copy
import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests

from tests.unit.sandbox.client import TIMEOUT, SandboxApi

CHANNELS_APP = ("wx_demo_channels", "demo-channels-secret")
CHANNELS_TEST_APP = ("wx_test_channels", "test-channels-secret")
PUSH_TOKEN = "sandbox-push-token"

# Seeded ids (sandbox/channels/seed.py).
APPAREL, WOMEN, TSHIRT = "1000", "1100", "1101"
FOOD, SNACKS, NUTS = "2000", "2100", "2101"
HOME, STORAGE, STORAGE_BOX = "3000", "3100", "3101"
SERVICES, CARDS, GIFT_CARD = "4000", "4100", "4101"
UNIQLO, NO_BRAND = "2100000101", "2100000000"
IMAGE_PREFIX = "https://mmecimage.cn/p/"


def cats(*cat_ids: str) -> list[dict[str, str]]:
    return [{"cat_id": cat_id} for cat_id in cat_ids]


class ChannelsApi(SandboxApi):
    """Calls the Channels routes with the demo Channels app's token (any app may call them)."""

    def __init__(self, base_url: str, session: requests.Session) -> None:
        super().__init__(base_url, session)
        self._secrets.update([CHANNELS_APP, CHANNELS_TEST_APP])

    def fetch_token(self, appid: str = CHANNELS_APP[0]) -> str:
        return super().fetch_token(appid)

    def token(self, appid: str = CHANNELS_APP[0]) -> str:
        return super().token(appid)

    def raw(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        data: Any = None,
        files: Any = None,
        params: dict[str, Any] | None = None,
        appid: str = CHANNELS_APP[0],
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> requests.Response:
        query = {"access_token": token if token is not None else self.token(appid), **(params or {})}
        return self.session.request(
            method, self.url(path), params=query, json=json, data=data, files=files, headers=headers, timeout=TIMEOUT
        )

    def call(self, path: str, body: Any = None, **kwargs: Any) -> dict[str, Any]:
        """POST a JSON body; the HTTP status must be 200 whatever the errcode."""
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

    # --- uploads --------------------------------------------------------------------------------------------------

    def upload_image(
        self, data: bytes = b"\xff\xd8\xff\xe0jpeg", *, resp_type: int = 1, appid: str = CHANNELS_APP[0], **params: Any
    ) -> dict[str, Any]:
        """upload_type 0 (multipart ``media``); returns ``pic_file``."""
        answer = self.raw(
            "POST",
            "/channels/ec/basics/img/upload",
            params={"upload_type": 0, "resp_type": resp_type, "height": 800, "width": 800, **params},
            files={"media": ("photo.jpg", data, "image/jpeg")},
            appid=appid,
        ).json()
        assert answer["errcode"] == 0, answer
        return answer["pic_file"]

    def image(self, index: int = 0, *, appid: str = CHANNELS_APP[0]) -> str:
        return self.upload_image(b"\xff\xd8\xff" + bytes([index]), appid=appid)["img_url"]

    # --- products -------------------------------------------------------------------------------------------------

    def add(self, body: dict[str, Any], **kwargs: Any) -> str:
        return self.ok("/channels/ec/product/add", body, **kwargs)["data"]["product_id"]

    def product(self, product_id: str, data_type: int = 3, **kwargs: Any) -> dict[str, Any]:
        return self.ok("/channels/ec/product/get", {"product_id": product_id, "data_type": data_type}, **kwargs)

    def draft(self, product_id: str, **kwargs: Any) -> dict[str, Any]:
        return self.product(product_id, 2, **kwargs)["edit_product"]

    def listing(self, product_id: str, **kwargs: Any) -> None:
        self.ok("/channels/ec/product/listing", {"product_id": product_id}, **kwargs)

    def listed(self, body: dict[str, Any], **kwargs: Any) -> str:
        """Add, let the audit pass and list: a product with status 5."""
        product_id = self.add(body, **kwargs)
        self.advance(60)
        self.listing(product_id, **kwargs)
        return product_id

    def sku_ids(self, product_id: str, **kwargs: Any) -> list[str]:
        return [sku["sku_id"] for sku in self.draft(product_id, **kwargs)["skus"]]

    # --- control --------------------------------------------------------------------------------------------------

    def advance(self, seconds: float) -> None:
        """Move the sandbox clock; due audits finish and their events are delivered before this returns."""
        self.control("POST", "clock", {"advance_seconds": seconds})

    def configure(self, **config: Any) -> dict[str, Any]:
        return self.control("POST", "config", config)

    def shop(self, appid: str = CHANNELS_APP[0]) -> dict[str, Any]:
        """The shop's state dump (``GET /__sandbox__/state`` → ``channels``)."""
        return self.control("GET", "state", params={"appid": appid})["channels"]

    def applied(self, **params: Any) -> list[dict[str, Any]]:
        return self.control("GET", "applied", params=params)["applied"]


def tshirt_body(images: list[str], template_id: str, **overrides: Any) -> dict[str, Any]:
    """A valid T恤 with two SKUs, express delivery by ``template_id``. ``images`` are four uploaded links."""
    body: dict[str, Any] = {
        "out_product_id": "local-tee-001",
        "title": "纯棉圆领短袖T恤 夏季新款",
        "short_title": "纯棉短袖T恤",
        "head_imgs": images[:3],
        "desc_info": {"imgs": [images[3]], "desc": "新疆长绒棉,亲肤透气"},
        "cats_v2": cats(APPAREL, WOMEN, TSHIRT),
        "attrs": [
            {"attr_key": "材质", "attr_value": "纯棉"},
            {"attr_key": "袖长", "attr_value": "短袖"},
            {"attr_key": "适用季节", "attr_value": "春季;夏季"},
            {"attr_key": "克重", "attr_value": "230g"},
        ],
        "brand_id": UNIQLO,
        "express_info": {"template_id": template_id},
        "aftersale_desc": "7天无理由退换",
        "extra_service": {"seven_day_return": 1, "freight_insurance": 0},
        "skus": [
            {
                "out_sku_id": "tee-white-m",
                "thumb_img": images[0],
                "sale_price": 5900,
                "market_price": 9900,
                "stock_num": 100,
                "sku_code": "TEE-W-M",
                "sku_attrs": [{"attr_key": "颜色", "attr_value": "白色"}, {"attr_key": "尺码", "attr_value": "M"}],
            },
            {
                "out_sku_id": "tee-black-l",
                "sale_price": 6900,
                "market_price": 9900,
                "stock_num": 50,
                "sku_code": "TEE-B-L",
                "sku_attrs": [{"attr_key": "颜色", "attr_value": "黑色"}, {"attr_key": "尺码", "attr_value": "L"}],
            },
        ],
    }
    body.update(copy.deepcopy(overrides))
    return body


def gift_card_body(images: list[str], **overrides: Any) -> dict[str, Any]:
    """A virtual product delivered without shipping (deliver_method 1): no freight template."""
    body: dict[str, Any] = {
        "title": "星礼卡电子礼品卡 100元",
        "head_imgs": images[:3],
        "cats_v2": cats(SERVICES, CARDS, GIFT_CARD),
        "attrs": [{"attr_key": "面值", "attr_value": "100元"}],
        "deliver_method": 1,
        "skus": [{"sale_price": 10000, "stock_num": 1000, "sku_attrs": [{"attr_key": "面值", "attr_value": "100元"}]}],
    }
    body.update(copy.deepcopy(overrides))
    return body


def template_body(name: str = "全国包邮(偏远除外)", **overrides: Any) -> dict[str, Any]:
    template: dict[str, Any] = {
        "name": name,
        "valuation_type": "PIECE",
        "send_time": "SendTime_TWENTYFOUR_HOUR",
        "address_info": {
            "province_name": "广东省",
            "city_name": "广州市",
            "county_name": "海珠区",
            "detail_info": "新港中路397号",
        },
        "delivery_type": "EXPRESS",
        "delivery_id": ["ZTO", "SF"],
        "shipping_method": "NO_FREE",
        "all_freight_calc_method": {
            "freight_calc_method_list": [
                {
                    "is_default": True,
                    "first_val_amount": 1,
                    "first_price": 800,
                    "second_val_amount": 1,
                    "second_price": 300,
                },
                {
                    "is_default": False,
                    "address_infos": [{"province_name": "新疆维吾尔自治区"}],
                    "first_val_amount": 1,
                    "first_price": 2000,
                    "second_val_amount": 1,
                    "second_price": 1000,
                },
            ]
        },
        "not_send_area": {"address_info": [{"province_name": "西藏自治区"}]},
        "is_default": False,
    }
    template.update(copy.deepcopy(overrides))
    return {"freight_template": template}


def signature(token: str, timestamp: str, nonce: str) -> str:
    return hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode("utf-8")).hexdigest()


class EventReceiver:
    """A callback URL on 127.0.0.1 that records every POST (query and JSON body) and answers ``success``."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self._arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the base class's name
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                query = {key: values[-1] for key, values in parse_qs(urlsplit(self.path).query).items()}
                with receiver._arrived:
                    receiver.events.append(
                        {
                            "path": urlsplit(self.path).path,
                            "query": query,
                            "content_type": self.headers.get("Content-Type"),
                            "json": json.loads(body),
                        }
                    )
                    receiver._arrived.notify_all()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"success")

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/channels/callback"

    def wait_for(self, count: int, timeout: float = TIMEOUT) -> list[dict[str, Any]]:
        with self._arrived:
            assert self._arrived.wait_for(lambda: len(self.events) >= count, timeout), self.events
            return list(self.events)

    def bodies(self) -> list[tuple[str, dict[str, Any]]]:
        """(Event, event body) of every push received, in order."""
        result = []
        for event in self.events:
            payload = event["json"]
            key = next(key for key in payload if key.startswith("ProductSpu"))
            result.append((payload["Event"], payload[key]))
        return result

    def __enter__(self) -> EventReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


# --- orders (the buyer's side is played by control routes) ---------------------------------------------------


def generate(channels: ChannelsApi, product_id: str, sku_id: str, **fields: Any) -> dict[str, Any]:
    """A generated order of the demo Channels app (paid unless ``paid=False``)."""
    body = {"appid": CHANNELS_APP[0], "product_id": product_id, "sku_id": sku_id, **fields}
    return channels.control("POST", "channels/orders/generate", body)["order"]


def buyer(channels: ChannelsApi, action: str, order_id: str) -> dict[str, Any]:
    """A buyer's step (pay, cancel, confirm, settle) on an order of the demo Channels app."""
    return channels.control("POST", f"channels/orders/{action}", {"appid": CHANNELS_APP[0], "order_id": order_id})


def stock(channels: ChannelsApi, product_id: str, sku_id: str) -> int:
    answer = channels.ok("/channels/ec/product/stock/get", {"product_id": product_id, "sku_id": sku_id})
    return answer["data"]["normal_stock_num"]


def now(channels: ChannelsApi) -> int:
    """The sandbox clock."""
    return int(channels.control("GET", "clock")["now"])
