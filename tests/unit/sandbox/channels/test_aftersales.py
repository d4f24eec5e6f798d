"""Channels after-sales (README, "Channels orders"): the buyer applies (control route), the merchant lists, reads,
accepts or rejects; refunds and returns move through their states, the order follows, and every change is sent
as channels_ec_aftersale_update. The platform gives no stock back for a refund."""

import pytest

from tests.unit.sandbox.channels.builders import CHANNELS_APP, buyer, generate, now, stock, tshirt_body

GET = "/channels/ec/aftersale/getaftersaleorder"
LIST = "/channels/ec/aftersale/getaftersalelist"
ACCEPT = "/channels/ec/aftersale/acceptapply"
REJECT = "/channels/ec/aftersale/rejectapply"
ORDER = "/channels/ec/order/get"


@pytest.fixture
def listed(channels, channel_images, template_id):
    product_id = channels.listed(tshirt_body(channel_images, template_id))
    return (product_id, *channels.sku_ids(product_id))


def apply(channels, order_id, product_id, sku_id, **fields):
    body = {"appid": CHANNELS_APP[0], "order_id": order_id, "product_id": product_id, "sku_id": sku_id, **fields}
    return channels.control("POST", "channels/aftersales/apply", body)["after_sale_order"]


def order(channels, order_id):
    return channels.ok(ORDER, {"order_id": order_id})["order"]


def test_a_refund_applied_and_accepted(channels, listed, receiver):
    product_id, white_m, _ = listed
    order_id = generate(channels, product_id, white_m, count=2)["order_id"]

    after_sale = apply(channels, order_id, product_id, white_m, count=2, reason="不想要了")
    during = order(channels, order_id)
    channels.ok(ACCEPT, {"after_sale_order_id": after_sale["after_sale_order_id"]})
    after = order(channels, order_id)

    after_sale_id = after_sale["after_sale_order_id"]
    assert after_sale["status"] == "MERCHANT_PROCESSING"
    assert after_sale["refund_info"] == {"amount": 11800}
    assert after_sale["product_info"] == {"product_id": product_id, "sku_id": white_m, "count": 2}
    assert during["order_detail"]["product_infos"][0]["on_aftersale_sku_cnt"] == 2
    assert during["aftersale_detail"]["aftersale_order_list"] == [{"aftersale_order_id": after_sale_id}]
    assert after["order_detail"]["product_infos"][0]["on_aftersale_sku_cnt"] == 0
    assert after["order_detail"]["product_infos"][0]["finish_aftersale_sku_cnt"] == 2
    # Everything refunded: the order is cancelled ("包括售后取消"); the platform keeps the stock taken.
    assert after["status"] == 250
    assert stock(channels, product_id, white_m) == 98
    got = channels.ok(GET, {"after_sale_order_id": after_sale_id})["after_sale_order"]
    assert got["status"] == "MERCHANT_REFUND_SUCCESS"
    updates = [event["json"] for event in receiver.wait_for(4)[2:]]
    assert [update["Event"] for update in updates] == ["channels_ec_aftersale_update"] * 2
    assert [update["finder_shop_aftersale_status_update"] for update in updates] == [
        {"status": "MERCHANT_PROCESSING", "after_sale_order_id": after_sale_id, "order_id": order_id},
        {"status": "MERCHANT_REFUND_SUCCESS", "after_sale_order_id": after_sale_id, "order_id": order_id},
    ]


def test_a_partial_refund_then_the_rest_ships(channels, listed):
    product_id, white_m, _ = listed
    order_id = generate(channels, product_id, white_m, count=3)["order_id"]
    after_sale_id = apply(channels, order_id, product_id, white_m, count=1)["after_sale_order_id"]
    line = {"product_id": product_id, "sku_id": white_m, "product_cnt": 2}
    parcel = {"deliver_type": 1, "delivery_id": "SF", "waybill_id": "SF9", "product_infos": [line]}

    # Pieces under an open after-sale do not ship.
    assert channels.error(
        "/channels/ec/order/delivery/send", {"order_id": order_id, "delivery_list": [parcel]}, 10020051
    ) == (f"invalid args: delivery_list[0].product_infos[0]: sku {white_m} is under an open after-sale")
    channels.ok(ACCEPT, {"after_sale_order_id": after_sale_id})
    channels.ok("/channels/ec/order/delivery/send", {"order_id": order_id, "delivery_list": [parcel]})

    assert order(channels, order_id)["status"] == 30


def test_a_return_waits_for_the_parcel_then_is_refunded(channels, listed):
    product_id, white_m, _ = listed
    order_id = generate(channels, product_id, white_m, count=1)["order_id"]
    after_sale_id = apply(channels, order_id, product_id, white_m, type="RETURN")["after_sale_order_id"]

    def status():
        return channels.ok(GET, {"after_sale_order_id": after_sale_id})["after_sale_order"]["status"]

    channels.ok(ACCEPT, {"after_sale_order_id": after_sale_id})
    assert status() == "USER_WAIT_RETURN"
    assert channels.error(ACCEPT, {"after_sale_order_id": after_sale_id}, 10020001) == (
        f"after-sale {after_sale_id} is USER_WAIT_RETURN"
    )
    channels.control(
        "POST", "channels/aftersales/return", {"appid": CHANNELS_APP[0], "after_sale_order_id": after_sale_id}
    )
    assert status() == "MERCHANT_WAIT_RECEIPT"
    channels.ok(ACCEPT, {"after_sale_order_id": after_sale_id})
    assert status() == "MERCHANT_RETURN_SUCCESS"


def test_a_rejected_refund_frees_the_pieces(channels, listed):
    product_id, white_m, _ = listed
    order_id = generate(channels, product_id, white_m, count=1)["order_id"]
    after_sale_id = apply(channels, order_id, product_id, white_m)["after_sale_order_id"]

    assert channels.error(REJECT, {"after_sale_order_id": after_sale_id}, 10020051) == (
        "invalid args: reject_reason_type is required"
    )
    channels.ok(REJECT, {"after_sale_order_id": after_sale_id, "reject_reason_type": 1, "reject_reason": "已发货"})

    got = channels.ok(GET, {"after_sale_order_id": after_sale_id})["after_sale_order"]
    assert got["status"] == "MERCHANT_REJECT_REFUND"
    assert got["details"] == {"desc": "", "reject_reason": "已发货"}
    assert order(channels, order_id)["order_detail"]["product_infos"][0]["on_aftersale_sku_cnt"] == 0
    assert order(channels, order_id)["status"] == 20
    assert channels.error(REJECT, {"after_sale_order_id": after_sale_id, "reject_reason_type": 1}, 10020001) == (
        f"after-sale {after_sale_id} is MERCHANT_REJECT_REFUND"
    )
    assert channels.error(GET, {"after_sale_order_id": "1"}, 10020000) == "after_sale_order_id 1 does not exist"


def test_apply_rules(channels, listed):
    product_id, white_m, _ = listed
    unpaid_id = generate(channels, product_id, white_m, paid=False)["order_id"]
    order_id = generate(channels, product_id, white_m, count=1)["order_id"]

    def refused(**fields):
        body = {"appid": CHANNELS_APP[0], "product_id": product_id, "sku_id": white_m, **fields}
        return channels.control_error("POST", "channels/aftersales/apply", body)["errmsg"]

    assert refused(order_id=unpaid_id) == f"invalid args: order {unpaid_id} has status 10; it has nothing to refund"
    assert refused(order_id=order_id, count=2) == (
        f"invalid args: count 2 exceeds the 1 pieces of sku {white_m} open to an after-sale"
    )
    assert refused(order_id=order_id, type="SWAP") == "invalid args: type must be REFUND or RETURN"
    assert buyer(channels, "pay", unpaid_id)["order"]["status"] == 20


def test_list_pages_within_a_day(channels, listed):
    product_id, white_m, _ = listed
    ids = []
    for _ in range(3):
        order_id = generate(channels, product_id, white_m)["order_id"]
        ids.append(apply(channels, order_id, product_id, white_m)["after_sale_order_id"])
    start = now(channels) - 60

    answer = channels.ok(LIST, {"begin_create_time": start, "end_create_time": start + 3600})

    assert sorted(answer["after_sale_order_id_list"]) == sorted(ids)
    assert answer["has_more"] is False
    assert channels.error(LIST, {"begin_update_time": 0, "end_update_time": 24 * 3600 + 1}, 10020004) == (
        "begin_update_time..end_update_time must be an interval of at most 24 hours"
    )
    assert (
        channels.ok(LIST, {"begin_update_time": start, "end_update_time": start + 10, "next_key": answer["next_key"]})[
            "after_sale_order_id_list"
        ]
        == []
    )


REASONS = "/channels/ec/aftersale/rejectreason/get"


def test_the_reject_reasons_are_listed_per_scene(channels):
    reasons = channels.ok(REASONS, {})["reason_list"]

    assert [(row["reject_reason_type"], row["reject_scene"]) for row in reasons] == [
        (1, 1),
        (2, 4),
        (3, 4),
        (6, 1),
        (6, 4),
    ]
    assert reasons[3]["reject_reason_type_text"] == "买家误操作/已协商取消申请"


def test_a_reject_needs_a_reason_of_the_after_sales_scene_and_defaults_its_text(channels, listed):
    product_id, white_m, _ = listed
    order_id = generate(channels, product_id, white_m, count=1)["order_id"]
    after_sale_id = apply(channels, order_id, product_id, white_m)["after_sale_order_id"]

    # Reason 2 is for returns only: a refund cannot be rejected with it, and nothing changes.
    assert channels.error(REJECT, {"after_sale_order_id": after_sale_id, "reject_reason_type": 2}, 10020051) == (
        "invalid args: reject_reason_type 2 is not a reason of scene 1"
    )
    assert channels.ok(GET, {"after_sale_order_id": after_sale_id})["after_sale_order"]["status"] == (
        "MERCHANT_PROCESSING"
    )
    channels.ok(REJECT, {"after_sale_order_id": after_sale_id, "reject_reason_type": 6})

    got = channels.ok(GET, {"after_sale_order_id": after_sale_id})["after_sale_order"]
    assert got["details"]["reject_reason"] == "亲，真是抱歉给您带来麻烦了，已与您协商取消申请。"
