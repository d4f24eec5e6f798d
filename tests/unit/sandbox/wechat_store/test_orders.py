"""Orders (reference §2.6): generated through the control API, then read, filtered, shipped and closed; the
order-paid push and its signature."""

import hashlib
import threading
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.unit.sandbox.wechat_store.builders import (
    COLOUR,
    SIZE,
    SIZE_M,
    WHITE,
    template_body,
    tshirt_body,
    uniform_body,
)

WHITE_M = f"{COLOUR}:{WHITE};{SIZE}:{SIZE_M}"
ORDER_FIELDS = {
    "order_id",
    "order_status",
    "order_total_price",
    "order_create_time",
    "order_express_price",
    "buyer_openid",
    "buyer_nick",
    "receiver_name",
    "receiver_province",
    "receiver_city",
    "receiver_zone",
    "receiver_address",
    "receiver_mobile",
    "receiver_phone",
    "product_id",
    "product_name",
    "product_price",
    "product_sku",
    "product_count",
    "product_img",
    "delivery_id",
    "delivery_company",
    "trans_id",
    "products",
}


@pytest.fixture
def product_id(api, images):
    product_id = api.create_product(tshirt_body(images))
    api.list_product(product_id)
    return product_id


def _generate(api, product_id, **fields):
    return api.control("POST", "orders/generate", {"appid": "wx_demo_store", "product_id": product_id, **fields})


def test_generate_creates_a_paid_order_and_takes_the_stock(api, images, product_id):
    answer = _generate(
        api, product_id, sku_info=WHITE_M, count=2, buyer_openid="oDF3iY_buyer_0001", create_time=1700000000
    )

    order = answer["order"]
    assert answer["push"] is None
    assert set(order) == ORDER_FIELDS
    assert order["order_id"].isdigit()
    assert len(order["order_id"]) == 19
    assert order["trans_id"].startswith("42000")
    line = {
        "product_id": product_id,
        "product_name": "纯棉圆领T恤",
        "product_price": 9900,
        "product_sku": WHITE_M,
        "product_count": 2,
        "product_img": images[0],
    }
    assert {key: value for key, value in order.items() if key not in {"order_id", "trans_id"}} == {
        "order_status": 2,
        "order_total_price": 2 * 9900 + 600,
        "order_create_time": 1700000000,
        "order_express_price": 600,
        "buyer_openid": "oDF3iY_buyer_0001",
        "buyer_nick": "测试买家",
        "receiver_name": "张三",
        "receiver_province": "广东省",
        "receiver_city": "广州市",
        "receiver_zone": "海珠区",
        "receiver_address": "新港中路397号 T.I.T创意园",
        "receiver_mobile": "13800138000",
        "receiver_phone": "",
        **line,
        "delivery_id": "",
        "delivery_company": "",
        "products": [line],
    }
    assert api.state()["products"][0]["stock"][WHITE_M] == 8
    [effect] = api.applied(endpoint="/__sandbox__/orders/generate")
    assert effect["fields"] == {
        "order_id": order["order_id"],
        "product_id": product_id,
        "sku_info": WHITE_M,
        "quantity": 2,
        "stock_after": 8,
    }


def test_generate_uses_the_template_postage_and_buyer_fields(api, images):
    template_id = api.ok("/merchant/express/add", template_body())["template_id"]
    product_id = api.create_product(tshirt_body(images, delivery_info={"delivery_type": 1, "template_id": template_id}))
    api.list_product(product_id)

    order = _generate(api, product_id, sku_info=WHITE_M, count=4, receiver_name="李四", receiver_zone="天河区")["order"]

    # Start fee 800 for the first item, then 300 per started block of 2 more: 800 + 2 * 300.
    assert order["order_express_price"] == 1400
    assert order["order_total_price"] == 4 * 9900 + 1400
    assert (order["receiver_name"], order["receiver_zone"]) == ("李四", "天河区")


def test_generate_refuses_unlisted_products_and_short_stock(api, images, product_id):
    unlisted = api.create_product(uniform_body(images))

    not_listed = api.control_error("POST", "orders/generate", {"appid": "wx_demo_store", "product_id": unlisted})
    too_many = api.control_error(
        "POST",
        "orders/generate",
        {"appid": "wx_demo_store", "product_id": product_id, "sku_info": WHITE_M, "count": 11},
    )
    no_sku = api.control_error("POST", "orders/generate", {"appid": "wx_demo_store", "product_id": product_id})
    no_app = api.control_error("POST", "orders/generate", {"appid": "wx_nobody", "product_id": product_id})

    assert not_listed == {"errcode": 40097, "errmsg": f"invalid args: product {unlisted} is not on the shelf"}
    assert too_many == {"errcode": 40097, "errmsg": f'invalid args: count 11 exceeds the stock 10 of sku "{WHITE_M}"'}
    assert no_sku == {"errcode": 40097, "errmsg": f'invalid args: sku_info "" is not a sku of product {product_id}'}
    assert no_app == {"errcode": 40097, "errmsg": "invalid args: appid wx_nobody is not a sandbox app"}
    assert api.state()["orders"] == []
    assert api.state()["products"][0]["stock"][WHITE_M] == 10


def test_getbyid_and_getbyfilter(api, product_id):
    early = _generate(api, product_id, sku_info=WHITE_M, create_time=1700000000)["order"]
    late = _generate(api, product_id, sku_info=WHITE_M, create_time=1700000500)["order"]
    api.ok("/merchant/order/setdelivery", {"order_id": early["order_id"], "need_delivery": 0})

    by_id = api.ok("/merchant/order/getbyid", {"order_id": late["order_id"]})
    every = api.ok("/merchant/order/getbyfilter", {})
    no_body = api.ok("/merchant/order/getbyfilter")
    awaiting = api.ok("/merchant/order/getbyfilter", {"status": 2})
    shipped = api.get("/merchant/order/getbyfilter", {"status": 3})
    window = api.ok("/merchant/order/getbyfilter", {"begintime": 1700000100, "endtime": 1700000500})
    window_by_get = api.get("/merchant/order/getbyfilter", {"begintime": 1700000100, "endtime": 1700000500})
    rights = api.ok("/merchant/order/getbyfilter", {"status": 8})

    def ids(answer):
        return [order["order_id"] for order in answer["order_list"]]

    assert by_id["order"] == late
    assert ids(every) == ids(no_body) == [early["order_id"], late["order_id"]]
    assert ids(awaiting) == [late["order_id"]]
    assert ids(shipped) == [early["order_id"]]
    assert ids(window) == ids(window_by_get) == [late["order_id"]]
    assert ids(rights) == []
    assert api.post("/merchant/order/getbyid", {"order_id": "123"})["errmsg"] == (
        "invalid args: order_id 123 does not exist"
    )
    assert (
        api.get("/merchant/order/getbyfilter", {"status": "two"})["errmsg"] == "invalid args: status must be an integer"
    )


def test_setdelivery_ships_an_order_awaiting_shipment(api, product_id):
    order_id = _generate(api, product_id, sku_info=WHITE_M)["order"]["order_id"]

    api.ok(
        "/merchant/order/setdelivery",
        {"order_id": order_id, "delivery_company": "003shunfeng", "delivery_track_no": "SF1234567890"},
    )

    order = api.ok("/merchant/order/getbyid", {"order_id": order_id})["order"]
    assert (order["order_status"], order["delivery_company"], order["delivery_id"]) == (
        3,
        "003shunfeng",
        "SF1234567890",
    )
    [effect] = api.applied(endpoint="/merchant/order/setdelivery")
    assert effect["fields"] == {
        "order_id": order_id,
        "need_delivery": 1,
        "delivery_company": "003shunfeng",
        "delivery_track_no": "SF1234567890",
        "is_others": 0,
    }


def test_setdelivery_accepts_other_companies_with_is_others(api, product_id):
    order_id = _generate(api, product_id, sku_info=WHITE_M)["order"]["order_id"]

    api.ok(
        "/merchant/order/setdelivery",
        {"order_id": order_id, "delivery_company": "京东物流", "delivery_track_no": "JD0001", "is_others": 1},
    )

    assert api.ok("/merchant/order/getbyid", {"order_id": order_id})["order"]["delivery_company"] == "京东物流"


@pytest.mark.parametrize(
    ("fields", "errmsg"),
    [
        ({"delivery_track_no": "SF1"}, "delivery_company is required"),
        ({"delivery_company": "003shunfeng"}, "delivery_track_no is required"),
        (
            {"need_delivery": 1, "delivery_company": "", "delivery_track_no": "SF1"},
            "delivery_company must not be empty",
        ),
        (
            {"delivery_company": "shunfeng", "delivery_track_no": "SF1"},
            "delivery_company shunfeng is not a known company id (set is_others to 1)",
        ),
        ({"need_delivery": 2}, "need_delivery must be one of 0, 1"),
        ({"need_delivery": 0, "is_others": 3}, "is_others must be one of 0, 1"),
    ],
)
def test_setdelivery_rules(api, product_id, fields, errmsg):
    order_id = _generate(api, product_id, sku_info=WHITE_M)["order"]["order_id"]

    answer = api.post("/merchant/order/setdelivery", {"order_id": order_id, **fields})

    assert answer == {"errcode": 40097, "errmsg": f"invalid args: {errmsg}"}
    assert api.ok("/merchant/order/getbyid", {"order_id": order_id})["order"]["order_status"] == 2
    assert api.applied(endpoint="/merchant/order/setdelivery") == []


def test_only_orders_awaiting_shipment_ship_or_close(api, product_id):
    shipped = _generate(api, product_id, sku_info=WHITE_M)["order"]["order_id"]
    closing = _generate(api, product_id, sku_info=WHITE_M)["order"]["order_id"]
    api.ok("/merchant/order/setdelivery", {"order_id": shipped, "need_delivery": 0})

    api.ok("/merchant/order/close", {"order_id": closing})

    closed = api.ok("/merchant/order/getbyid", {"order_id": closing})["order"]
    assert closed["order_status"] == 6
    assert api.post("/merchant/order/setdelivery", {"order_id": shipped, "need_delivery": 0})["errmsg"] == (
        f"invalid args: order {shipped} has status 3; only 2 can ship"
    )
    assert api.post("/merchant/order/setdelivery", {"order_id": closing, "need_delivery": 0})["errmsg"] == (
        f"invalid args: order {closing} has status 6; only 2 can ship"
    )
    assert api.post("/merchant/order/close", {"order_id": shipped})["errmsg"] == (
        f"invalid args: order {shipped} has status 3; only 2 can close"
    )
    # Closing gives no stock back: two orders of one item each took 2 of 10.
    assert api.state()["products"][0]["stock"][WHITE_M] == 8
    assert [e["fields"] for e in api.applied(endpoint="/merchant/order/close")] == [{"order_id": closing}]


# --- order-paid push --------------------------------------------------------------------------------------------


class _Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers["Content-Length"])
        self.server.received.append(
            {"path": self.path, "content_type": self.headers["Content-Type"], "body": self.rfile.read(length)}
        )
        answer = b"success"
        self.send_response(200)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format, *args):
        pass


@pytest.fixture
def receiver():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    httpd.received = []
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def _check_signature(query, token):
    expected = hashlib.sha1("".join(sorted([token, query["timestamp"], query["nonce"]])).encode()).hexdigest()
    return query["signature"] == expected


def test_generate_pushes_a_signed_merchant_order_event(api, product_id, receiver):
    url = f"http://127.0.0.1:{receiver.server_address[1]}/wechat/callback"
    api.control("POST", "config", {"event_url": url})

    answer = _generate(api, product_id, sku_info=WHITE_M, buyer_openid="oDF3iY_buyer_0002")

    assert answer["push"] == {"url": url, "status": 200, "answer": "success", "error": None}
    [push] = receiver.received
    parts = urlsplit(push["path"])
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    assert parts.path == "/wechat/callback"
    assert set(query) == {"signature", "timestamp", "nonce"}
    assert _check_signature(query, "sandbox-push-token")
    assert push["content_type"] == "text/xml; charset=utf-8"
    xml = ET.fromstring(push["body"])
    fields = {child.tag: child.text for child in xml}
    assert fields == {
        "ToUserName": "gh_" + hashlib.sha1(b"wx_demo_store").hexdigest()[:12],
        "FromUserName": "oDF3iY_buyer_0002",
        "CreateTime": query["timestamp"],
        "MsgType": "event",
        "Event": "merchant_order",
        "OrderId": answer["order"]["order_id"],
        "OrderStatus": "2",
        "ProductId": product_id,
        "SkuInfo": WHITE_M,
    }
    assert b"<OrderId><![CDATA[" in push["body"]


def test_the_push_token_is_configurable_per_app(api, product_id, receiver):
    url = f"http://127.0.0.1:{receiver.server_address[1]}/cb?shop=1"
    api.control("POST", "config", {"event_url": url, "push_tokens": {"wx_demo_store": "my-server-token"}})

    _generate(api, product_id, sku_info=WHITE_M)

    [push] = receiver.received
    query = {key: values[0] for key, values in parse_qs(urlsplit(push["path"]).query).items()}
    assert query["shop"] == "1"
    assert _check_signature(query, "my-server-token")
    assert not _check_signature(query, "sandbox-push-token")


def test_an_unreachable_event_url_is_reported_and_the_order_still_exists(api, product_id, receiver):
    port = receiver.server_address[1]
    receiver.shutdown()
    receiver.server_close()
    api.control("POST", "config", {"event_url": f"http://127.0.0.1:{port}/gone"})

    answer = _generate(api, product_id, sku_info=WHITE_M)

    assert answer["push"]["status"] is None
    assert answer["push"]["error"]
    assert [order["order_id"] for order in api.state()["orders"]] == [answer["order"]["order_id"]]
