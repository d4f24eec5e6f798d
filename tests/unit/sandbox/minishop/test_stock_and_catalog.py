"""The mini-shop's SKU, stock, category, freight-template and image endpoints (reference §4), its token and
permission codes (-2, 9401021), faults, the state dump, reset and configuration."""

import pytest

from tests.unit.sandbox.minishop.builders import (
    AUDIT_DELAY_SECONDS,
    MINISHOP_APP,
    MINISHOP_TEST_APP,
    MiniShopApi,
    seed_body,
    tshirt_body,
)

STOCK = "/product/stock/update"
SKUS = "/product/sku/get_list"


@pytest.fixture
def minishop(server, http) -> MiniShopApi:
    api = MiniShopApi(server.url, http)
    api.configure(minishop_audit={"delay_seconds": AUDIT_DELAY_SECONDS, "outcome": "pass"})
    return api


@pytest.fixture
def product_id(minishop) -> int:
    return minishop.add(tshirt_body())


def _stock(minishop, product_id):
    skus = minishop.ok(SKUS, {"product_id": product_id, "need_edit_sku": 1, "need_real_stock": 1})["skus"]
    return [sku["stock_num"] for sku in skus]


def test_type_2_adds_and_a_negative_delta_reduces(minishop, product_id):
    white, _black = minishop.sku_ids(product_id)

    minishop.ok(STOCK, {"product_id": product_id, "sku_id": white, "type": 2, "stock_num": 5})
    minishop.ok(STOCK, {"product_id": product_id, "sku_id": white, "type": 2, "stock_num": -12})

    assert _stock(minishop, product_id) == [3, 10]
    effects = [
        (e["fields"]["type"], e["fields"]["stock_num"], e["fields"]["stock_after"])
        for e in minishop.applied(endpoint=STOCK)
    ]
    assert effects == [(2, 5, 15), (2, -12, 3)]


def test_type_2_never_goes_below_zero(minishop, product_id):
    white, _ = minishop.sku_ids(product_id)

    errmsg = minishop.error(STOCK, {"product_id": product_id, "sku_id": white, "type": 2, "stock_num": -11}, 9401020)

    assert errmsg == f"invalid param: stock_num -11 would take the stock of sku {white} below 0 (10)"
    assert _stock(minishop, product_id) == [10, 10]


def test_type_1_overwrites_and_needs_a_positive_number(minishop, product_id):
    white, _ = minishop.sku_ids(product_id)

    zero = minishop.error(STOCK, {"product_id": product_id, "sku_id": white, "type": 1, "stock_num": 0}, 9401020)
    minishop.ok(STOCK, {"product_id": product_id, "sku_id": white, "type": 1, "stock_num": 42})

    assert zero == "invalid param: stock_num must be > 0 with type 1 (full overwrite)"
    assert _stock(minishop, product_id) == [42, 10]


def test_an_unknown_product_is_100002_and_an_unknown_sku_100004(minishop, product_id):
    product = minishop.error(STOCK, {"product_id": 1, "sku_id": 1, "type": 2, "stock_num": 1}, 100002)
    sku = minishop.error(STOCK, {"product_id": product_id, "sku_id": 1, "type": 2, "stock_num": 1}, 100004)
    by_out_id = minishop.ok(STOCK, {"out_product_id": "TS-001", "out_sku_id": "TS-001-黑色", "type": 2, "stock_num": 1})

    assert product == "product_id 1 does not exist"
    assert sku == f"sku_id 1 does not exist in SPU {product_id}"
    assert set(by_out_id["data"]) == {"update_time"}
    assert _stock(minishop, product_id) == [10, 11]


def test_sku_add_batch_add_and_update_change_the_draft(minishop, product_id):
    sku = {
        "out_sku_id": "TS-001-红色",
        "thumb_img": "https://mmbiz.qpic.cn/mini_shop/x/red",
        "sale_price": 6900,
        "market_price": 9900,
        "stock_num": 7,
        "sku_attrs": [{"attr_key": "颜色", "attr_value": "红色"}],
    }

    added = minishop.ok("/product/sku/add", {"product_id": product_id, **sku})["data"]
    batch = minishop.ok(
        "/product/sku/batch_add", {"skus": [{**sku, "out_product_id": "TS-001", "out_sku_id": "TS-001-蓝色"}]}
    )["data"]
    duplicate = minishop.error("/product/sku/add", {"product_id": product_id, **sku}, 9401020)
    updated = minishop.ok(
        "/product/sku/update", {"product_id": product_id, "sku_id": added["sku_id"], "sale_price": 5900}
    )["data"]
    missing = minishop.error("/product/sku/update", {"product_id": product_id, "sku_id": 1, "sale_price": 1}, 100004)

    draft = minishop.spu(product_id)
    assert [s["out_sku_id"] for s in draft["skus"]] == ["TS-001-白色", "TS-001-黑色", "TS-001-红色", "TS-001-蓝色"]
    assert [s["sale_price"] for s in draft["skus"]][2] == 5900
    assert [item["out_sku_id"] for item in batch] == ["TS-001-蓝色"]
    assert updated["sku_id"] == added["sku_id"]
    assert duplicate == f"invalid param: sku.out_sku_id 'TS-001-红色' already exists in SPU {product_id}"
    assert missing == f"sku_id 1 does not exist in SPU {product_id}"


def test_online_skus_appear_after_the_first_listing(minishop, product_id):
    before = minishop.ok(SKUS, {"product_id": product_id, "need_edit_sku": 0})["skus"]
    minishop.listing(product_id)
    minishop.advance(AUDIT_DELAY_SECONDS)
    after = minishop.ok(SKUS, {"product_id": product_id, "need_edit_sku": 0, "need_real_stock": 1})["skus"]

    assert before == []
    assert [sku["stock_num"] for sku in after] == [10, 10]


def test_category_get_walks_the_three_level_tree(minishop):
    roots = minishop.ok("/product/category/get", {"f_cat_id": 0})["cat_list"]
    level_two = minishop.ok("/product/category/get", {"f_cat_id": 6033})["cat_list"]
    leaves = minishop.ok("/product/category/get", {"f_cat_id": 6057})["cat_list"]
    unknown = minishop.error("/product/category/get", {"f_cat_id": 1}, 9401020)

    assert [(c["cat_id"], c["name"]) for c in roots] == [(6033, "数码"), (7231, "服饰内衣"), (8100, "食品饮料")]
    assert level_two == [{"cat_id": 6057, "f_cat_id": 6033, "name": "游戏设备"}]
    assert [c["cat_id"] for c in leaves] == [6091, 6092]
    assert unknown == "invalid param: f_cat_id 1 is not a category"


def test_every_shop_starts_with_the_seeded_freight_templates(minishop):
    templates = minishop.ok("/product/delivery/get_freight_template", {})["template_list"]

    assert templates == [
        {"template_id": 5189, "name": "全国包邮", "valuation_type": 1},
        {"template_id": 5190, "name": "默认运费模板（演示）", "valuation_type": 1},
        {"template_id": 5191, "name": "按重量计费", "valuation_type": 2},
    ]


def test_an_image_uploads_as_multipart_media_with_the_types_in_the_query(minishop):
    answer = minishop.raw(
        "POST",
        "/product/img/upload",
        params={"upload_type": 0, "resp_type": 1, "height": 600, "width": 640},
        files={"media": ("a.png", b"\x89PNG-data", "image/png")},
    ).json()
    in_body = minishop.raw(
        "POST", "/product/img/upload", files={"media": ("a.png", b"x", "image/png")}, data={"upload_type": "0"}
    ).json()

    assert answer["errcode"] == 0
    assert answer["pic_file"]["temp_img_url"].startswith("https://mmbiz.qpic.cn/mini_shop/wx_demo_minishop/")
    assert minishop.shop()["images"] == [answer["pic_file"]["temp_img_url"]]
    assert in_body == {
        "errcode": 9401020,
        "errmsg": "invalid param: upload_type must be an integer (0, 1) in the query string",
    }


def test_a_token_longer_than_512_characters_is_minus_2(minishop):
    answer = minishop.call("/product/category/get", {}, token="x" * 513)

    assert answer == {"errcode": -2, "errmsg": "token too long"}


def test_an_app_without_the_permission_gets_9401021(minishop):
    minishop.configure(minishop_no_permission=[MINISHOP_TEST_APP[0]])

    denied = minishop.call("/product/category/get", {}, appid=MINISHOP_TEST_APP[0])
    allowed = minishop.call("/product/category/get", {}, appid=MINISHOP_APP[0])

    assert denied == {"errcode": 9401021, "errmsg": "app wx_test_minishop has no permission to call this api"}
    assert allowed["errcode"] == 0


def test_shops_are_isolated_per_app_and_reset_forgets_one(minishop):
    minishop.add(seed_body())
    minishop.add(seed_body(), appid=MINISHOP_TEST_APP[0])

    minishop.control("POST", "reset", {"appid": MINISHOP_TEST_APP[0], "keep_tokens": True})

    assert len(minishop.shop()["products"]) == 1
    assert "minishop" not in minishop.control("GET", "state", params={"appid": MINISHOP_TEST_APP[0]})


def test_a_dropped_answer_is_applied_and_marked_in_the_log(minishop):
    minishop.control("POST", "faults", {"drop_response_next": 1, "paths": ["/product/spu/add"], "drop_mode": "504"})

    response = minishop.raw("POST", "/product/spu/add", json=seed_body())

    assert response.status_code == 504
    (effect,) = minishop.applied(endpoint="/product/spu/add")
    assert effect["response_dropped"] is True
    assert len(minishop.shop()["products"]) == 1


def test_the_config_keys_are_checked_and_shown(minishop):
    bad = minishop.control_error("POST", "config", {"minishop_audit": {"delay": 1}})
    config = minishop.configure(minishop_quota={"hour": 5}, minishop_audit={"outcome": "reject"})

    assert bad["errmsg"] == "invalid args: minishop_audit has unknown key(s): delay"
    assert config["minishop_quota"] == {"hour": 5, "day": 1000}
    assert config["minishop_audit"]["outcome"] == "reject"
    assert config["minishop_no_permission"] == []
