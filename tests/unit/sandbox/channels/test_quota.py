"""The add+update submission quota of reference §3.3 (10020066): per shop, per hour and per day on the sandbox clock,
configurable per run; withdrawals count, stock-only edits and auditfree do not."""

import pytest

from tests.unit.sandbox.channels.builders import CHANNELS_TEST_APP, tshirt_body

ADD = "/channels/ec/product/add"
UPDATE = "/channels/ec/product/update"


@pytest.fixture
def body(channel_images, template_id):
    return tshirt_body(channel_images, template_id)


def test_the_default_quota_is_200_per_hour_and_1000_per_day(channels):
    assert channels.control("GET", "config")["channels_quota"] == {"hour": 200, "day": 1000}


def test_add_and_update_share_the_hourly_quota_and_the_window_rolls_with_the_clock(channels, body):
    channels.configure(channels_quota={"hour": 2})
    product_id = channels.add(body)
    channels.advance(60)
    channels.ok(UPDATE, {"product_id": product_id, **body, "title": "纯棉圆领短袖T恤 二代"})
    channels.advance(60)

    refused_add = channels.error(ADD, body, 10020066)
    refused_update = channels.error(
        UPDATE, {"product_id": product_id, **body, "title": "纯棉圆领短袖T恤 三代"}, 10020066
    )
    channels.advance(3600 - 120)
    channels.add(body)

    assert refused_add == refused_update == ("submission quota reached: 2/2 in the last hour, 2/1000 in the last day")
    assert len(channels.shop()["products"]) == 2
    # The first add left the hour window; the update and the new add are in it.
    assert channels.shop()["quota"] == {"hour_used": 2, "day_used": 3, "hour": 2, "day": 1000}


def test_the_daily_quota_needs_a_day_to_roll_over(channels, body):
    channels.configure(channels_quota={"hour": 100, "day": 2})
    channels.add(body)
    channels.add(body)

    refused = channels.error(ADD, body, 10020066)
    channels.advance(3600)
    still_refused = channels.error(ADD, body, 10020066)
    channels.advance(86400 - 3600)
    channels.fetch_token()  # a day outlives the token
    channels.add(body)

    assert refused == "submission quota reached: 2/100 in the last hour, 2/2 in the last day"
    assert still_refused == "submission quota reached: 0/100 in the last hour, 2/2 in the last day"


def test_the_quota_is_per_shop(channels, body, channel_images):
    channels.configure(channels_quota={"hour": 1})
    channels.add(body)

    other_image = [channels.image(index, appid=CHANNELS_TEST_APP[0]) for index in range(4)]
    other_template = channels.ok(
        "/channels/ec/merchant/addfreighttemplate",
        {"freight_template": {**_free_template(), "name": "包邮"}},
        appid=CHANNELS_TEST_APP[0],
    )["template_id"]

    channels.add(tshirt_body(other_image, other_template), appid=CHANNELS_TEST_APP[0])
    assert channels.error(ADD, body, 10020066)


def _free_template():
    return {
        "name": "包邮",
        "valuation_type": "PIECE",
        "send_time": "SendTime_FOUR_HOUR",
        "address_info": {"province_name": "浙江省"},
        "shipping_method": "FREE",
    }


def test_audit_cancel_counts_and_is_refused_over_quota(channels, body):
    channels.configure(channels_quota={"hour": 2})
    first = channels.add(body)
    channels.ok("/channels/ec/product/audit/cancel", {"product_id": first})
    second = channels.error(ADD, body, 10020066)

    assert second.startswith("submission quota reached: 2/2")
    channels.configure(channels_quota={"hour": 3})
    product_id = channels.add(body)
    assert channels.error("/channels/ec/product/audit/cancel", {"product_id": product_id}, 10020066)
    assert channels.draft(product_id)["edit_status"] == 2


def test_stock_only_edits_auditfree_and_stock_updates_of_a_listed_product_do_not_count(channels, body):
    channels.configure(channels_quota={"hour": 1})
    product_id = channels.listed(body)
    white_m = channels.sku_ids(product_id)[0]

    stock_only = {"product_id": product_id, **body}
    stock_only["skus"][0]["stock_num"] = 3
    channels.ok(UPDATE, stock_only)
    channels.ok(
        "/channels/ec/product/auditfree", {"product_id": product_id, "skus": [{"sku_id": white_m, "stock_num": 4}]}
    )
    channels.ok(
        "/channels/ec/product/stock/update", {"product_id": product_id, "sku_id": white_m, "diff_type": 1, "num": 1}
    )
    real_change = channels.error(UPDATE, {**stock_only, "title": "纯棉圆领短袖T恤 改版"}, 10020066)

    assert real_change.startswith("submission quota reached: 1/1")
    assert channels.shop()["quota"]["hour_used"] == 1


def test_refused_calls_do_not_count(channels, body):
    channels.configure(channels_quota={"hour": 1})
    channels.error(ADD, {**body, "title": "短"}, 10020042)

    channels.add(body)


def test_quota_config_is_checked(channels):
    assert channels.control_error("POST", "config", {"channels_quota": {"minute": 5}})["errmsg"] == (
        "invalid args: channels_quota must be an object with hour and/or day"
    )
    assert channels.control_error("POST", "config", {"channels_quota": {"hour": -1}})["errmsg"] == (
        "invalid args: channels_quota.hour must be an integer >= 0"
    )
