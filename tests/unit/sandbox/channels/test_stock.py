"""Stock (reference §3.4): stock/get, stock/batchget and stock/update with its three diff_types, its preconditions,
its errcodes, the per-SKU frequency limit and the stock flow kept for reconciliation."""

import pytest

from tests.unit.sandbox.channels.builders import tshirt_body

UPDATE = "/channels/ec/product/stock/update"
GET = "/channels/ec/product/stock/get"


@pytest.fixture
def body(channel_images, template_id):
    return tshirt_body(channel_images, template_id)


@pytest.fixture
def listed(channels, body):
    """A listed T恤: (product_id, white-M sku_id (stock 100), black-L sku_id (stock 50))."""
    product_id = channels.listed(body)
    return (product_id, *channels.sku_ids(product_id))


def _stock(channels, product_id, sku_id):
    return channels.ok(GET, {"product_id": product_id, "sku_id": sku_id})["data"]["normal_stock_num"]


def test_stock_get_answers_the_stock_of_one_sku(channels, listed):
    product_id, white_m, _ = listed

    answer = channels.ok(GET, {"product_id": product_id, "sku_id": white_m})

    assert answer["data"] == {
        "normal_stock_num": 100,
        "limited_discount_stock_num": 0,
        "warehouse_stocks": [],
        "total_stock_num": 100,
    }
    assert channels.error(GET, {"product_id": product_id, "sku_id": "1"}, 10020034) == (
        f"sku_id 1 is not a SKU of product {product_id}"
    )


def test_batchget_answers_every_sku_of_the_known_products(channels, listed, body):
    product_id, white_m, black_l = listed
    draft = channels.add(body)
    draft_skus = channels.sku_ids(draft)

    answer = channels.ok("/channels/ec/product/stock/batchget", {"product_ids": [product_id, "404", int(draft)]})

    def sku(sku_id, stock):
        return {
            "sku_id": sku_id,
            "normal_stock_num": stock,
            "limited_discount_stock_num": 0,
            "warehouse_stocks": [],
            "total_stock_num": stock,
            "finder_stock_num": 0,
        }

    assert answer["data"]["spu_stock_list"] == [
        {"product_id": product_id, "sku_stock": [sku(white_m, 100), sku(black_l, 50)]},
        {"product_id": draft, "sku_stock": [sku(draft_skus[0], 100), sku(draft_skus[1], 50)]},
    ]
    assert channels.error("/channels/ec/product/stock/batchget", {"product_ids": ["1"] * 51}, 10020051)


@pytest.mark.parametrize(
    ("diff_type", "num", "expected"), [(1, 5, 105), (2, 30, 70), (3, 7, 7), (3, 0, 0), (2, 100, 0)]
)
def test_diff_types_add_subtract_and_set(channels, listed, diff_type, num, expected):
    product_id, white_m, _ = listed

    channels.ok(UPDATE, {"product_id": product_id, "sku_id": white_m, "diff_type": diff_type, "num": num})

    assert _stock(channels, product_id, white_m) == expected
    [effect] = channels.applied(endpoint=UPDATE)
    assert effect["platform"] == "channels"
    assert effect["fields"] == {
        "product_id": product_id,
        "sku_id": white_m,
        "diff_type": diff_type,
        "num": num,
        "stock_before": 100,
        "stock_after": expected,
    }


def test_the_stock_flow_lists_every_change_per_sku(channels, listed):
    product_id, white_m, black_l = listed
    for diff_type, num in ((1, 10), (2, 3)):
        channels.ok(UPDATE, {"product_id": product_id, "sku_id": white_m, "diff_type": diff_type, "num": num})
    channels.ok(UPDATE, {"product_id": product_id, "sku_id": black_l, "diff_type": 3, "num": 9})

    flow = channels.shop()["stock_flow"]

    assert [
        (e["sku_id"], e["diff_type"], e["num"], e["stock_before"], e["stock_after"], e["endpoint"]) for e in flow
    ] == [
        (white_m, 3, 100, 0, 100, "/channels/ec/product/add"),
        (black_l, 3, 50, 0, 50, "/channels/ec/product/add"),
        (white_m, 1, 10, 100, 110, UPDATE),
        (white_m, 2, 3, 110, 107, UPDATE),
        (black_l, 3, 9, 50, 9, UPDATE),
    ]
    assert [e["seq"] for e in flow] == [1, 2, 3, 4, 5]
    assert channels.shop()["products"][0]["stock"] == {white_m: 107, black_l: 9}


def test_stock_rules(channels, listed, body):
    product_id, white_m, _ = listed
    never_listed = channels.add(body)
    never_listed_sku = channels.sku_ids(never_listed)[0]

    def update(**fields):
        return {"product_id": product_id, "sku_id": white_m, "diff_type": 1, "num": 1, **fields}

    assert channels.error(UPDATE, update(product_id=never_listed, sku_id=never_listed_sku), 10020289) == (
        f"product {never_listed} has never been listed"
    )
    assert channels.error(UPDATE, update(product_id="404"), 10020052) == "product_id 404 does not exist"
    assert channels.error(UPDATE, update(num=0), 10020218) == "num must not be 0 when adding or subtracting"
    assert channels.error(UPDATE, update(diff_type=2, num=101), 10020219) == (
        f"num 101 exceeds the stock 100 of sku {white_m}"
    )
    assert channels.error(UPDATE, update(sku_id="1"), 10020054) == f"sku_id 1 does not belong to product {product_id}"
    assert channels.error(UPDATE, update(diff_type=4), 10020055) == "invalid args: diff_type must be one of 1, 2, 3"
    assert channels.error(UPDATE, update(num=-1), 10020055) == "invalid args: num must be >= 0"
    assert channels.error(UPDATE, update(diff_type=3, num=10_000_001), 10020055)
    assert channels.error(UPDATE, {"product_id": product_id, "diff_type": 1, "num": 1}, 10020055) == (
        "invalid args: sku_id is required"
    )
    assert _stock(channels, product_id, white_m) == 100


def test_stock_update_is_refused_while_the_draft_is_under_audit(channels, listed, body):
    product_id, white_m, _ = listed
    channels.ok("/channels/ec/product/update", {"product_id": product_id, **body, "title": "纯棉圆领短袖T恤 新版"})

    refused = channels.error(UPDATE, {"product_id": product_id, "sku_id": white_m, "diff_type": 1, "num": 1}, 10020217)
    channels.advance(60)
    channels.ok(UPDATE, {"product_id": product_id, "sku_id": white_m, "diff_type": 1, "num": 1})

    assert refused == f"product {product_id} is under audit"


def test_a_delisted_product_that_was_listed_once_takes_stock_updates(channels, listed):
    product_id, white_m, _ = listed
    channels.ok("/channels/ec/product/delisting", {"product_id": product_id})

    channels.ok(UPDATE, {"product_id": product_id, "sku_id": white_m, "diff_type": 2, "num": 1})

    assert _stock(channels, product_id, white_m) == 99


def test_per_sku_frequency_limit_within_a_second(channels, listed):
    product_id, white_m, black_l = listed
    channels.configure(channels_stock_rate={"per_sku_per_second": 2})

    def add_one(sku_id):
        return channels.call(UPDATE, {"product_id": product_id, "sku_id": sku_id, "diff_type": 1, "num": 1})["errcode"]

    first, second, third = (add_one(white_m) for _ in range(3))
    other_sku = add_one(black_l)
    channels.advance(1)
    after_a_second = add_one(white_m)

    assert (first, second, third) == (0, 0, 10020112)
    assert other_sku == 0
    assert after_a_second == 0
    assert _stock(channels, product_id, white_m) == 103
    assert channels.control_error("POST", "config", {"channels_stock_rate": {"per_sku_per_second": 0}})["errmsg"] == (
        "invalid args: channels_stock_rate.per_sku_per_second must be >= 1"
    )


def test_update_sets_stock_at_once_and_a_stock_only_update_needs_no_audit(channels, listed, body):
    product_id, white_m, black_l = listed
    body["skus"][0]["stock_num"] = 42
    body["skus"][1].pop("stock_num")  # left out: kept

    answer = channels.ok("/channels/ec/product/update", {"product_id": product_id, **body})

    product = channels.product(product_id)
    assert answer["data"]["product_id"] == product_id
    assert product["edit_product"]["edit_status"] == 4
    assert [sku["stock_num"] for sku in product["product"]["skus"]] == [42, 50]
    [effect] = channels.applied(endpoint="/channels/ec/product/update")
    assert effect["fields"]["stock_only"] is True
    assert channels.shop()["stock_flow"][-1] == {
        **channels.shop()["stock_flow"][-1],
        "sku_id": white_m,
        "diff_type": 3,
        "num": 42,
        "stock_before": 100,
        "stock_after": 42,
    }
    assert black_l in channels.shop()["products"][0]["stock"]
