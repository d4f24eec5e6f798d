"""Mini-shop orders (README, "Mini-shop orders"): a generated order takes the stock, get_list pages by time and
status, get reads it, and delivery/send ships it whole or in parcels per SKU, with its errcodes."""

import pytest

from tests.unit.sandbox.minishop.builders import AUDIT_DELAY_SECONDS, MINISHOP_APP, MiniShopApi, tshirt_body

LIST = "/product/order/get_list"
GET = "/product/order/get"
SEND = "/product/delivery/send"
ERR_PARAM = 9401020


@pytest.fixture
def minishop(server, http) -> MiniShopApi:
    api = MiniShopApi(server.url, http)
    api.configure(minishop_audit={"delay_seconds": AUDIT_DELAY_SECONDS, "outcome": "pass"})
    return api


@pytest.fixture
def listed(minishop):
    product_id = minishop.listed(tshirt_body())
    return (product_id, *minishop.sku_ids(product_id))


def generate(minishop, product_id, sku_id, **fields):
    body = {"appid": MINISHOP_APP[0], "product_id": product_id, "sku_id": sku_id, **fields}
    return minishop.control("POST", "minishop/orders/generate", body)["order"]


def stock(minishop, product_id, sku_id):
    skus = minishop.ok("/product/sku/get_list", {"product_id": product_id, "need_edit_sku": 1, "need_real_stock": 1})
    return next(sku["stock_num"] for sku in skus["skus"] if sku["sku_id"] == sku_id)


def test_a_generated_order_takes_the_stock_and_is_listed(minishop, listed):
    product_id, white, _ = listed

    order = generate(minishop, product_id, white, count=3, freight=500)
    page = minishop.ok(LIST, {"status": 20, "page": 1, "page_size": 10})

    assert stock(minishop, product_id, white) == 7
    assert order["status"] == 20
    assert order["order_detail"]["price_info"] == {"product_price": 17700, "order_price": 18200, "freight": 500}
    line = order["order_detail"]["product_infos"][0]
    assert (line["product_id"], line["sku_id"], line["sku_cnt"], line["out_sku_id"]) == (
        product_id,
        white,
        3,
        "TS-001-白色",
    )
    assert page["orders"] == [order]
    assert page["total_num"] == 1
    assert minishop.ok(GET, {"order_id": order["order_id"]})["order"] == order
    assert minishop.ok(LIST, {"status": 30})["orders"] == []


def test_get_list_filters_by_china_time_and_pages(minishop, listed):
    product_id, white, black = listed
    ids = [generate(minishop, product_id, sku)["order_id"] for sku in (white, black, white)]
    created = minishop.ok(GET, {"order_id": ids[0]})["order"]["create_time"]

    first = minishop.ok(LIST, {"start_create_time": created, "page": 1, "page_size": 2})
    second = minishop.ok(LIST, {"start_create_time": created, "page": 2, "page_size": 2})

    assert [order["order_id"] for order in first["orders"] + second["orders"]] == ids
    assert first["total_num"] == 3
    assert minishop.ok(LIST, {"end_update_time": "2000-01-01 00:00:00"})["orders"] == []
    assert minishop.error(LIST, {"start_create_time": "yesterday"}, ERR_PARAM) == (
        'invalid param: start_create_time must be "YYYY-MM-DD HH:MM:SS"'
    )
    assert minishop.error(LIST, {"page_size": 101}, ERR_PARAM) == "invalid param: page_size must be at most 100"


def test_a_parcel_per_sku_then_the_rest_of_the_order(minishop, listed):
    product_id, white, _ = listed
    order_id = generate(minishop, product_id, white, count=3)["order_id"]
    parcel = {"delivery_id": "SF", "waybill_id": "SF1", "is_all_product": False}

    minishop.ok(
        SEND,
        {
            "order_id": order_id,
            "delivery_list": [
                {**parcel, "product_infos": [{"product_id": product_id, "sku_id": white, "product_cnt": 1}]}
            ],
        },
    )
    partly = minishop.ok(GET, {"order_id": order_id})["order"]
    minishop.ok(SEND, {"order_id": order_id, "delivery_list": [{"delivery_id": "ZTO", "waybill_id": "ZTO2"}]})
    shipped = minishop.ok(GET, {"order_id": order_id})["order"]

    assert partly["status"] == 21
    assert shipped["status"] == 30
    parcels = shipped["order_detail"]["delivery_info"]["delivery_product_info"]
    assert [(p["delivery_id"], p["waybill_id"], p["product_infos"]) for p in parcels] == [
        ("SF", "SF1", [{"product_id": product_id, "sku_id": white, "product_cnt": 1}]),
        ("ZTO", "ZTO2", [{"product_id": product_id, "sku_id": white, "product_cnt": 2}]),
    ]
    assert minishop.error(
        SEND, {"order_id": order_id, "delivery_list": [{"delivery_id": "SF", "waybill_id": "SF3"}]}, 109001
    ) == (f"order {order_id} is already shipped")


def test_delivery_rules(minishop, listed):
    product_id, white, black = listed
    order_id = generate(minishop, product_id, white, count=1)["order_id"]

    def send(**parcel):
        body = {"delivery_id": "SF", "waybill_id": "SF1", **parcel}
        return minishop.error(SEND, {"order_id": order_id, "delivery_list": [body]}, ERR_PARAM)

    assert send(delivery_id="NOPE") == "invalid param: delivery_list[0].delivery_id NOPE is not in the company list"
    assert send(
        is_all_product=False, product_infos=[{"product_id": product_id, "sku_id": white, "product_cnt": 2}]
    ) == (f"invalid param: only 1 of sku {white} are left to ship")
    assert send(
        is_all_product=False, product_infos=[{"product_id": product_id, "sku_id": black, "product_cnt": 1}]
    ) == (f"invalid param: sku {black} of product {product_id} is not in the order")
    assert minishop.error(GET, {"order_id": 1}, ERR_PARAM) == "invalid param: order_id 1 does not exist"
    companies = minishop.ok("/product/delivery/get_company_list", {})["company_list"]
    assert companies[0] == {"delivery_id": "SF", "delivery_name": "顺丰速运"}


def test_orders_appear_in_the_state_dump(minishop, listed):
    product_id, white, _ = listed

    order_id = generate(minishop, product_id, white)["order_id"]

    assert [order["order_id"] for order in minishop.shop()["orders"]] == [order_id]
