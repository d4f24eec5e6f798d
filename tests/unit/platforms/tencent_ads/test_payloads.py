"""Sales-info bodies for Tencent Ads (API reference §5, seed 003): golden files, the mapping and every rule."""

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from channels_sync.platforms.errors import PayloadError
from channels_sync.platforms.tencent_ads import payloads
from tests.unit.platforms.channels.builders import sku, tshirt
from tests.unit.platforms.tencent_ads.builders import OPTIONS, SEED_CORRECTED, SEED_VERBATIM, SETTINGS, many_skus

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def build(snapshot=None, *, listed=True, sku_status=payloads.NORMAL, settings=SETTINGS):
    return payloads.sales_info_payload(snapshot or tshirt(), settings, listed=listed, sku_status=sku_status)


# --- golden files -------------------------------------------------------------------------------------------


def test_listed_multi_sku_product_matches_golden(golden):
    body = build()

    golden("salesinfo_tshirt_listed", body)
    assert [item["external_sku_id"] for item in body["sku_sales_infos"]] == ["TS-WH-M", "1-12", "TS-BK-M"]


def test_unlisted_product_is_off_sale_everywhere_golden(golden):
    body = build(listed=False)

    golden("salesinfo_tshirt_unlisted", body)
    assert {item["stock"]["sku_stock_status"] for item in body["sku_sales_infos"]} == {"OFF_SALE"}


def test_seed_example_corrected_matches_golden(golden):
    # The reference's corrections of seed 003's example: one JSON object, WECHAT_MINIPROGRAM, target_url_props.
    payloads.validate_body(SEED_CORRECTED)

    golden("seed_003_corrected", SEED_CORRECTED)


def test_the_wire_keeps_two_decimals_and_chinese_text():
    body = build()

    wire = payloads.encode_request(body)

    assert '"current_price":59.00' in wire
    assert '"sku_price":99.00' in wire
    assert '"daily_price":69.00' in wire
    assert json.loads(wire, parse_float=Decimal)["sku_sales_infos"][0]["price"]["current_price"] == Decimal("59.00")
    assert payloads.encode_request({"t": "门店"}) == '{"t":"门店"}'


# --- mapping ------------------------------------------------------------------------------------------------


def test_item_maps_settings_prices_stock_and_landing_page():
    item = build()["sku_sales_infos"][0]

    assert item == {
        "external_store_id": "9L07",
        "external_sku_id": "TS-WH-M",
        "sale_channel_name": "WECHAT_MINIPROGRAM",
        "store_type": "SHOP",
        "sku_status": "NORMAL",
        "price": {"daily_price": 59.0, "current_price": 59.0, "sku_price": 99.0},
        "stock": {"sku_stock_status": "ON_SALE"},
        "target_url_props": {
            "target_url_miniprogram": "pages/product/index?id=DEMO-TSHIRT-001&sku=TS-WH-M",
            "miniprogram_appid": "wx1234567890abcdef",
        },
    }


def test_a_sku_without_stock_is_off_sale_even_when_listed():
    items = build()["sku_sales_infos"]

    assert [i["stock"]["sku_stock_status"] for i in items] == ["ON_SALE", "ON_SALE", "OFF_SALE"]


def test_fen_become_exact_yuan():
    assert payloads.yuan(7800) == Decimal("78.00")
    assert payloads.yuan(1) == Decimal("0.01")
    assert payloads.yuan(1999) == Decimal("19.99")
    assert str(payloads.as_decimal(payloads.as_number(payloads.yuan(123456789)))) == "1234567.89"


def test_equal_sale_and_original_price_is_allowed_and_a_missing_original_takes_the_sale_price():
    snapshot = replace(tshirt(), skus=(sku(1, [], price=1990, original_price=0, stock=1, out_sku_id="X1"),))

    price = build(snapshot)["sku_sales_infos"][0]["price"]

    assert price == {"daily_price": 19.9, "current_price": 19.9, "sku_price": 19.9}
    assert '"sku_price":19.90' in payloads.encode_request(build(snapshot))


def test_codes_in_the_landing_page_are_url_quoted():
    snapshot = replace(tshirt(), out_product_id="A&B 1", skus=(sku(1, [], price=100, original_price=200, stock=1),))

    url = build(snapshot)["sku_sales_infos"][0]["target_url_props"]["target_url_miniprogram"]

    assert url == "pages/product/index?id=A%26B%201&sku=1-1"


def test_new_within_the_window_of_the_first_publish():
    assert payloads.is_new(new_sku_days=7, first_published_at=None, now=NOW) is True
    assert payloads.is_new(new_sku_days=7, first_published_at=NOW - timedelta(days=6), now=NOW) is True
    assert payloads.is_new(new_sku_days=7, first_published_at=NOW - timedelta(days=7), now=NOW) is False
    assert payloads.is_new(new_sku_days=0, first_published_at=None, now=NOW) is False


def test_with_statuses_stops_every_item_without_touching_the_rest():
    body = build()

    stopped = payloads.with_statuses(body, sku_status=payloads.STOP, stock_status=payloads.OFF_SALE)

    assert {(i["sku_status"], i["stock"]["sku_stock_status"]) for i in stopped["sku_sales_infos"]} == {
        ("STOP", "OFF_SALE")
    }
    assert body["sku_sales_infos"][0]["sku_status"] == "NORMAL"
    assert [i["price"] for i in stopped["sku_sales_infos"]] == [i["price"] for i in body["sku_sales_infos"]]


def test_batches_hold_at_most_fifty_items_with_the_account_on_each():
    body = build(many_skus(120))

    batches = list(payloads.batches(body))

    assert [len(b["sku_sales_infos"]) for b in batches] == [50, 50, 20]
    assert {(b["account_id"], b["data_warehouse_id"]) for b in batches} == {(10001234, 101)}
    assert [i["external_sku_id"] for b in batches for i in b["sku_sales_infos"]] == [f"B{n:03d}" for n in range(120)]


def test_settings_from_options_and_missing_ones():
    assert payloads.settings_from_options(OPTIONS) == SETTINGS

    with pytest.raises(PayloadError) as missing:
        payloads.settings_from_options({**OPTIONS, "miniprogram_appid": ""})
    assert missing.value.field == "miniprogram_appid"
    with pytest.raises(PayloadError) as empty:
        payloads.settings_from_options({})
    assert empty.value.field == "tencent_ads"


# --- rules (§5) ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"external_store_id": "店" * 11}, "sku_sales_infos[0].external_store_id"),
        ({"external_store_id": ""}, "sku_sales_infos[0].external_store_id"),
        ({"sale_channel_name": "wxapp"}, "sku_sales_infos[0].sale_channel_name"),
        ({"store_type": "shop"}, "sku_sales_infos[0].store_type"),
        ({"miniprogram_appid": "x" * 1025}, "sku_sales_infos[0].target_url_props.miniprogram_appid"),
        ({"landing_page_template": "p" * 2049}, "sku_sales_infos[0].target_url_props.target_url_miniprogram"),
    ],
)
def test_bad_settings_fail_with_the_field_named(change, field):
    with pytest.raises(PayloadError) as error:
        build(settings=replace(SETTINGS, **change))

    assert error.value.field == field


def test_the_seed_verbatim_is_refused_for_its_channel():
    with pytest.raises(PayloadError) as error:
        payloads.validate_body(SEED_VERBATIM)

    assert error.value.field == "sku_sales_infos[0].sale_channel_name"
    assert "wxapp" in error.value.message


@pytest.mark.parametrize(
    ("price", "field"),
    [
        ({"current_price": 90, "sku_price": 85}, "price.current_price"),
        ({"current_price": -1, "sku_price": 85}, "price.current_price"),
        ({"current_price": 1.234, "sku_price": 85}, "price.current_price"),
        ({"sku_price": 85}, "price.current_price"),
        (
            {"current_price": 1, "sku_price": 85, "sku_promotions": [{"promotion_price": 1}] * 51},
            "price.sku_promotions",
        ),
    ],
)
def test_price_rules(price, field):
    body = json.loads(json.dumps(SEED_CORRECTED))
    body["sku_sales_infos"][0]["price"] = price

    with pytest.raises(PayloadError) as error:
        payloads.validate_body(body)

    assert error.value.field == f"sku_sales_infos[0].{field}"


def test_the_same_sku_twice_is_refused(english):
    body = json.loads(json.dumps(SEED_CORRECTED))
    body["sku_sales_infos"] *= 2

    with pytest.raises(PayloadError, match="appears twice"):
        payloads.validate_body(body)


def test_a_product_without_skus_or_with_a_too_long_remote_id_is_refused():
    with pytest.raises(PayloadError):
        build(replace(tshirt(), skus=()))
    with pytest.raises(PayloadError) as long_id:
        build(replace(tshirt(), out_product_id="P" * 124))
    assert long_id.value.field == "external_store_id"


@pytest.mark.parametrize("price", [None, [], "78.00"])
def test_price_itself_is_required(price):
    # Seed 003 marks the price struct without 必填, but current_price and sku_price inside it are 必填.
    body = json.loads(json.dumps(SEED_CORRECTED))
    if price is None:
        del body["sku_sales_infos"][0]["price"]
    else:
        body["sku_sales_infos"][0]["price"] = price

    with pytest.raises(PayloadError) as error:
        payloads.validate_body(body)

    assert error.value.field == "sku_sales_infos[0].price"


@pytest.mark.parametrize(
    ("fen", "wire"),
    [(0, "0.00"), (1, "0.01"), (10, "0.10"), (7, "0.07"), (1999, "19.99"), (2147483647, "21474836.47")],
)
def test_fen_reach_the_wire_as_exact_two_decimal_yuan(fen, wire):
    snapshot = replace(tshirt(), skus=(sku(1, [], price=fen, original_price=0, stock=1, out_sku_id="X1"),))

    text = payloads.encode_request(build(snapshot))

    assert f'"current_price":{wire},' in text
    assert f'"sku_price":{wire}' in text
    assert json.loads(text, parse_float=Decimal)["sku_sales_infos"][0]["price"]["daily_price"] == Decimal(wire)
