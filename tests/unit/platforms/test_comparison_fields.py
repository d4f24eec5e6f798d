"""The platforms' field mappings of a product body (``platforms/<p>/comparison.py``): pure, exact rows."""

import pytest

from channels_sync.platforms.channels import comparison as channels_comparison
from channels_sync.platforms.comparison import yuan
from channels_sync.platforms.minishop import comparison as minishop_comparison
from channels_sync.platforms.open_platform import comparison as open_platform_comparison
from channels_sync.platforms.registry import platform_modules
from channels_sync.platforms.tencent_ads import comparison as tencent_ads_comparison
from channels_sync.platforms.wechat_store import comparison as wechat_store_comparison

CHANNELS_BODY = {
    "out_product_id": "P1",
    "title": "纯棉圆领T恤 夏季款",
    "short_title": "T恤",
    "head_imgs": ["https://mmecimage.cn/p/a", "https://mmecimage.cn/p/b"],
    "desc_info": {"imgs": [], "desc": "100% 棉"},
    "cats_v2": [{"cat_id": "1"}, {"cat_id": "2"}],
    "attrs": [{"attr_key": "材质", "attr_value": "棉"}],
    "express_info": {"template_id": "T9", "weight": 200},
    "extra_service": {"seven_day_return": 1},
    "aftersale_desc": "",
    "skus": [
        {
            "out_sku_id": "S1",
            "thumb_img": "https://mmecimage.cn/p/a",
            "sale_price": 9900,
            "market_price": 12900,
            "stock_num": 10,
            "sku_code": "C1",
            "sku_attrs": [{"attr_key": "颜色", "attr_value": "红"}],
        }
    ],
}


def test_the_channels_body_reads_as_labelled_fields(english):
    rows = [(f.key, str(f.label), f.text, f.images, f.category_ids) for f in channels_comparison.fields(CHANNELS_BODY)]

    assert rows == [
        ("title", "Title", "纯棉圆领T恤 夏季款", (), ()),
        ("short_title", "Short title", "T恤", (), ()),
        ("category", "Category", "", (), ("1", "2")),
        ("head_images", "Head images", "", ("https://mmecimage.cn/p/a", "https://mmecimage.cn/p/b"), ()),
        ("detail_images", "Detail images", "", (), ()),
        ("detail_text", "Detail text", "100% 棉", (), ()),
        ("attributes", "Attributes", "材质：棉", (), ()),
        ("freight_template", "Freight template", "T9", (), ()),
        ("weight", "Weight (g)", "200", (), ()),
        ("purchase_limit", "Purchase limit", "", (), ()),
        ("seven_day_return", "Seven-day return", "Yes", (), ()),
        ("aftersale_desc", "After-sale description", "", (), ()),
        (
            "sku:S1",
            "SKU 颜色：红",
            "price ¥99.00 · original price ¥129.00 · stock 10 · code C1",
            ("https://mmecimage.cn/p/a",),
            (),
        ),
    ]


def test_the_labels_are_chinese_by_default():
    labels = [str(f.label) for f in channels_comparison.fields(CHANNELS_BODY)]

    assert labels[:4] == ["标题", "短标题", "类目", "主图"]
    assert labels[-1] == "SKU 颜色：红"
    assert channels_comparison.fields(CHANNELS_BODY)[-1].text == "售价 ¥99.00 · 划线价 ¥129.00 · 库存 10 · 编码 C1"


def test_the_minishop_body_uses_its_own_keys():
    body = {"title": "杯子", "sub_title": "马克杯", "head_img": ["u1"], "cats": [{"cat_id": 7, "level": 1}], "skus": []}

    by_key = {f.key: f for f in minishop_comparison.fields(body)}

    assert (by_key["short_title"].text, by_key["head_images"].images, by_key["category"].category_ids) == (
        "马克杯",
        ("u1",),
        ("7",),
    )


def test_a_copy_of_the_wrong_shape_gives_empty_fields_not_an_error():
    by_key = {f.key: f for f in channels_comparison.fields({"skus": "x", "attrs": [1, None], "desc_info": []})}

    assert (by_key["attributes"].text, by_key["detail_text"].text, [k for k in by_key if k.startswith("sku:")]) == (
        "",
        "",
        [],
    )


@pytest.mark.parametrize(("fen", "shown"), [(9900, "¥99.00"), (1, "¥0.01"), (None, ""), ("x", "x")])
def test_money_reads_in_yuan(fen, shown):
    assert yuan(fen) == shown


def test_the_registry_finds_the_comparisons_by_module_name():
    assert sorted(platform_modules("comparison")) == [
        "channels",
        "minishop",
        "open_platform",
        "tencent_ads",
        "wechat_store",
    ]


def test_the_wechat_store_body_reads_as_labelled_fields():
    body = {
        "product_base": {
            "name": "超细纤维抹布",
            "category_id": ["537030202"],
            "img": ["u1", "u2"],
            "detail": [{"text": "吸水"}, {"img": "u3"}],
            "buy_limit": 0,
        },
        "sku_list": [{"sku_id": "$颜色:$灰色", "price": 1990, "ori_price": 2990, "quantity": 30, "icon_url": ""}],
        "delivery_info": {"delivery_type": 1, "template_id": 88},
    }

    rows = [(f.key, str(f.label), f.text, f.images, f.category_ids) for f in wechat_store_comparison.fields(body)]

    assert rows == [
        ("title", "标题", "超细纤维抹布", (), ()),
        ("category", "类目", "", (), ("537030202",)),
        ("head_images", "主图", "", ("u1", "u2"), ()),
        ("detail_images", "详情图", "", ("u3",), ()),
        ("detail_text", "详情文字", "吸水", (), ()),
        ("freight_template", "运费模板", "88", (), ()),
        ("purchase_limit", "限购数量", "", (), ()),
        ("sku:$颜色:$灰色", "SKU 颜色：灰色", "售价 ¥19.90 · 划线价 ¥29.90 · 库存 30", (), ()),
    ]


def test_the_tencent_ads_body_reads_as_labelled_fields_with_its_enums_in_words():
    body = {
        "account_id": 10001234,
        "data_warehouse_id": 101,
        "sku_sales_infos": [
            {
                "external_sku_id": "TS-WH-M",
                "external_store_id": "9L07",
                "price": {"current_price": 59.0, "daily_price": 59.0, "sku_price": 99.0},
                "sale_channel_name": "WECHAT_MINIPROGRAM",
                "sku_status": "NORMAL",
                "stock": {"sku_stock_status": "OFF_SALE"},
                "store_type": "SHOP",
                "target_url_props": {"target_url_miniprogram": "pages/p?id=P1&sku=TS-WH-M"},
            }
        ],
    }

    rows = [(f.key, str(f.label), f.text) for f in tencent_ads_comparison.fields(body)]

    assert rows == [
        ("account_id", "推广帐号 ID", "10001234"),
        ("data_warehouse_id", "数据仓库 ID", "101"),
        ("external_store_id", "外部店仓 ID", "9L07"),
        ("sale_channel_name", "销售渠道", "微信小程序"),
        ("sku:TS-WH-M", "SKU TS-WH-M", "售价 ¥59.00 · 划线价 ¥99.00 · 无货 · 在售"),
        ("sku:TS-WH-M:landing_page", "TS-WH-M 的落地页", "pages/p?id=P1&sku=TS-WH-M"),
    ]


def test_the_open_platform_form_reads_its_json_fields_and_choices_in_words():
    form = {
        "supplierSpu": "P1",
        "spuName": "纯棉T恤",
        "spuImage": "https://img/1.jpg",
        "categoryId": "1001",
        "brandName": "演示品牌",
        "keyword": "T恤",
        "description": "亲肤",
        "salesWay": "DIRECT_SELLING",
        "settlementWay": "PROPORTIONAL",
        "deliveryWay": "FACTORY_DELIVERY",
        "mediaList": '[{"mediaType":"MAIN_PICTURE","mediaUrl":"https://img/1.jpg"},{"mediaUrl":"https://img/2.jpg"}]',
        "attributeList": '[{"attributeName":"材质","attributeValue":"纯棉","sorting":1}]',
        "skuList": '[{"supplierSku":"S1","skuName":"纯棉T恤 白色","skuImage":"https://img/3.jpg","saleUnit":"件",'
        '"agreementPrice":53.1,"referencePrice":99,"minDeliveryQuantity":1,"quantity":40}]',
    }

    rows = [(f.key, str(f.label), f.text, f.images) for f in open_platform_comparison.fields(form)]

    assert rows == [
        ("title", "标题", "纯棉T恤", ()),
        ("category", "平台类目 ID", "1001", ()),
        ("brand", "品牌名称", "演示品牌", ()),
        ("keyword", "搜索关键词", "T恤", ()),
        ("head_images", "主图", "", ("https://img/1.jpg", "https://img/2.jpg")),
        ("detail_text", "详情文字", "亲肤", ()),
        ("attributes", "商品属性", "材质：纯棉", ()),
        ("sales_way", "销售方式", "直销", ()),
        ("settlement_way", "结算方式", "比例结算", ()),
        ("delivery_way", "配送方式", "厂家配送", ()),
        ("sku:S1", "SKU S1", "纯棉T恤 白色 · 协议价 ¥53.10 · 参考价 ¥99.00 · 库存 40 · 1 件", ("https://img/3.jpg",)),
    ]


def test_a_form_field_that_is_not_json_reads_as_empty():
    rows = {f.key: f for f in open_platform_comparison.fields({"skuList": "not json", "mediaList": None})}

    assert rows["head_images"].images == ()
    assert not [key for key in rows if key.startswith("sku:")]
