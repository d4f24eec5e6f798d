"""addproductthirdpartysource (reference §3.7, seed 000): the seed's example verbatim, the required fields and
the fields that ``scene_value`` makes required."""

import copy
import json

import pytest

PATH = "/channels/ec/product/addproductthirdpartysource"

# The request example of seed 000, character for character.
SEED_EXAMPLE = """{
"scene_value": 1,
"publish_method": 1,
"supplier": {
"supplier_name": "广州某某贸易有限公司",
"source_platform_type": 1,
"source_platform_name": "1688"
},
"supplier_shop_performance": {
"accept_rate_24h": 95,
"accept_rate_48h": 98,
"ship_count_30d": 500,
"ship_count_7d": 120,
"distribute_product_count": 50,
"on_time_ship_rate": 97,
"merchant_identity": "源头工厂"
},
"product_source_info": {
"visit_url": "https://detail.1688.com/offer/123456789.html",
"product_id": "123456789",
"title": "2026新款纯棉短袖T恤男女同款宽松圆领半袖",
"head_img_urls": [
"xxx",
"xxx",
"xxx"
],
"detail_img_urls": [
"xxx",
"xxx"
],
"qualification_list": [
"xxx",
"xxx"
],
"brand": "xxx",
"attr_list": [
{
"attr_type": 1,
"attr_name": "面料材质",
"attr_value": "纯棉"
},
{
"attr_type": 2,
"attr_name": "适用季节",
"attr_value": "夏季"
},
{
"attr_type": 2,
"attr_name": "领型",
"attr_value": "圆领"
},
{
"attr_type": 6,
"attr_name": "克重",
"attr_value": "230g"
},
{
"attr_type": 1,
"attr_name": "袖型",
"attr_value": "常规袖"
}
],
"sku_list": [
{
"sku_id": "sku_white_s",
"spec_name": "颜色",
"spec_value": "白色-S",
"sku_img": "https://mmecimage.cn/p/wxc16458b33be42c61/sku_white.jpg",
"price": 5900,
"stock": 200,
"stock_type": 1
},
{
"sku_id": "sku_white_m",
"spec_name": "颜色",
"spec_value": "白色-M",
"sku_img": "https://mmecimage.cn/p/wxc16458b33be42c61/sku_white.jpg",
"price": 5900,
"stock": 350,
"stock_type": 1
},
{
"sku_id": "sku_black_s",
"spec_name": "颜色",
"spec_value": "黑色-S",
"sku_img": "https://mmecimage.cn/p/xxx/sku_black.jpg",
"price": 5900,
"stock": 180,
"stock_type": 1
},
{
"sku_id": "sku_black_m",
"spec_name": "颜色",
"spec_value": "黑色-M",
"sku_img": "https://mmecimage.cn/p/xxx/sku_black.jpg",
"price": 5900,
"stock": 420,
"stock_type": 1
},
{
"sku_id": "sku_grey_l",
"spec_name": "颜色",
"spec_value": "灰色-L",
"sku_img": "https://mmecimage.cn/p/xxx/sku_grey.jpg",
"price": 6900,
"stock": 100,
"stock_type": 1
}
],
"detail_description": "面料采用新疆长绒棉,克重230g,亲肤透气不易变形。宽松版型,男女同款,适合日常通勤休闲穿搭。",
"logistics_info": {
"freight_info": "满99包邮",
"logistics_template": "全国包邮(偏远地区除外)"
},
"service_guarantee": "7天无理由退换,正品保障,极速退款",
"delivery_time": "24小时内发货"
}
}"""


@pytest.fixture
def example():
    return json.loads(SEED_EXAMPLE)


def test_the_seed_example_is_accepted_verbatim(channels, example):
    response = channels.raw(
        "POST", PATH, data=SEED_EXAMPLE.encode("utf-8"), headers={"Content-Type": "application/json"}
    )

    answer = response.json()
    assert answer == {"third_party_source_id": 100001, "errcode": 0, "errmsg": ""}
    [effect] = channels.applied(endpoint=PATH)
    assert effect["platform"] == "channels"
    assert effect["fields"] == {
        "third_party_source_id": 100001,
        "scene_value": 1,
        "source_product_id": "123456789",
        "sku_count": 5,
    }
    assert channels.shop()["third_party_sources"] == [{"third_party_source_id": 100001, "declaration": example}]


def test_each_declaration_gets_the_next_id(channels, example):
    first = channels.call(PATH, example)["third_party_source_id"]
    second = channels.call(PATH, example)["third_party_source_id"]

    assert (first, second) == (100001, 100002)
    assert isinstance(first, int)


def _without(path):
    def mutate(body):
        *parents, last = path.split(".")
        target = body
        for key in parents:
            target = target[int(key)] if key.isdigit() else target[key]
        del target[int(last) if last.isdigit() else last]

    return mutate


def _with(path, value):
    def mutate(body):
        *parents, last = path.split(".")
        target = body
        for key in parents:
            target = target[int(key)] if key.isdigit() else target[key]
        target[int(last) if last.isdigit() else last] = value

    return mutate


def _scene(value, *removed):
    def mutate(body):
        body["scene_value"] = value
        for path in removed:
            _without(path)(body)

    return mutate


@pytest.mark.parametrize(
    ("mutate", "errmsg"),
    [
        (_without("scene_value"), "scene_value is required"),
        (_with("scene_value", 4), "scene_value must be one of 1, 2, 3"),
        (_scene(3, "publish_method"), "publish_method is required"),
        (_with("publish_method", 9), "publish_method must be one of 1, 2, 3"),
        (_without("supplier"), "supplier is required"),
        (_without("supplier.supplier_name"), "supplier.supplier_name is required"),
        (_without("supplier.source_platform_type"), "supplier.source_platform_type is required"),
        (_scene(2, "supplier.source_platform_name"), "supplier.source_platform_name is required"),
        (_with("supplier.source_platform_type", 4), "supplier.source_platform_type must be one of 1, 2, 3"),
        (
            _with("supplier_shop_performance.ship_count_7d", "many"),
            "supplier_shop_performance.ship_count_7d must be a number >= 0",
        ),
        (_without("product_source_info"), "product_source_info is required"),
        (_without("product_source_info.visit_url"), "product_source_info.visit_url is required"),
        (_without("product_source_info.product_id"), "product_source_info.product_id is required"),
        (_without("product_source_info.title"), "product_source_info.title is required"),
        (_without("product_source_info.head_img_urls"), "product_source_info.head_img_urls is required"),
        (_without("product_source_info.detail_img_urls"), "product_source_info.detail_img_urls is required"),
        (
            _with("product_source_info.head_img_urls", [1]),
            "product_source_info.head_img_urls[0] must be a non-empty string",
        ),
        (_without("product_source_info.sku_list"), "product_source_info.sku_list is required"),
        (_with("product_source_info.sku_list", []), "product_source_info.sku_list must not be empty"),
        (_without("product_source_info.sku_list.0.sku_id"), "product_source_info.sku_list[0].sku_id is required"),
        (_without("product_source_info.sku_list.1.spec_name"), "product_source_info.sku_list[1].spec_name is required"),
        (
            _without("product_source_info.sku_list.2.spec_value"),
            "product_source_info.sku_list[2].spec_value is required",
        ),
        (_without("product_source_info.sku_list.3.sku_img"), "product_source_info.sku_list[3].sku_img is required"),
        (_without("product_source_info.sku_list.4.price"), "product_source_info.sku_list[4].price is required"),
        (_without("product_source_info.sku_list.0.stock"), "product_source_info.sku_list[0].stock is required"),
        (
            _without("product_source_info.sku_list.0.stock_type"),
            "product_source_info.sku_list[0].stock_type is required",
        ),
        (_with("product_source_info.sku_list.0.price", -1), "product_source_info.sku_list[0].price must be >= 0"),
        (
            _with("product_source_info.attr_list.0.attr_type", 8),
            "product_source_info.attr_list[0].attr_type must be one of 1, 2, 3, 4, 5, 6, 7",
        ),
        (_with("product_source_info.logistics_info", "包邮"), "product_source_info.logistics_info must be an object"),
    ],
)
def test_required_fields(channels, example, mutate, errmsg):
    mutate(example)

    answer = channels.call(PATH, example)

    assert answer == {"errcode": 10020051, "errmsg": f"invalid args: {errmsg}"}
    assert channels.shop()["third_party_sources"] == []


@pytest.mark.parametrize(
    "mutate",
    [
        _scene(3, "supplier.source_platform_type", "supplier.source_platform_name"),
        _without("publish_method"),
        _without("supplier_shop_performance"),
        _without("product_source_info.attr_list"),
        _without("product_source_info.qualification_list"),
        _without("product_source_info.logistics_info"),
        _with("product_source_info.attr_list", [{"attr_type": 7, "attr_name": "重量", "attr_value": "0.23kg"}]),
    ],
    ids=[
        "scene 3 without platform",
        "no publish_method",
        "no performance",
        "no attrs",
        "no qualifications",
        "no logistics",
        "attr type 7",
    ],
)
def test_optional_fields(channels, example, mutate):
    body = copy.deepcopy(example)
    mutate(body)

    assert channels.call(PATH, body)["errcode"] == 0
