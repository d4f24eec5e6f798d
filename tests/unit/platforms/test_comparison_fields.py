"""The platforms' field mappings of a product body (``platforms/<p>/comparison.py``): pure, exact rows."""

import pytest

from channels_sync.platforms.channels import comparison as channels_comparison
from channels_sync.platforms.comparison import yuan
from channels_sync.platforms.minishop import comparison as minishop_comparison
from channels_sync.platforms.registry import platform_modules
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
    assert sorted(platform_modules("comparison")) == ["channels", "minishop", "wechat_store"]


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
