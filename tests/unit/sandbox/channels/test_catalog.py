"""Categories, brands and freight templates of the Channels store (reference §3.2, §3.5), on both path prefixes where
the reference says they differ."""

import pytest

from sandbox.channels.seed import PROVINCES
from tests.unit.sandbox.channels.builders import (
    APPAREL,
    FOOD,
    GIFT_CARD,
    HOME,
    NUTS,
    SERVICES,
    TSHIRT,
    WOMEN,
    template_body,
)

ADD_TEMPLATE = "/channels/ec/merchant/addfreighttemplate"
UPDATE_TEMPLATE = "/channels/ec/merchant/updatefreighttemplate"
GET_TEMPLATE = "/channels/ec/merchant/getfreighttemplatedetail"
LIST_TEMPLATES = "/channels/ec/merchant/getfreighttemplatelist"


# --- categories -------------------------------------------------------------------------------------------------------


def test_children_of_the_root_and_of_a_category(channels):
    roots = channels.ok("/channels/ec/category/availablesoncategories/get", {"f_cat_id": 0})
    women = channels.ok("/channels/ec/category/availablesoncategories/get", {"f_cat_id": WOMEN})
    leaf = channels.ok("/channels/ec/category/availablesoncategories/get", {"f_cat_id": TSHIRT})

    assert roots["cat_list"] == [
        {"cat_id": APPAREL, "f_cat_id": "0", "name": "服饰内衣"},
        {"cat_id": FOOD, "f_cat_id": "0", "name": "食品饮料"},
        {"cat_id": HOME, "f_cat_id": "0", "name": "家居日用"},
        {"cat_id": SERVICES, "f_cat_id": "0", "name": "生活服务"},
    ]
    assert women["cat_list_v2"] == [
        {"cat_id": TSHIRT, "f_cat_id": WOMEN, "name": "T恤", "leaf": True},
        {"cat_id": "1102", "f_cat_id": WOMEN, "name": "连衣裙", "leaf": True},
    ]
    assert roots["cat_list_v2"][0]["leaf"] is False
    assert (leaf["cat_list"], leaf["cat_list_v2"]) == ([], [])
    assert channels.error("/channels/ec/category/availablesoncategories/get", {"f_cat_id": "77"}, 10020017) == (
        "f_cat_id 77 is not a known category"
    )


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/shop/ec/category/all"), ("POST", "/channels/ec/category/all"), ("GET", "/channels/ec/category/all")],
)
def test_category_all_on_both_prefixes(channels, method, path):
    answer = channels.raw(method, path).json()

    assert answer["errcode"] == 0
    assert [len(level["cat_and_qua"]) for level in answer["cats"]] == [4, 7, 11]
    first = answer["cats"][2]["cat_and_qua"][0]
    assert first["cat"] == {"cat_id": TSHIRT, "f_cat_id": WOMEN, "level": 3, "name": "T恤"}
    assert first["qua"]["need_to_apply"] is False
    assert answer["cats_v2"] == answer["cats"]


@pytest.mark.parametrize("prefix", ["/shop/ec", "/channels/ec"])
def test_category_detail_on_both_prefixes(channels, prefix):
    answer = channels.ok(f"{prefix}/category/detail", {"cat_id": TSHIRT})

    assert answer["info"] == {"cat_id": TSHIRT, "name": "T恤"}
    attr = answer["attr"]
    assert attr["product_attr_list"][0] == {
        "name": "材质",
        "type": "select_one",
        "type_v2": "select_one",
        "value": "纯棉;莫代尔;涤纶;亚麻;真丝",
        "is_required": True,
        "hint": "",
        "append_allowed": False,
    }
    assert [a["name"] for a in attr["product_attr_list"] if a["is_required"]] == ["材质", "袖长"]
    assert {a["type_v2"] for a in attr["product_attr_list"]} == {"select_one", "select_many", "integer_unit"}
    assert [a["name"] for a in attr["sale_attr_list"]] == ["颜色", "尺码"]
    assert attr["brand_list"] == [{"brand_id": "2100000101"}, {"brand_id": "2100000102"}, {"brand_id": "2100000103"}]
    assert (attr["deposit"], attr["shop_no_shipment"], attr["min_head_imgs"]) == (50000, False, 3)


def test_category_detail_of_food_and_virtual_goods(channels):
    nuts = channels.ok("/shop/ec/category/detail", {"cat_id": NUTS})["attr"]
    card = channels.ok("/shop/ec/category/detail", {"cat_id": int(GIFT_CARD)})["attr"]

    assert nuts["min_head_imgs"] == 4
    assert nuts["seven_day_return"] is False
    assert card["shop_no_shipment"] is True
    assert (
        channels.error("/shop/ec/category/detail", {"cat_id": "404"}, 10020017) == "cat_id 404 is not a known category"
    )
    assert channels.error("/shop/ec/category/detail", {}, 10020051) == "invalid args: cat_id is required"


# --- brands -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["/shop/ec", "/channels/ec"])
def test_brand_library_pages_with_next_key_and_continue_flag(channels, prefix):
    path = f"{prefix}/brand/all"

    first = channels.ok(path, {"page_size": 5})
    second = channels.ok(path, {"page_size": 5, "next_key": first["next_key"]})
    third = channels.ok(path, {"page_size": 5, "next_key": second["next_key"]})
    default = channels.ok(path)

    assert first["brands"][0] == {"brand_id": "2100000101", "ch_name": "优衣库", "en_name": "UNIQLO"}
    assert [len(page["brands"]) for page in (first, second, third)] == [5, 5, 2]
    assert [page["continue_flag"] for page in (first, second, third)] == [True, True, False]
    assert len({brand["brand_id"] for page in (first, second, third) for brand in page["brands"]}) == 12
    assert len(default["brands"]) == 10
    assert channels.error(path, {"page_size": 101}, 10020051) == "invalid args: page_size must be at most 100"


# --- freight templates ------------------------------------------------------------------------------------------------


def test_add_get_update_and_list_templates(channels):
    template_id = channels.ok(ADD_TEMPLATE, template_body())["template_id"]
    second = channels.ok(ADD_TEMPLATE, template_body("江浙沪包邮", shipping_method="FREE", is_default=1))["template_id"]

    detail = channels.ok(GET_TEMPLATE, {"template_id": template_id})["freight_template"]
    channels.advance(5)
    channels.ok(
        UPDATE_TEMPLATE,
        {"freight_template": {**template_body("偏远加价")["freight_template"], "template_id": template_id}},
    )
    updated = channels.ok(GET_TEMPLATE, {"template_id": template_id})["freight_template"]
    listed = channels.ok(LIST_TEMPLATES, {"offset": 0, "limit": 10})
    paged = channels.ok(LIST_TEMPLATES, {"offset": 1, "limit": 1})

    assert isinstance(template_id, str)
    assert template_id.isdigit()
    expected = template_body()["freight_template"]
    assert detail == {
        "template_id": template_id,
        **expected,
        "all_condition_free_detail": {"condition_free_detail_list": []},
        "create_time": detail["create_time"],
        "update_time": detail["create_time"],
    }
    assert (updated["name"], updated["create_time"]) == ("偏远加价", detail["create_time"])
    assert updated["update_time"] == detail["update_time"] + 5
    assert listed["template_id_list"] == [template_id, second]
    assert paged["template_id_list"] == [second]
    assert channels.ok(GET_TEMPLATE, {"template_id": second})["freight_template"]["is_default"] is True
    assert [e["fields"]["name"] for e in channels.applied() if "freight" in e["endpoint"]] == [
        "全国包邮(偏远除外)",
        "江浙沪包邮",
        "偏远加价",
    ]


def test_numbers_for_enums_and_0_1_for_booleans_are_accepted_and_shown_as_strings_and_booleans(channels):
    body = template_body(valuation_type=2, delivery_type=1, shipping_method=3, is_default=0)
    body["freight_template"]["all_freight_calc_method"]["freight_calc_method_list"][0]["is_default"] = 1

    template_id = channels.ok(ADD_TEMPLATE, body)["template_id"]

    stored = channels.ok(GET_TEMPLATE, {"template_id": template_id})["freight_template"]
    assert (stored["valuation_type"], stored["delivery_type"], stored["shipping_method"]) == (
        "WEIGHT",
        "EXPRESS",
        "NO_FREE",
    )
    assert stored["is_default"] is False
    assert stored["all_freight_calc_method"]["freight_calc_method_list"][0]["is_default"] is True


def test_a_default_template_takes_the_flag_from_the_others(channels):
    first = channels.ok(ADD_TEMPLATE, template_body("模板一", is_default=True))["template_id"]
    channels.ok(ADD_TEMPLATE, template_body("模板二", is_default=True))

    assert channels.ok(GET_TEMPLATE, {"template_id": first})["freight_template"]["is_default"] is False


def _calc(*rules):
    return {"freight_calc_method_list": list(rules)}


DEFAULT_RULE = {
    "is_default": True,
    "first_val_amount": 1,
    "first_price": 800,
    "second_val_amount": 1,
    "second_price": 300,
}
AREA_RULE = {**DEFAULT_RULE, "is_default": False, "address_infos": [{"province_name": "青海省"}]}
ALL_PROVINCES = [{"province_name": name} for name in PROVINCES]


@pytest.mark.parametrize(
    ("overrides", "errcode", "errmsg"),
    [
        ({"name": ""}, 10020051, "invalid args: freight_template.name must not be empty"),
        (
            {"valuation_type": "VOLUME"},
            10020051,
            "invalid args: freight_template.valuation_type must be one of PIECE, WEIGHT",
        ),
        (
            {"send_time": "SendTime_SOON"},
            10021082,
            "freight_template.send_time 'SendTime_SOON' is not a known send_time",
        ),
        ({"address_info": None}, 10021081, "freight_template.address_info (the ship-from address) is required"),
        (
            {"address_info": {"city_name": "广州市"}},
            10021081,
            "freight_template.address_info.province_name is required",
        ),
        (
            {"address_info": {"province_name": "广东"}},
            10021054,
            "freight_template.address_info.province_name '广东' is not a province",
        ),
        ({"delivery_id": [f"C{index}" for index in range(11)]}, 10025502, "names more than 10 companies"),
        ({"shipping_method": "SOMETIMES"}, 10020051, "shipping_method must be one of FREE, CONDITION_FREE, NO_FREE"),
        ({"all_freight_calc_method": _calc(AREA_RULE)}, 10021055, "needs a default rule (is_default true)"),
        (
            {"all_freight_calc_method": _calc({**DEFAULT_RULE, "address_infos": [{"province_name": "青海省"}]})},
            10021053,
            "is the default rule and may not name addresses",
        ),
        ({"all_freight_calc_method": _calc(DEFAULT_RULE, DEFAULT_RULE)}, 10020051, "holds 2 default rules"),
        ({"all_freight_calc_method": _calc(DEFAULT_RULE, *[AREA_RULE] * 50)}, 10025504, "holds more than 50 rules"),
        (
            {
                "all_freight_calc_method": _calc(
                    DEFAULT_RULE, {**AREA_RULE, "address_infos": [{"province_name": "火星"}]}
                )
            },
            10021054,
            "'火星' is not a province",
        ),
        ({"shipping_method": "CONDITION_FREE"}, 10020051, "condition_free_detail_list is required"),
        (
            {
                "shipping_method": "CONDITION_FREE",
                "all_condition_free_detail": {
                    "condition_free_detail_list": [{"address_infos": [{"province_name": "浙江省"}], "min_amount": 9900}]
                    * 21
                },
            },
            10025503,
            "holds more than 20 rules",
        ),
        ({"not_send_area": {"address_info": ALL_PROVINCES}}, 10025501, "may not exclude the whole country"),
        ({"is_default": "yes"}, 10020051, "freight_template.is_default must be a boolean (or 0/1)"),
    ],
)
def test_template_rules(channels, overrides, errcode, errmsg):
    body = template_body(**overrides)
    if overrides.get("address_info", ...) is None:
        del body["freight_template"]["address_info"]

    assert errmsg in channels.error(ADD_TEMPLATE, body, errcode)
    assert channels.ok(LIST_TEMPLATES)["template_id_list"] == []


def test_condition_free_template_is_accepted(channels):
    body = template_body(
        "满99包邮",
        shipping_method="CONDITION_FREE",
        all_condition_free_detail={
            "condition_free_detail_list": [{"address_infos": [{"province_name": "浙江省"}], "min_amount": 9900}]
        },
    )

    channels.ok(ADD_TEMPLATE, body)


def test_template_names_are_unique_and_unknown_ids_are_10020005(channels):
    template_id = channels.ok(ADD_TEMPLATE, template_body("同名"))["template_id"]
    other = channels.ok(ADD_TEMPLATE, template_body("另一个"))["template_id"]

    same_name = channels.error(ADD_TEMPLATE, template_body("同名"), 10021200)
    rename_clash = channels.error(
        UPDATE_TEMPLATE,
        {"freight_template": {**template_body("同名")["freight_template"], "template_id": other}},
        10021200,
    )
    channels.ok(
        UPDATE_TEMPLATE, {"freight_template": {**template_body("同名")["freight_template"], "template_id": template_id}}
    )

    assert same_name == rename_clash == "a freight template named '同名' already exists"
    assert channels.error(GET_TEMPLATE, {"template_id": "1"}, 10020005) == "template_id 1 does not exist"
    assert (
        channels.error(
            UPDATE_TEMPLATE, {"freight_template": {**template_body()["freight_template"], "template_id": "1"}}, 10020005
        )
        == "freight_template.template_id 1 does not exist"
    )
    assert channels.error(LIST_TEMPLATES, {"limit": 201}, 10020051) == "invalid args: limit must be at most 200"
