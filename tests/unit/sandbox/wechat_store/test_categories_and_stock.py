"""Categories (reference §2.1 rows 1.7–1.9) from the seeded tree, and stock deltas (§2.3)."""

import pytest

from tests.unit.sandbox.wechat_store.builders import (
    BLACK,
    COLOUR,
    SIZE,
    SIZE_L,
    SIZE_M,
    WHITE,
    tshirt_body,
    uniform_body,
)

WHITE_M = f"{COLOUR}:{WHITE};{SIZE}:{SIZE_M}"


def test_getsub_walks_the_tree_from_the_root(api):
    root = api.ok("/merchant/category/getsub", {"cate_id": 1})
    digital = api.ok("/merchant/category/getsub", {"cate_id": "537000001"})
    cameras = api.ok("/merchant/category/getsub", {"cate_id": 537000101})
    leaf = api.ok("/merchant/category/getsub", {"cate_id": 537074298})

    assert root["cate_list"] == [
        {"id": "537000001", "name": "数码"},
        {"id": "537000002", "name": "服饰"},
        {"id": "537000003", "name": "食品"},
    ]
    assert digital["cate_list"] == [{"id": "537000101", "name": "相机"}, {"id": "537000102", "name": "手机"}]
    assert cameras["cate_list"] == [
        {"id": "537074296", "name": "数码相机"},
        {"id": "537074297", "name": "家用摄像机"},
        {"id": "537074298", "name": "单反相机"},
        {"id": "537074299", "name": "镜头"},
        {"id": "53710", "name": "单电/微单"},
    ]
    assert leaf["cate_list"] == []


def test_getsku_returns_the_sku_table_of_a_leaf(api):
    answer = api.ok("/merchant/category/getsku", {"cate_id": 537020101})

    assert answer["sku_table"] == [
        {
            "id": "10000983",
            "name": "颜色",
            "value_list": [
                {"id": "10000995", "name": "白色"},
                {"id": "10000996", "name": "黑色"},
                {"id": "10000997", "name": "撞色"},
                {"id": "10000998", "name": "桔色"},
            ],
        },
        {
            "id": "10001007",
            "name": "尺码",
            "value_list": [
                {"id": "10001008", "name": "S"},
                {"id": "10001009", "name": "M"},
                {"id": "10001010", "name": "L"},
                {"id": "10001011", "name": "XL"},
            ],
        },
    ]


def test_getproperty_returns_the_properties_with_the_reference_sample_id(api):
    answer = api.ok("/merchant/category/getproperty", {"cate_id": 537074298})

    brand = answer["properties"][0]
    assert brand == {
        "id": "1075741879",
        "name": "品牌",
        "property_value": [
            {"id": "1079749001", "name": "Canon/佳能"},
            {"id": "1079749002", "name": "Nikon/尼康"},
            {"id": "1079749003", "name": "Fujifilm/富士"},
            {"id": "1079749004", "name": "Sony/索尼"},
        ],
    }
    assert [prop["name"] for prop in answer["properties"]] == ["品牌", "有效像素", "屏幕尺寸", "防抖性能"]


def test_inner_categories_have_no_sku_table_or_properties(api):
    assert api.ok("/merchant/category/getsku", {"cate_id": 537000003})["sku_table"] == []
    assert api.ok("/merchant/category/getproperty", {"cate_id": 1})["properties"] == []


@pytest.mark.parametrize("path", ["getsub", "getsku", "getproperty"])
def test_category_calls_reject_unknown_and_missing_ids(api, path):
    unknown = api.post(f"/merchant/category/{path}", {"cate_id": 42})
    missing = api.post(f"/merchant/category/{path}", {})

    assert unknown == {"errcode": 40097, "errmsg": "invalid args: cate_id 42 is not a known category"}
    assert missing == {"errcode": 40097, "errmsg": "invalid args: cate_id is required"}


def _stock(api, product_id):
    [product] = [p for p in api.state()["products"] if p["product_id"] == product_id]
    return product["stock"]


def test_stock_add_and_reduce_are_deltas_on_one_sku(api, images):
    product_id = api.create_product(tshirt_body(images))

    api.ok("/merchant/stock/add", {"product_id": product_id, "sku_info": WHITE_M, "quantity": 20})
    api.ok("/merchant/stock/reduce", {"product_id": product_id, "sku_info": WHITE_M, "quantity": 7})
    # The same combination written in another order names the same SKU.
    api.ok(
        "/merchant/stock/add",
        {"product_id": product_id, "sku_info": f"{SIZE}:{SIZE_M};{COLOUR}:{WHITE}", "quantity": 1},
    )

    assert _stock(api, product_id) == {
        WHITE_M: 24,
        f"{COLOUR}:{WHITE};{SIZE}:{SIZE_L}": 10,
        f"{COLOUR}:{BLACK};{SIZE}:{SIZE_M}": 10,
        f"{COLOUR}:{BLACK};{SIZE}:{SIZE_L}": 10,
    }
    assert [(e["endpoint"], e["fields"]) for e in api.applied() if "/stock/" in e["endpoint"]] == [
        (
            "/merchant/stock/add",
            {"product_id": product_id, "sku_info": WHITE_M, "quantity": 20, "stock_after": 30},
        ),
        (
            "/merchant/stock/reduce",
            {"product_id": product_id, "sku_info": WHITE_M, "quantity": 7, "stock_after": 23},
        ),
        (
            "/merchant/stock/add",
            {"product_id": product_id, "sku_info": WHITE_M, "quantity": 1, "stock_after": 24},
        ),
    ]


def test_stock_of_a_uniform_spec_product_uses_an_empty_sku_info(api, images):
    product_id = api.create_product(uniform_body(images, quantity=5))

    api.ok("/merchant/stock/reduce", {"product_id": product_id, "sku_info": "", "quantity": 5})

    assert _stock(api, product_id) == {"": 0}


@pytest.mark.parametrize(
    ("change", "errmsg"),
    [
        ({"quantity": 0}, "quantity must be >= 1"),
        ({"quantity": -3}, "quantity must be >= 1"),
        ({"quantity": "5"}, "quantity must be an integer"),
        ({"quantity": None}, "quantity is required"),
        (
            {"sku_info": f"{COLOUR}:10000997;{SIZE}:{SIZE_M}"},
            f'sku_info "{COLOUR}:10000997;{SIZE}:{SIZE_M}" is not a sku of product {{pid}}',
        ),
        ({"sku_info": ""}, 'sku_info "" is not a sku of product {pid}'),
        ({"sku_info": None}, 'sku_info is required ("" for a uniform-spec product)'),
        ({"product_id": "pDF3iYnothere"}, "product_id pDF3iYnothere does not exist"),
    ],
)
def test_stock_changes_are_validated(api, images, change, errmsg):
    product_id = api.create_product(tshirt_body(images))
    body = {"product_id": product_id, "sku_info": WHITE_M, "quantity": 5, **change}
    body = {key: value for key, value in body.items() if value is not None}

    answer = api.post("/merchant/stock/add", body)

    assert answer == {"errcode": 40097, "errmsg": "invalid args: " + errmsg.format(pid=product_id)}
    assert _stock(api, product_id)[WHITE_M] == 10


def test_stock_never_goes_below_zero(api, images):
    product_id = api.create_product(tshirt_body(images))

    answer = api.post("/merchant/stock/reduce", {"product_id": product_id, "sku_info": WHITE_M, "quantity": 11})

    assert answer == {
        "errcode": 40097,
        "errmsg": f'invalid args: quantity 11 exceeds the stock 10 of sku "{WHITE_M}"',
    }
    assert _stock(api, product_id)[WHITE_M] == 10
    assert [e for e in api.applied() if "/stock/" in e["endpoint"]] == []
