"""Reading WeChat Store V1.17 answers (API reference §2.1, §2.4–§2.6) from the manual's own examples."""

import pytest

from channels_sync.platforms.wechat_store.parsers import (
    RemoteAttribute,
    RemoteAttributeValue,
    RemoteCategory,
    RemoteFreightTemplate,
    RemoteGroup,
    RemoteOrder,
    RemoteOrderItem,
    RemoteProduct,
    RemoteShelf,
    RemoteShelfGroup,
    RemoteShelfModule,
    RemoteSku,
    ResponseShapeError,
    parse_category_list,
    parse_delivery_template,
    parse_group_detail,
    parse_order,
    parse_product_info,
    parse_properties,
    parse_shelf,
    parse_sku_table,
)
from products.selectors import FeeRuleSnapshot
from tests.unit.platforms.wechat_store.manual_examples import (
    CATE_LIST,
    GROUP_DETAIL,
    GROUPS_DETAIL,
    ORDER,
    ORDER_V113,
    PRODUCT_INFO,
    PRODUCTS_INFO_ENTRY,
    PROPERTIES,
    SHELVES,
    SKU_TABLE,
    TEMPLATE_INFO,
)

# --- Products ---------------------------------------------------------------------------------------------------------


def test_parse_product_info_of_the_manual_example():
    product = parse_product_info(PRODUCT_INFO)

    assert product == RemoteProduct(
        product_id="pDF3iY6Kr_BV_CXaiYysoGqJhppQ",
        name="testaddproduct",
        category_ids=("537074298",),
        properties=(("品牌", "Fujifilm/富士"), ("屏幕尺寸", "1.8英寸"), ("防抖性能", "CCD防抖")),
        skus=(
            RemoteSku(
                sku_id="1075741873:1079742386",
                price=30,
                ori_price=9000000,
                quantity=800,
                product_code="testing",
                icon_url="http://mmbiz.qpic.cn/mmbiz/icon1/0",
            ),
            RemoteSku(
                sku_id="1075741873:1079742387",
                price=30,
                ori_price=9000000,
                quantity=800,
                product_code="testingtesting",
                icon_url="",
            ),
        ),
        status=None,
    )
    assert product.sku_quantities == {"1075741873:1079742386": 800, "1075741873:1079742387": 800}
    assert product.frozen_fields() == {
        "name": "testaddproduct",
        "category_id": ["537074298"],
        "property": [
            {"id": "品牌", "vid": "Fujifilm/富士"},
            {"id": "屏幕尺寸", "vid": "1.8英寸"},
            {"id": "防抖性能", "vid": "CCD防抖"},
        ],
    }


def test_parse_a_getbystatus_entry_keeps_its_status():
    product = parse_product_info(PRODUCTS_INFO_ENTRY)

    assert (product.product_id, product.status) == ("pDF3iY-mql6CncpbVajaB_obC3Bk", 1)


def test_parse_product_info_accepts_numbers_sent_as_strings():
    info = {
        "product_id": "p1",
        "product_base": {"name": "n", "category_id": [537074298]},
        "sku_list": [{"sku_id": "", "quantity": "12", "price": 1, "ori_price": 2}],
    }

    product = parse_product_info(info)

    assert product.category_ids == ("537074298",)
    assert product.sku_quantities == {"": 12}


@pytest.mark.parametrize(
    ("info", "field", "message"),
    [
        pytest.param({"product_base": {}}, "product_info.product_id", "is missing", id="no product id"),
        pytest.param({"product_id": "p1"}, "product_info.product_base", "must be an object", id="no base"),
        pytest.param(
            {"product_id": "p1", "product_base": {}, "sku_list": {}},
            "product_info.sku_list",
            "must be an array",
            id="sku list not an array",
        ),
        pytest.param(
            {"product_id": "p1", "product_base": {}, "sku_list": [{"sku_id": "", "quantity": "many"}]},
            "product_info.sku_list[0].quantity",
            "must be an integer",
            id="quantity not a number",
        ),
        pytest.param(
            {"product_id": "p1", "product_base": {"property": [{"id": "1"}]}},
            "product_info.product_base.property[0].vid",
            "is missing",
            id="property without vid",
        ),
    ],
)
def test_parse_product_info_names_what_is_wrong(info, field, message):
    with pytest.raises(ResponseShapeError) as caught:
        parse_product_info(info)

    assert (caught.value.field, caught.value.message) == (field, message)


# --- Orders -------------------------------------------------------------------------------------------------------------


def test_parse_order_of_the_manual_example_keeps_every_field():
    order = parse_order(ORDER)

    assert order == RemoteOrder(
        order_id="7197417460812533543",
        order_status=6,
        order_total_price=6,
        order_express_price=5,
        order_create_time=1394635817,
        buyer_openid="oDF3iY17NsDAW4UP2qzJXPsz1S9Q",
        buyer_nick="likeacat",
        receiver_name="张小猫",
        receiver_province="广东省",
        receiver_city="广州市",
        receiver_zone="天河区",
        receiver_address="华景路一号南方通信大厦5楼",
        receiver_mobile="123456789",
        receiver_phone="123456789",
        product_id="pDF3iYx7KDQVGzB7kDg6Tge5OKFo",
        product_name="安莉芳E-BRA专柜女士舒适内衣蕾丝3/4薄杯聚拢上托性感文胸KB0716",
        product_price=1,
        product_sku="10000983:10000995;10001007:10001010",
        product_count=1,
        product_img="http://img2.paipaiimg.com/00000000/item-52B87243-63CCF66C00000000040100003565C1EA.0.300x300.jpg",
        delivery_id="1900659372473",
        delivery_company="059Yunda",
        trans_id="1900000109201404103172199813",
        items=(
            RemoteOrderItem(
                product_id="p8BCTv77lY4io_q00F9qsaniimFc",
                product_name="product_name",
                product_price=1,
                product_sku="",
                product_count=1,
                product_img=ORDER["products"][0]["product_img"],
            ),
        ),
    )


def test_an_order_status_the_manual_does_not_define_stays_an_int():
    order = parse_order(ORDER)

    assert order.order_status == 6
    assert type(order.order_status) is int


def test_an_older_order_without_zone_and_products_reads_them_as_absent():
    order = parse_order(ORDER_V113)

    assert order.receiver_zone is None
    assert order.items is None
    assert order.order_status == 8
    assert order.main_item == RemoteOrderItem(
        product_id="pDF3iYx7KDQVGzB7kDg6Tge5OKFo",
        product_name="项坠333",
        product_price=1,
        product_sku="1075741873:1079742377",
        product_count=1,
        product_img=ORDER["product_img"],
    )


def test_an_order_not_shipped_yet_has_empty_waybill_fields():
    unshipped = {
        key: value for key, value in ORDER.items() if key not in {"delivery_id", "delivery_company", "trans_id"}
    }

    order = parse_order({**unshipped, "order_status": 2})

    assert (order.delivery_id, order.delivery_company, order.trans_id) == ("", "", "")
    assert order.order_status == 2


@pytest.mark.parametrize("missing", ["order_id", "order_status", "order_total_price", "order_create_time"])
def test_an_order_without_a_required_field_is_a_shape_error(missing):
    with pytest.raises(ResponseShapeError) as caught:
        parse_order({key: value for key, value in ORDER.items() if key != missing})

    assert caught.value.field == f"order.{missing}"


# --- Categories ---------------------------------------------------------------------------------------------------------


def test_parse_category_list():
    assert parse_category_list(CATE_LIST) == (
        RemoteCategory("537074297", "数码相机"),
        RemoteCategory("537074296", "家用摄像机"),
        RemoteCategory("537074298", "单反相机"),
        RemoteCategory("537074299", "镜头"),
        RemoteCategory("53710", "单电/微单"),
    )


def test_parse_sku_table():
    assert parse_sku_table(SKU_TABLE) == (
        RemoteAttribute(
            id="1075741873",
            name="颜色",
            values=(RemoteAttributeValue("1079742375", "撞色"), RemoteAttributeValue("1079742376", "桔色")),
        ),
    )


def test_parse_properties_reads_html_entities_as_characters():
    assert parse_properties(PROPERTIES) == (
        RemoteAttribute(
            id="1075741879",
            name="品牌",
            values=(
                RemoteAttributeValue("50867", "VIC&"),
                RemoteAttributeValue("50868", "Kate&"),
                RemoteAttributeValue("50971", "M&"),
                RemoteAttributeValue("50972", "Black&"),
            ),
        ),
        RemoteAttribute(id="1075743464", name="颜色", values=()),
    )


def test_a_category_without_id_is_a_shape_error():
    with pytest.raises(ResponseShapeError) as caught:
        parse_category_list([{"name": "镜头"}])

    assert caught.value.field == "cate_list[0].id"


# --- Postage templates, groups, shelves ----------------------------------------------------------------------------------


def test_parse_delivery_template_of_the_manual_example():
    def rule(express_type, start, add_standards, add, province="", city="", country=""):
        return FeeRuleSnapshot(express_type, country, province, city, 1, start, add_standards, add)

    assert parse_delivery_template(TEMPLATE_INFO) == RemoteFreightTemplate(
        remote_id=103312916,
        name="testexpress",
        assumer=0,
        valuation=0,
        fee_rules=(
            rule(10000027, 2, 3, 1),
            rule(10000027, 1000, 1, 3, "广东省", "广州市", "中国"),
            rule(10000028, 3, 3, 2),
            rule(10000028, 10, 1, 30, "广东省", "广州市", "中国"),
            rule(10000029, 4, 3, 3),
            rule(10000029, 8, 2, 11, "广东省", "广州市", "中国"),
        ),
    )


def test_a_template_fee_without_normal_rule_is_a_shape_error():
    with pytest.raises(ResponseShapeError) as caught:
        parse_delivery_template({"Id": 1, "Name": "x", "TopFee": [{"Type": 10000027}]})

    assert caught.value.field == "template_info.TopFee[0].Normal"


def test_parse_group_detail_of_the_manual_example():
    assert parse_group_detail(GROUP_DETAIL) == RemoteGroup(
        group_id=200077549,
        name="最新上架",
        product_ids=(
            "pDF3iYzZoY-Budrzt8O6IxrwIJAA",
            "pDF3iY3pnWSGJcO2MpS2Nxy3HWx8",
            "pDF3iY33jNt0Dj3M3UqiGlUxGrio",
        ),
    )


def test_a_getall_group_entry_does_not_claim_an_empty_product_list():
    assert [parse_group_detail(entry) for entry in GROUPS_DETAIL] == [
        RemoteGroup(group_id=200077549, name="最新上架", product_ids=None),
        RemoteGroup(group_id=200079772, name="全球热卖", product_ids=None),
    ]


def test_parse_shelves_of_the_manual_example():
    assert [parse_shelf(entry) for entry in SHELVES] == [
        RemoteShelf(
            shelf_id=22,
            name="新新人类",
            banner="http://mmbiz.qpic.cn/mmbiz/banner1/0",
            modules=(
                RemoteShelfModule(
                    eid=5,
                    groups=(
                        RemoteShelfGroup(200080093, ""),
                        RemoteShelfGroup(200080118, ""),
                        RemoteShelfGroup(200080119, ""),
                        RemoteShelfGroup(200080135, ""),
                    ),
                    product_count=None,
                    img_background="http://mmbiz.qpic.cn/mmbiz/background1/0",
                ),
            ),
        ),
        RemoteShelf(
            shelf_id=23,
            name="店铺",
            banner="http://mmbiz.qpic.cn/mmbiz/banner1/0",
            modules=(
                RemoteShelfModule(eid=1, groups=(RemoteShelfGroup(200080119, ""),), product_count=4, img_background=""),
            ),
        ),
    ]


def test_a_shelf_without_modules_is_a_shape_error():
    with pytest.raises(ResponseShapeError) as caught:
        parse_shelf({"shelf_info": {}, "shelf_name": "x", "shelf_id": 1})

    assert caught.value.field == "shelf.shelf_info.module_infos"
