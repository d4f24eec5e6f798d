"""The pure parts of creating adopted products: the plan of a new local product (``adoption/creation.py``) and
the differences between a shop's copy and the local body (``adoption/comparison.py``)."""

import pytest
from django.utils import translation

from channels_sync.adoption.comparison import MISSING, Difference, payload_differences, projection
from channels_sync.adoption.creation import SkuPlan, SpecPlan, product_plan
from channels_sync.platforms.remote_catalog import (
    RemoteCatalogProduct,
    RemoteCatalogSku,
    RemoteCatalogSpec,
    RemoteCatalogStatus,
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def remote_product(platform: str, *skus: RemoteCatalogSku, out_product_id: str = "", title: str = "纯棉圆领T恤 女款"):
    return RemoteCatalogProduct(
        platform=platform,
        remote_id="10001",
        title=title,
        out_product_id=out_product_id,
        product_code="TS2024",
        skus=skus,
        image_urls=("https://mmecimage.cn/p/a/1", "https://mmecimage.cn/p/a/2"),
        detail_image_urls=("https://mmecimage.cn/p/a/3",),
        detail_text="亲肤透气",
        category_ids=("1000", "1100", "1101"),
        properties=(("材质", "纯棉"),),
        freight_template_id="7000000001",
        brand_id="",
        status=RemoteCatalogStatus.LISTED,
    )


def sku(sku_id: str, *specs: RemoteCatalogSpec, price=5900, original=9900, code="", out_sku_id="", barcode=""):
    return RemoteCatalogSku(sku_id, out_sku_id, specs, code, barcode, price, original, 12, "")


def test_a_channels_product_plans_custom_specs_in_order_with_its_codes_and_prices():
    white_m = sku(
        "s1", RemoteCatalogSpec("颜色", "白色"), RemoteCatalogSpec("尺码", "M"), code="TS-WH-M", out_sku_id="TS-WH-M"
    )
    black_m = sku("s2", RemoteCatalogSpec("颜色", "黑色"), RemoteCatalogSpec("尺码", "M"), out_sku_id="1-12")

    plan = product_plan(remote_product("channels", white_m, black_m, out_product_id="DEMO-TSHIRT-001"))

    assert (plan.out_product_id, plan.title, plan.spu_code, plan.warnings) == (
        "DEMO-TSHIRT-001",
        "纯棉圆领T恤 女款",
        "TS2024",
        (),
    )
    assert plan.specs == (
        SpecPlan("$颜色", "颜色", (("$白色", "白色"), ("$黑色", "黑色"))),
        SpecPlan("$尺码", "尺码", (("$M", "M"),)),
    )
    assert plan.skus[0] == SkuPlan(
        remote_sku_id="s1",
        specs=(
            {"id": "$颜色", "vid": "$白色", "name": "颜色", "value": "白色"},
            {"id": "$尺码", "vid": "$M", "name": "尺码", "value": "M"},
        ),
        price=5900,
        original_price=9900,
        stock=12,
        product_code="TS-WH-M",
        barcode="",
        out_sku_id="TS-WH-M",
        image_url="",
    )
    assert (plan.skus[1].product_code, plan.skus[1].out_sku_id) == ("", "1-12")


def test_a_v117_product_gets_an_out_product_id_names_from_the_spec_table_and_a_valid_original_price():
    remote = remote_product(
        "wechat_store",
        sku(
            "10000983:10000995",
            RemoteCatalogSpec("10000983", "10000995", "10000983", "10000995"),
            original=5900,
            code="TAKEN",
        ),
    )

    plan = product_plan(
        remote,
        taken_codes={"TAKEN"},
        spec_names={"10000983": "颜色"},
        value_names={("10000983", "10000995"): "白色"},
    )

    assert plan.out_product_id == "wechat_store-10001"
    assert plan.specs == (SpecPlan("10000983", "颜色", (("10000995", "白色"),)),)
    assert plan.skus[0].specs == ({"id": "10000983", "vid": "10000995", "name": "颜色", "value": "白色"},)
    assert (plan.skus[0].price, plan.skus[0].original_price, plan.skus[0].product_code) == (5900, 5901, "")
    assert plan.warnings == (
        "SKU 10000983:10000995: the original price was not above the price, so it became the price plus 0.01.",
        "SKU 10000983:10000995: the code TAKEN is used by another SKU or too long, so it was left out.",
    )


def test_a_long_title_is_shortened_with_a_warning():
    plan = product_plan(remote_product("minishop", sku("s1"), out_product_id="P", title="长" * 70))

    assert (len(plan.title), plan.warnings) == (60, ("The title was shortened to 60 characters.",))


def test_the_differences_name_each_changed_leaf_and_ignore_what_only_the_shop_holds():
    shop_copy = {
        "product_id": "10001",
        "title": "纯棉圆领T恤",
        "status": 5,
        "express_info": {"template_id": 7000000001},
        "skus": [{"sku_id": "s1", "sale_price": 5900, "stock_num": 3}, {"sku_id": "s2", "sale_price": 6900}],
    }
    local_body = {
        "title": "纯棉圆领T恤",
        "express_info": {"template_id": "7000000001"},
        "skus": [{"sale_price": 5900, "stock_num": 3}, {"sale_price": 6500}],
        "spu_code": "TS2024",
        "short_title": "",
    }

    assert payload_differences(shop_copy, local_body) == (
        Difference("skus[1].sale_price", 6900, 6500),
        Difference("spu_code", MISSING, "TS2024"),
    )
    assert payload_differences(shop_copy, {"skus": [{"sale_price": 5900}]}) == (
        Difference("skus", shop_copy["skus"], [{"sale_price": 5900}]),
    )
    assert projection(shop_copy, local_body) == {
        "title": "纯棉圆领T恤",
        "express_info": {"template_id": 7000000001},
        "skus": [{"sale_price": 5900, "stock_num": 3}, {"sale_price": 6900}],
    }
