"""Channels orders (README, "Channels orders"): generated orders take the shop's stock, order/list/get pages by
create or update time (ranges of at most 7 days, page_size at most 100, next_key), order/get, the delivery company
lists, delivery/send with partial parcels, the buyer's control routes and the signed order events."""

import pytest

from tests.unit.sandbox.channels.builders import (
    CHANNELS_APP,
    PUSH_TOKEN,
    buyer,
    generate,
    now,
    signature,
    stock,
    tshirt_body,
)

LIST = "/channels/ec/order/list/get"
GET = "/channels/ec/order/get"
SEND = "/channels/ec/order/delivery/send"
WEEK = 7 * 24 * 3600
ERR_PARAM = 10020051


@pytest.fixture
def listed(channels, channel_images, template_id):
    """A listed T恤: (product_id, white-M sku_id (stock 100), black-L sku_id (stock 50))."""
    product_id = channels.listed(tshirt_body(channel_images, template_id))
    return (product_id, *channels.sku_ids(product_id))


def order_events(receiver, count):
    return [(event["json"]["Event"], event["json"]["order_info"]) for event in receiver.wait_for(count)]


def test_a_generated_paid_order_takes_the_stock_and_is_read_back(channels, listed):
    product_id, white_m, _ = listed

    order = generate(channels, product_id, white_m, count=3, freight=800, openid="o-buyer-1")

    assert stock(channels, product_id, white_m) == 97
    assert order["status"] == 20
    assert order["openid"] == "o-buyer-1"
    assert len(order["order_id"]) == 19
    line = order["order_detail"]["product_infos"][0]
    assert line == {
        "product_id": product_id,
        "sku_id": white_m,
        "out_product_id": "local-tee-001",
        "out_sku_id": "tee-white-m",
        "title": "纯棉圆领短袖T恤 夏季新款",
        "thumb_img": line["thumb_img"],
        "sale_price": 5900,
        "sku_cnt": 3,
        "on_aftersale_sku_cnt": 0,
        "finish_aftersale_sku_cnt": 0,
    }
    assert order["order_detail"]["price_info"] == {"product_price": 17700, "order_price": 18500, "freight": 800}
    assert channels.ok(GET, {"order_id": order["order_id"]})["order"] == order
    flow = channels.shop()["stock_flow"][-1]
    assert (flow["sku_id"], flow["diff_type"], flow["num"], flow["stock_after"]) == (white_m, 2, 3, 97)


def test_generation_refuses_more_than_the_stock_and_unlisted_products(channels, listed):
    product_id, _, black_l = listed

    error = channels.control_error(
        "POST",
        "channels/orders/generate",
        {"appid": CHANNELS_APP[0], "product_id": product_id, "sku_id": black_l, "count": 51},
    )

    assert error["errmsg"] == f"invalid args: count 51 exceeds the stock 50 of sku {black_l}"
    assert stock(channels, product_id, black_l) == 50


def test_an_unpaid_order_cancelled_gives_its_stock_back(channels, listed):
    product_id, white_m, _ = listed
    order = generate(channels, product_id, white_m, count=2, paid=False)
    assert order["status"] == 10
    assert stock(channels, product_id, white_m) == 98

    cancelled = buyer(channels, "cancel", order["order_id"])["order"]

    assert cancelled["status"] == 250
    assert stock(channels, product_id, white_m) == 100
    # Only an unpaid order can be cancelled by the buyer.
    paid = generate(channels, product_id, white_m)
    assert channels.control_error(
        "POST", "channels/orders/cancel", {"appid": CHANNELS_APP[0], "order_id": paid["order_id"]}
    )["errmsg"] == (f"invalid args: order {paid['order_id']} has status 20; only 10 can be cancelled")


def test_list_pages_by_create_time_with_next_key(channels, listed):
    product_id, white_m, _ = listed
    ids = [generate(channels, product_id, white_m)["order_id"] for _ in range(5)]
    start = now(channels) - 60

    first = channels.ok(LIST, {"create_time_range": {"start_time": start, "end_time": start + 3600}, "page_size": 2})
    second = channels.ok(
        LIST,
        {
            "create_time_range": {"start_time": start, "end_time": start + 3600},
            "page_size": 2,
            "next_key": first["next_key"],
        },
    )
    third = channels.ok(
        LIST,
        {
            "create_time_range": {"start_time": start, "end_time": start + 3600},
            "page_size": 2,
            "next_key": second["next_key"],
        },
    )

    created_order = sorted(
        ids, key=lambda order_id: (channels.ok(GET, {"order_id": order_id})["order"]["create_time"], order_id)
    )
    assert (first["has_more"], second["has_more"], third["has_more"]) == (True, True, False)
    assert first["order_id_list"] + second["order_id_list"] + third["order_id_list"] == created_order


def test_list_by_update_time_finds_orders_changed_in_the_window(channels, listed):
    product_id, white_m, _ = listed
    old = generate(channels, product_id, white_m, create_time=now(channels) - 30 * 24 * 3600)
    recent = generate(channels, product_id, white_m)
    start = now(channels) - 60

    by_update = channels.ok(LIST, {"update_time_range": {"start_time": start, "end_time": start + WEEK}})
    by_create = channels.ok(LIST, {"create_time_range": {"start_time": start, "end_time": start + WEEK}})

    # The old order was placed a month ago but paid (updated) now.
    assert sorted(by_update["order_id_list"]) == sorted([old["order_id"], recent["order_id"]])
    assert by_create["order_id_list"] == [recent["order_id"]]
    assert (
        channels.ok(LIST, {"update_time_range": {"start_time": start, "end_time": start + WEEK}, "status": 30})[
            "order_id_list"
        ]
        == []
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "create_time_range or update_time_range is required"),
        (
            {"create_time_range": {"start_time": 0, "end_time": WEEK + 1}},
            f"create_time_range spans {WEEK + 1} seconds, more than {WEEK}",
        ),
        (
            {"update_time_range": {"start_time": 10, "end_time": 5}},
            "update_time_range.end_time is before its start_time",
        ),
        ({"update_time_range": {"start_time": 0, "end_time": 5}, "page_size": 101}, "page_size must be at most 100"),
        (
            {"update_time_range": {"start_time": 0, "end_time": 5}, "next_key": "bogus"},
            "next_key 'bogus' is not a key this call returned",
        ),
    ],
)
def test_list_rules(channels, body, message):
    assert channels.error(LIST, body, ERR_PARAM) == "invalid args: " + message


def test_a_range_of_exactly_seven_days_is_accepted(channels):
    answer = channels.ok(LIST, {"create_time_range": {"start_time": "0", "end_time": str(WEEK)}})

    assert answer["order_id_list"] == []
    assert answer["has_more"] is False


def test_the_delivery_company_lists(channels):
    old = channels.ok("/channels/ec/order/deliverycompanylist/get", {})["company_list"]
    new = channels.ok("/channels/ec/order/deliverycompanylist/new/get", {"ewaybill_only": False})["company_list"]

    assert old == new
    assert old[:2] == [{"delivery_id": "ZTO", "delivery_name": "中通"}, {"delivery_id": "YTO", "delivery_name": "圆通"}]
    assert {"delivery_id": "SF", "delivery_name": "顺丰"} in old


def test_partial_delivery_then_the_rest(channels, listed, receiver):
    product_id, white_m, _ = listed
    order = generate(channels, product_id, white_m, count=3)
    order_id = order["order_id"]
    parcel = {"deliver_type": 1, "delivery_id": "SF", "waybill_id": "SF1000001"}

    channels.ok(
        SEND,
        {
            "order_id": order_id,
            "delivery_list": [
                {**parcel, "product_infos": [{"product_id": product_id, "sku_id": white_m, "product_cnt": 1}]}
            ],
        },
    )
    partly = channels.ok(GET, {"order_id": order_id})["order"]
    channels.ok(
        SEND,
        {
            "order_id": order_id,
            "delivery_list": [
                {
                    "deliver_type": 1,
                    "delivery_id": "OTHER",
                    "waybill_id": "X-2",
                    "product_infos": [{"product_id": product_id, "sku_id": white_m, "product_cnt": 2}],
                }
            ],
        },
    )
    shipped = channels.ok(GET, {"order_id": order_id})["order"]

    assert partly["status"] == 21
    assert shipped["status"] == 30
    parcels = shipped["order_detail"]["delivery_info"]["delivery_product_info"]
    assert [
        (p["delivery_id"], p["delivery_name"], p["waybill_id"], p["product_infos"][0]["product_cnt"]) for p in parcels
    ] == [
        ("SF", "顺丰", "SF1000001", 1),
        ("OTHER", "", "X-2", 2),
    ]
    assert order_events(receiver, 4) == [
        ("channels_ec_order_new", {"order_id": order_id}),
        ("channels_ec_order_pay", {"order_id": order_id, "pay_time": order["order_detail"]["pay_info"]["pay_time"]}),
        ("channels_ec_order_deliver", {"order_id": order_id, "finish_delivery": 0}),
        ("channels_ec_order_deliver", {"order_id": order_id, "finish_delivery": 1}),
    ]


def test_delivery_rules(channels, listed):
    product_id, white_m, black_l = listed
    order_id = generate(channels, product_id, white_m, count=1)["order_id"]
    unpaid_id = generate(channels, product_id, white_m, paid=False)["order_id"]

    def send(order_id=order_id, **parcel):
        line = {"product_id": product_id, "sku_id": white_m, "product_cnt": 1}
        body = {"deliver_type": 1, "delivery_id": "SF", "waybill_id": "SF1", "product_infos": [line], **parcel}
        return channels.error(SEND, {"order_id": order_id, "delivery_list": [body]}, ERR_PARAM)

    assert (
        send(delivery_id="NOPE")
        == "invalid args: delivery_list[0].delivery_id NOPE is not in the company list (or OTHER)"
    )
    assert send(waybill_id=None) == "invalid args: delivery_list[0].waybill_id is required"
    assert send(product_infos=[{"product_id": product_id, "sku_id": white_m, "product_cnt": 2}]) == (
        f"invalid args: delivery_list[0].product_infos[0]: only 1 of sku {white_m} are left to ship"
    )
    assert send(product_infos=[{"product_id": product_id, "sku_id": black_l, "product_cnt": 1}]) == (
        f"invalid args: delivery_list[0].product_infos[0]: sku {black_l} of product {product_id} is not in the order"
    )
    assert send(order_id=unpaid_id) == f"invalid args: order {unpaid_id} has status 10; only 20 and 21 can ship"
    assert channels.error(GET, {"order_id": "1"}, ERR_PARAM) == "invalid args: order_id 1 does not exist"
    # A virtual parcel needs no company nor waybill.
    channels.ok(
        SEND,
        {
            "order_id": order_id,
            "delivery_list": [
                {"deliver_type": 3, "product_infos": [{"product_id": product_id, "sku_id": white_m, "product_cnt": 1}]}
            ],
        },
    )
    assert send() == f"invalid args: order {order_id} has status 30; only 20 and 21 can ship"


def test_confirm_and_settle_follow_shipping(channels, listed, receiver):
    product_id, white_m, _ = listed
    order_id = generate(channels, product_id, white_m)["order_id"]
    line = {"product_id": product_id, "sku_id": white_m, "product_cnt": 1}
    channels.ok(
        SEND,
        {
            "order_id": order_id,
            "delivery_list": [{"deliver_type": 1, "delivery_id": "ZTO", "waybill_id": "Z1", "product_infos": [line]}],
        },
    )

    assert buyer(channels, "confirm", order_id)["order"]["status"] == 100
    assert buyer(channels, "settle", order_id)["order"]["status"] == 100
    events = order_events(receiver, 5)
    assert [name for name, _ in events] == [
        "channels_ec_order_new",
        "channels_ec_order_pay",
        "channels_ec_order_deliver",
        "channels_ec_order_confirm",
        "channels_ec_order_settle",
    ]
    assert events[3][1] == {"order_id": order_id, "confirm_type": 1}


def test_order_events_are_signed_json_like_the_product_events(channels, listed, receiver):
    product_id, white_m, _ = listed

    order_id = generate(channels, product_id, white_m)["order_id"]

    event = receiver.wait_for(2)[0]
    query = event["query"]
    assert event["content_type"] == "application/json"
    assert query["signature"] == signature(PUSH_TOKEN, query["timestamp"], query["nonce"])
    assert event["json"]["MsgType"] == "event"
    assert event["json"]["Event"] == "channels_ec_order_new"
    assert event["json"]["order_info"] == {"order_id": order_id}
    assert [push["event"] for push in channels.shop()["pushes"]][-2:] == [
        "channels_ec_order_new",
        "channels_ec_order_pay",
    ]


def test_orders_are_kept_per_app_and_in_the_state_dump(channels, listed):
    product_id, white_m, _ = listed
    order_id = generate(channels, product_id, white_m)["order_id"]

    assert channels.error(GET, {"order_id": order_id}, ERR_PARAM, appid="wx_test_channels") == (
        f"invalid args: order_id {order_id} does not exist"
    )
    assert [order["order_id"] for order in channels.shop()["orders"]] == [order_id]
