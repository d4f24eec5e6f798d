"""The third-party source declaration (API reference §3.7, seed 000): the seed's example, the required-field rules
and every PayloadError."""

import copy
from dataclasses import replace

import pytest

from channels_sync.platforms.channels.payloads import PayloadError
from channels_sync.platforms.channels.source_payloads import third_party_source_payload
from products.selectors import DetailBlockSnapshot, PropertySnapshot, SkuSnapshot
from tests.unit.platforms.channels.builders import IMAGE_URLS, gift_card, image_url, sku, spec, tshirt
from tests.unit.platforms.channels.seed_examples import SEED_000_REQUEST

SEED_SOURCE = SEED_000_REQUEST["product_source_info"]

# Assets of the seed-shaped product: head images 1-3, detail images 4-5, SKU images 6-8.
SEED_IMAGE_URLS = {
    1: "xxx",
    2: "xxx",
    3: "xxx",
    4: "xxx",
    5: "xxx",
    6: "https://mmecimage.cn/p/wxc16458b33be42c61/sku_white.jpg",
    7: "https://mmecimage.cn/p/xxx/sku_black.jpg",
    8: "https://mmecimage.cn/p/xxx/sku_grey.jpg",
}
SKU_IMAGES = {"白色": 6, "黑色": 7, "灰色": 8}


def _seed_sku(index: int, entry: dict) -> SkuSnapshot:
    colour = entry["spec_value"].split("-")[0]
    return sku(
        index,
        [("颜色", entry["spec_value"])],
        price=entry["price"],
        original_price=entry["price"] + 2000,
        stock=entry["stock"],
        image_asset_id=SKU_IMAGES[colour],
        out_sku_id=entry["sku_id"],
    )


def seed_product():
    """The catalog product that seed 000's example describes."""
    return replace(
        tshirt(),
        title=SEED_SOURCE["title"],
        properties=tuple(
            PropertySnapshot("", attr["attr_name"], "", attr["attr_value"], "channels")
            for attr in SEED_SOURCE["attr_list"]
        ),
        spec_definitions=(spec("颜色", *(entry["spec_value"] for entry in SEED_SOURCE["sku_list"])),),
        skus=tuple(_seed_sku(index, entry) for index, entry in enumerate(SEED_SOURCE["sku_list"], start=1)),
        image_asset_ids=(1, 2, 3),
        detail_blocks=(
            DetailBlockSnapshot("image", "", 4),
            DetailBlockSnapshot("text", SEED_SOURCE["detail_description"], None),
            DetailBlockSnapshot("image", "", 5),
        ),
    )


def seed_declaration() -> dict:
    """What the merchant enters for seed 000's example: everything the catalog does not hold."""
    return {
        "scene_value": 1,
        "publish_method": 1,
        "supplier": dict(SEED_000_REQUEST["supplier"]),
        "supplier_shop_performance": dict(SEED_000_REQUEST["supplier_shop_performance"]),
        "visit_url": SEED_SOURCE["visit_url"],
        "product_id": SEED_SOURCE["product_id"],
        "qualification_list": list(SEED_SOURCE["qualification_list"]),
        "brand": SEED_SOURCE["brand"],
        "logistics_info": dict(SEED_SOURCE["logistics_info"]),
        "service_guarantee": SEED_SOURCE["service_guarantee"],
        "delivery_time": SEED_SOURCE["delivery_time"],
        "stock_type": 1,
    }


def test_the_seed_example_is_built_from_its_product_and_declaration():
    payload = third_party_source_payload(seed_product(), seed_declaration(), SEED_IMAGE_URLS)

    expected = copy.deepcopy(SEED_000_REQUEST)
    # The catalog does not know attribute types: every attribute is sent as text (attr_type 1).
    for attr in expected["product_source_info"]["attr_list"]:
        attr["attr_type"] = 1
    assert payload == expected
    assert list(payload) == list(SEED_000_REQUEST)
    assert list(payload["product_source_info"]) == list(SEED_SOURCE)


def test_declaration_of_the_demo_tshirt_matches_golden(golden):
    declaration = {
        "scene_value": 3,
        "publish_method": 2,
        "supplier": {"supplier_name": "山海织造服饰有限公司", "source_platform_name": "自有商城"},
        "visit_url": "https://shop.example.com/p/DEMO-TSHIRT-001",
        "product_id": "DEMO-TSHIRT-001",
    }

    payload = third_party_source_payload(tshirt(), declaration, IMAGE_URLS)

    golden("third_party_source_tshirt", payload)
    assert payload["supplier"] == {"supplier_name": "山海织造服饰有限公司", "source_platform_name": "自有商城"}
    assert "supplier_shop_performance" not in payload
    source = payload["product_source_info"]
    assert source["head_img_urls"] == [image_url(11), image_url(12), image_url(13), image_url(14)]
    assert source["detail_img_urls"] == [image_url(15)]
    assert source["attr_list"] == [
        {"attr_type": 1, "attr_name": "材质", "attr_value": "纯棉"},
        {"attr_type": 1, "attr_name": "袖长", "attr_value": "短袖"},
    ]
    assert [(s["sku_id"], s["spec_name"], s["spec_value"], s["sku_img"]) for s in source["sku_list"]] == [
        ("TS-WH-M", "颜色-尺码", "白色-M", image_url(16)),
        ("1-12", "颜色-尺码", "白色-L", image_url(11)),
        ("TS-BK-M", "颜色-尺码", "黑色-M", image_url(11)),
    ]
    assert {s["stock_type"] for s in source["sku_list"]} == {0}
    for absent in ("brand", "qualification_list", "logistics_info", "service_guarantee", "delivery_time"):
        assert absent not in source


def test_a_sku_without_specs_is_declared_with_the_uniform_spec():
    product = gift_card(detail_blocks=(DetailBlockSnapshot("image", "", 24),))

    payload = third_party_source_payload(product, seed_declaration(), IMAGE_URLS)

    [entry] = payload["product_source_info"]["sku_list"]
    assert (entry["spec_name"], entry["spec_value"]) == ("规格", "统一规格")
    assert "attr_list" not in payload["product_source_info"]
    assert "detail_description" not in payload["product_source_info"]


@pytest.mark.parametrize("scene_value", [1, 2])
def test_scenes_1_and_2_need_the_source_platform_type(scene_value):
    declaration = seed_declaration() | {"scene_value": scene_value}
    del declaration["supplier"]["source_platform_type"]

    with pytest.raises(PayloadError) as caught:
        third_party_source_payload(seed_product(), declaration, SEED_IMAGE_URLS)

    assert (caught.value.field, caught.value.message) == ("supplier.source_platform_type", "is required")


def test_scene_3_needs_the_publish_method_but_not_the_source_platform_type():
    declaration = seed_declaration() | {"scene_value": 3, "publish_method": 3}
    del declaration["supplier"]["source_platform_type"]

    payload = third_party_source_payload(seed_product(), declaration, SEED_IMAGE_URLS)

    assert (payload["scene_value"], payload["publish_method"]) == (3, 3)
    assert payload["supplier"] == {"supplier_name": "广州某某贸易有限公司", "source_platform_name": "1688"}


def test_empty_optional_declaration_values_are_left_out():
    declaration = seed_declaration() | {
        "publish_method": None,
        "supplier_shop_performance": {"accept_rate_24h": None, "merchant_identity": " "},
        "qualification_list": [],
        "brand": "",
        "logistics_info": {"freight_info": "", "logistics_template": None},
        "service_guarantee": None,
        "delivery_time": "",
    }

    payload = third_party_source_payload(seed_product(), declaration, SEED_IMAGE_URLS)

    assert "publish_method" not in payload
    assert "supplier_shop_performance" not in payload
    source = payload["product_source_info"]
    for absent in ("qualification_list", "brand", "logistics_info", "service_guarantee", "delivery_time"):
        assert absent not in source


def _without(key: str, section: str | None = None) -> dict:
    declaration = seed_declaration()
    del (declaration[section] if section else declaration)[key]
    return declaration


@pytest.mark.parametrize(
    ("declaration", "field", "message"),
    [
        pytest.param(_without("scene_value"), "scene_value", "is required", id="no scene"),
        pytest.param(seed_declaration() | {"scene_value": 4}, "scene_value", "must be one of 1, 2, 3", id="bad scene"),
        pytest.param(
            seed_declaration() | {"scene_value": True}, "scene_value", "must be one of 1, 2, 3", id="boolean scene"
        ),
        pytest.param(
            seed_declaration() | {"scene_value": 3, "publish_method": None},
            "publish_method",
            "is required",
            id="scene 3 without publish method",
        ),
        pytest.param(
            seed_declaration() | {"publish_method": "1"},
            "publish_method",
            "must be one of 1, 2, 3",
            id="bad publish method",
        ),
        pytest.param(_without("supplier"), "supplier", "is required", id="no supplier"),
        pytest.param(
            seed_declaration() | {"supplier": "广州"}, "supplier", "must be an object", id="supplier not an object"
        ),
        pytest.param(
            _without("supplier_name", "supplier"), "supplier.supplier_name", "is required", id="no supplier name"
        ),
        pytest.param(
            seed_declaration() | {"supplier": {**SEED_000_REQUEST["supplier"], "supplier_name": 7}},
            "supplier.supplier_name",
            "must be text",
            id="supplier name not text",
        ),
        pytest.param(
            seed_declaration() | {"supplier": {**SEED_000_REQUEST["supplier"], "source_platform_type": 9}},
            "supplier.source_platform_type",
            "must be one of 1, 2, 3",
            id="bad source platform type",
        ),
        pytest.param(
            _without("source_platform_name", "supplier"),
            "supplier.source_platform_name",
            "is required",
            id="no source platform name",
        ),
        pytest.param(
            seed_declaration() | {"scene_value": 3, "supplier": {"supplier_name": "广州某某贸易有限公司"}},
            "supplier.source_platform_name",
            "is required",
            id="scene 3 without platform name",
        ),
        pytest.param(
            seed_declaration() | {"supplier": {**SEED_000_REQUEST["supplier"], "shop_url": "x"}},
            "supplier.shop_url",
            "not a field of the supplier",
            id="unknown supplier field",
        ),
        pytest.param(
            seed_declaration() | {"title": "x"}, "title", "not a field of the declaration", id="unknown field"
        ),
        pytest.param(
            seed_declaration() | {"supplier_shop_performance": {"accept_rate_24h": -1}},
            "supplier_shop_performance.accept_rate_24h",
            "must be a number of at least 0",
            id="negative performance",
        ),
        pytest.param(
            seed_declaration() | {"supplier_shop_performance": {"ship_count_7d": "120"}},
            "supplier_shop_performance.ship_count_7d",
            "must be a number of at least 0",
            id="performance not a number",
        ),
        pytest.param(
            seed_declaration() | {"supplier_shop_performance": {"rating": 5}},
            "supplier_shop_performance.rating",
            "not a field of the shop performance",
            id="unknown performance field",
        ),
        pytest.param(_without("visit_url"), "product_source_info.visit_url", "is required", id="no visit url"),
        pytest.param(
            seed_declaration() | {"product_id": "  "},
            "product_source_info.product_id",
            "is required",
            id="blank product id",
        ),
        pytest.param(
            seed_declaration() | {"qualification_list": "xxx"},
            "product_source_info.qualification_list",
            "must be a list of URLs",
            id="qualification list is text",
        ),
        pytest.param(
            seed_declaration() | {"qualification_list": ["xxx", ""]},
            "product_source_info.qualification_list[1]",
            "is required",
            id="empty qualification",
        ),
        pytest.param(
            seed_declaration() | {"logistics_info": {"carrier": "SF"}},
            "product_source_info.logistics_info.carrier",
            "not a field of the logistics info",
            id="unknown logistics field",
        ),
        pytest.param(
            seed_declaration() | {"stock_type": -1},
            "product_source_info.sku_list.stock_type",
            "must be a whole number of at least 0",
            id="bad stock type",
        ),
    ],
)
def test_declaration_error_names_the_field(declaration, field, message):
    with pytest.raises(PayloadError) as caught:
        third_party_source_payload(seed_product(), declaration, SEED_IMAGE_URLS)

    assert (caught.value.field, caught.value.message) == (field, message)


@pytest.mark.parametrize(
    ("product", "field", "message"),
    [
        pytest.param(
            replace(seed_product(), title=" "), "product_source_info.title", "the product has no title", id="no title"
        ),
        pytest.param(
            replace(seed_product(), image_asset_ids=()),
            "product_source_info.head_img_urls",
            "the product has no head image",
            id="no head image",
        ),
        pytest.param(
            replace(seed_product(), detail_blocks=(DetailBlockSnapshot("text", "纯棉", None),)),
            "product_source_info.detail_img_urls",
            "the product detail has no image",
            id="no detail image",
        ),
        pytest.param(
            replace(seed_product(), skus=()), "product_source_info.sku_list", "the product has no SKU", id="no sku"
        ),
    ],
)
def test_product_data_the_declaration_requires_is_checked(product, field, message):
    with pytest.raises(PayloadError) as caught:
        third_party_source_payload(product, seed_declaration(), SEED_IMAGE_URLS)

    assert (caught.value.field, caught.value.message) == (field, message)


@pytest.mark.parametrize(
    ("asset_id", "field"),
    [
        pytest.param(2, "product_source_info.head_img_urls[1]", id="head image"),
        pytest.param(5, "product_source_info.detail_img_urls[1]", id="detail image"),
        pytest.param(7, "product_source_info.sku_list[2].sku_img", id="sku image"),
    ],
)
def test_an_image_without_a_url_names_the_asset(asset_id, field):
    image_urls = {key: url for key, url in SEED_IMAGE_URLS.items() if key != asset_id}

    with pytest.raises(PayloadError) as caught:
        third_party_source_payload(seed_product(), seed_declaration(), image_urls)

    assert (caught.value.field, caught.value.asset_id) == (field, asset_id)
