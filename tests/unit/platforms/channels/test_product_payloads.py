"""Product bodies for the Channels store (API reference §3.3, §3.4): golden files and every PayloadError."""

import json
from dataclasses import replace

import pytest

from channels_sync.platforms.channels.constants import NO_BRAND_ID
from channels_sync.platforms.channels.payloads import (
    PayloadError,
    out_sku_id_for,
    product_payload,
    product_update_payload,
    stock_update_payload,
)
from channels_sync.platforms.wechat_store import payloads as wechat_store_payloads
from products.selectors import CategorySnapshot, DetailBlockSnapshot, PropertySnapshot
from tests.unit.platforms.channels.builders import (
    IMAGE_URLS,
    TEMPLATE_REMOTE_ID,
    gift_card,
    image_url,
    sku,
    tshirt,
)


def build(snapshot, template_remote_id=TEMPLATE_REMOTE_ID, image_urls=IMAGE_URLS, **kwargs):
    return product_payload(snapshot, image_urls=image_urls, freight_template_remote_id=template_remote_id, **kwargs)


# --- Add bodies ----------------------------------------------------------------------------------------------------


def test_multi_spec_product_on_a_three_level_category_matches_golden(golden):
    payload = build(tshirt())

    golden("product_tshirt", payload)
    assert payload["out_product_id"] == "DEMO-TSHIRT-001"
    assert payload["cats_v2"] == [{"cat_id": "1000"}, {"cat_id": "1100"}, {"cat_id": "1101"}]
    assert payload["cats"] == payload["cats_v2"]
    assert payload["head_imgs"] == [image_url(11), image_url(12), image_url(13), image_url(14)]
    assert payload["desc_info"] == {"imgs": [image_url(15)], "desc": "100% 精梳棉，亲肤透气。\n30℃ 以下水洗。"}
    # Only the properties of Channels categories; the WeChat Store one is left out.
    assert payload["attrs"] == [{"attr_key": "材质", "attr_value": "纯棉"}, {"attr_key": "袖长", "attr_value": "短袖"}]
    assert payload["brand_id"] == "2100000101"
    assert payload["express_info"] == {"template_id": TEMPLATE_REMOTE_ID, "weight": 220}
    assert payload["limited_info"] == {"period_type": 4, "limited_buy_num": 5}
    assert payload["extra_service"] == {
        "seven_day_return": 1,
        "pay_after_use": 0,
        "freight_insurance": 1,
        "fake_one_pay_three": 0,
        "damage_guarantee": 1,
    }


def test_skus_carry_codes_prices_images_and_spec_attrs_in_the_snapshot_order():
    skus = build(tshirt())["skus"]

    assert skus[0] == {
        "out_sku_id": "TS-WH-M",
        "thumb_img": image_url(16),
        "sale_price": 5900,
        "market_price": 9900,
        "stock_num": 40,
        "sku_code": "TS-WH-M",
        "bar_code": "6901234500001",
        "sku_attrs": [{"attr_key": "颜色", "attr_value": "白色"}, {"attr_key": "尺码", "attr_value": "M"}],
        "sku_deliver_info": {"stock_type": 0},
    }
    # A SKU without a merchant code gets "{product id}-{SKU id}"; without an image, the main image.
    assert (skus[1]["out_sku_id"], skus[1]["thumb_img"]) == ("1-12", image_url(11))
    assert [s["out_sku_id"] for s in skus] == ["TS-WH-M", "1-12", "TS-BK-M"]
    # The market price may equal the sale price (§3.3: "≥ sale_price").
    assert (skus[2]["sale_price"], skus[2]["market_price"]) == (5900, 5900)


def test_out_sku_id_for_prefers_the_merchant_code():
    first, second, _ = tshirt().skus

    assert out_sku_id_for(1, first) == "TS-WH-M"
    assert out_sku_id_for(1, second) == "1-12"


def test_product_delivered_without_shipping_on_a_two_level_category_matches_golden(golden):
    payload = build(gift_card(), template_remote_id=None)

    golden("product_gift_card", payload)
    assert payload["deliver_method"] == 1
    assert "express_info" not in payload
    # cats is the old three-level tree: a two-level path goes in cats_v2 only.
    assert "cats" not in payload
    assert payload["cats_v2"] == [{"cat_id": "4000"}, {"cat_id": "4100"}]
    assert payload["brand_id"] == NO_BRAND_ID
    assert "limited_info" not in payload
    assert payload["desc_info"] == {"imgs": [], "desc": ""}
    assert payload["skus"][0]["sku_attrs"] == []
    assert payload["skus"][0]["out_sku_id"] == "2-21"


@pytest.mark.parametrize(
    ("brand_id", "snapshot_brand", "sent"),
    [
        pytest.param(None, "2100000101", "2100000101", id="snapshot brand"),
        pytest.param("2100000102", "2100000101", "2100000102", id="given brand wins"),
        pytest.param(2100000103, "", "2100000103", id="integer id"),
        pytest.param(None, "", NO_BRAND_ID, id="no brand"),
        pytest.param("", "", NO_BRAND_ID, id="empty brand"),
    ],
)
def test_brand_id_is_the_given_one_else_the_snapshots_else_no_brand(brand_id, snapshot_brand, sent):
    payload = build(tshirt(brand_remote_id=snapshot_brand), brand_id=brand_id)

    assert payload["brand_id"] == sent


def test_weight_is_left_out_when_unknown():
    payload = build(tshirt(weight_g=None), template_remote_id=7000000001)

    assert payload["express_info"] == {"template_id": "7000000001"}


def test_a_category_path_of_four_levels_is_sent_as_cats_v2_only():
    category = CategorySnapshot(remote_id="9", name="x", path_remote_ids=("1", "2", "3", "9"), level=4)

    payload = build(tshirt(channels_category=category))

    assert "cats" not in payload
    assert [cat["cat_id"] for cat in payload["cats_v2"]] == ["1", "2", "3", "9"]


def test_same_snapshot_gives_the_same_bytes_whatever_the_order_of_the_image_urls():
    reversed_urls = dict(reversed(list(IMAGE_URLS.items())))

    first = json.dumps(build(tshirt()), ensure_ascii=False)
    second = json.dumps(build(tshirt(), image_urls=reversed_urls), ensure_ascii=False)

    assert first == second


def test_payload_error_is_the_wechat_store_class():
    # One class for the engine to catch, whatever the platform.
    assert PayloadError is wechat_store_payloads.PayloadError


# --- Update bodies ---------------------------------------------------------------------------------------------------

REMOTE_SKU_IDS = {"TS-WH-M": "3000000011", "1-12": "3000000012"}


def update(snapshot, **kwargs):
    kwargs.setdefault("image_urls", IMAGE_URLS)
    kwargs.setdefault("freight_template_remote_id", TEMPLATE_REMOTE_ID)
    kwargs.setdefault("remote_sku_ids", REMOTE_SKU_IDS)
    return product_update_payload("10000000123", snapshot, **kwargs)


def test_update_carries_the_product_id_and_the_sku_id_of_skus_the_remote_has(golden):
    body = update(tshirt())

    golden("product_tshirt_update", body)
    assert list(body)[0] == "product_id"
    assert body["product_id"] == "10000000123"
    assert [(s.get("sku_id"), s["out_sku_id"]) for s in body["skus"]] == [
        ("3000000011", "TS-WH-M"),
        ("3000000012", "1-12"),
        (None, "TS-BK-M"),
    ]
    assert {key: value for key, value in body.items() if key not in ("product_id", "skus")} == {
        key: value for key, value in build(tshirt()).items() if key != "skus"
    }


def test_update_keeps_the_remote_stock_of_skus_the_remote_has():
    body = update(tshirt(), remote_stock_nums={"3000000011": 17, "3999999999": 5})

    assert [s["stock_num"] for s in body["skus"]] == [17, 50, 0]


def test_update_without_remote_skus_sends_every_sku_as_new():
    body = update(tshirt(), remote_sku_ids={})

    assert body == {"product_id": "10000000123", **build(tshirt())}


def test_update_refuses_a_remote_sku_id_that_is_not_numeric():
    with pytest.raises(PayloadError) as caught:
        update(tshirt(), remote_sku_ids={"TS-BK-M": "sku-x"})

    assert caught.value.field == "skus[2].sku_id"


# --- Stock (§3.4) ----------------------------------------------------------------------------------------------------


def test_positive_stock_delta_is_an_add():
    assert stock_update_payload("10000000123", "3000000011", 20) == {
        "product_id": "10000000123",
        "sku_id": "3000000011",
        "diff_type": 1,
        "num": 20,
    }


def test_negative_stock_delta_is_a_subtraction_of_its_size():
    assert stock_update_payload("10000000123", "3000000011", -3) == {
        "product_id": "10000000123",
        "sku_id": "3000000011",
        "diff_type": 2,
        "num": 3,
    }


@pytest.mark.parametrize("delta", [0, True, 1.5])
def test_stock_delta_must_be_a_non_zero_whole_number(delta):
    with pytest.raises(PayloadError) as caught:
        stock_update_payload("10000000123", "3000000011", delta)

    assert caught.value.field == "num"


# --- PayloadError ----------------------------------------------------------------------------------------------------

TOO_MANY_SKUS = tuple(
    sku(index, [("颜色", f"色{index}")], price=100, original_price=200, stock=1) for index in range(1, 502)
)


@pytest.mark.parametrize(
    ("snapshot", "template_remote_id", "field", "message"),
    [
        pytest.param(
            tshirt(channels_category=None), TEMPLATE_REMOTE_ID, "cats_v2", "no Channels category", id="no category"
        ),
        pytest.param(
            tshirt(out_product_id=" "),
            TEMPLATE_REMOTE_ID,
            "out_product_id",
            "the product has no merchant product code",
            id="no out_product_id",
        ),
        pytest.param(
            tshirt(out_product_id="P" * 129),
            TEMPLATE_REMOTE_ID,
            "out_product_id",
            "the merchant product code is longer than 128",
            id="out_product_id too long",
        ),
        pytest.param(
            tshirt(title="T恤 女"),
            TEMPLATE_REMOTE_ID,
            "title",
            "the title must be 5 to 60 characters (it has 4)",
            id="title too short",
        ),
        pytest.param(
            tshirt(title="长" * 61),
            TEMPLATE_REMOTE_ID,
            "title",
            "the title must be 5 to 60 characters (it has 61)",
            id="title too long",
        ),
        pytest.param(
            tshirt(title="TSHIRT 2024"),
            TEMPLATE_REMOTE_ID,
            "title",
            "the title cannot be made of letters and digits only",
            id="title of letters and digits",
        ),
        pytest.param(
            tshirt(short_title="短" * 21),
            TEMPLATE_REMOTE_ID,
            "short_title",
            "the short title is longer than 20",
            id="short title",
        ),
        pytest.param(
            tshirt(image_asset_ids=(11, 12)),
            TEMPLATE_REMOTE_ID,
            "head_imgs",
            "3 to 9 head images are needed, not 2",
            id="two head images",
        ),
        pytest.param(
            tshirt(image_asset_ids=tuple(range(11, 21))),
            TEMPLATE_REMOTE_ID,
            "head_imgs",
            "3 to 9 head images are needed, not 10",
            id="ten head images",
        ),
        pytest.param(tshirt(skus=()), TEMPLATE_REMOTE_ID, "skus", "1 to 500 SKUs are needed, not 0", id="no sku"),
        pytest.param(
            tshirt(spec_definitions=(tshirt().spec_definitions[0],), skus=TOO_MANY_SKUS),
            TEMPLATE_REMOTE_ID,
            "skus",
            "1 to 500 SKUs are needed, not 501",
            id="501 skus",
        ),
        pytest.param(
            tshirt(skus=(tshirt().skus[0], replace(tshirt().skus[2], out_sku_id="TS-WH-M"))),
            TEMPLATE_REMOTE_ID,
            "skus[1].out_sku_id",
            "two SKUs have the merchant SKU code TS-WH-M",
            id="repeated out_sku_id",
        ),
        pytest.param(
            tshirt(skus=(replace(tshirt().skus[0], out_sku_id="S" * 33),)),
            TEMPLATE_REMOTE_ID,
            "skus[0].out_sku_id",
            "SKU 11: longer than 32 characters",
            id="out_sku_id too long",
        ),
        pytest.param(
            tshirt(skus=(sku(11, [("颜色", "白色")], price=1, original_price=2, stock=1),)),
            TEMPLATE_REMOTE_ID,
            "skus[0].sku_attrs",
            "SKU 11 must hold one value of each spec, in order (颜色;尺码)",
            id="sku misses a spec",
        ),
        pytest.param(
            gift_card(skus=(sku(21, [("颜色", "白色")], price=1, original_price=2, stock=1),)),
            None,
            "skus[0].sku_attrs",
            "SKU 21 must hold one value of each spec, in order (none)",
            id="uniform product with a spec value",
        ),
        pytest.param(
            gift_card(
                skus=(
                    sku(21, [], price=1, original_price=2, stock=1, out_sku_id="A"),
                    sku(22, [], price=1, original_price=2, stock=1),
                )
            ),
            None,
            "skus[1].sku_attrs",
            "two SKUs have the combination (uniform)",
            id="two uniform skus",
        ),
        pytest.param(
            tshirt(skus=(tshirt().skus[0], replace(tshirt().skus[0], id=14, out_sku_id=""))),
            TEMPLATE_REMOTE_ID,
            "skus[1].sku_attrs",
            "two SKUs have the combination 颜色:白色;尺码:M",
            id="repeated combination",
        ),
        pytest.param(
            tshirt(skus=(replace(tshirt().skus[0], price=0),)),
            TEMPLATE_REMOTE_ID,
            "skus[0].sale_price",
            "SKU 11: the price must be above 0",
            id="price zero",
        ),
        pytest.param(
            tshirt(skus=(replace(tshirt().skus[0], original_price=5800),)),
            TEMPLATE_REMOTE_ID,
            "skus[0].market_price",
            "SKU 11: the original price is below the price",
            id="market price below sale price",
        ),
        pytest.param(
            tshirt(aftersale_desc="退" * 201),
            TEMPLATE_REMOTE_ID,
            "aftersale_desc",
            "the after-sale description is longer than 200",
            id="aftersale_desc too long",
        ),
        pytest.param(
            tshirt(deliver_method=3),
            TEMPLATE_REMOTE_ID,
            "deliver_acct_type",
            "delivery to an account needs the account types, which the catalog does not hold",
            id="delivery to an account",
        ),
        pytest.param(
            tshirt(deliver_method=2),
            TEMPLATE_REMOTE_ID,
            "deliver_method",
            "unknown deliver method 2",
            id="unknown deliver method",
        ),
        pytest.param(
            tshirt(freight_template_id=None),
            TEMPLATE_REMOTE_ID,
            "express_info.template_id",
            "no freight template",
            id="no template",
        ),
        pytest.param(
            tshirt(),
            None,
            "express_info.template_id",
            "freight template 7 is not on the Channels store yet",
            id="template not pushed",
        ),
        pytest.param(
            tshirt(),
            "tpl-1",
            "express_info.template_id",
            "'tpl-1' is not a numeric remote id",
            id="template id not numeric",
        ),
        pytest.param(
            tshirt(brand_remote_id="brand-x"),
            TEMPLATE_REMOTE_ID,
            "brand_id",
            "'brand-x' is not a numeric remote id",
            id="brand id not numeric",
        ),
        pytest.param(
            tshirt(properties=(*tshirt().properties, PropertySnapshot("", "材质", "", "莫代尔", "channels"))),
            TEMPLATE_REMOTE_ID,
            "attrs[2].attr_key",
            "the property 材质 is given twice",
            id="property given twice",
        ),
        pytest.param(
            tshirt(detail_blocks=(DetailBlockSnapshot("image", "", None),)),
            TEMPLATE_REMOTE_ID,
            "desc_info.imgs",
            "detail block 1 is an image block without an image",
            id="image block without image",
        ),
        pytest.param(
            tshirt(detail_blocks=(DetailBlockSnapshot("text", "x", None), DetailBlockSnapshot("video", "", None))),
            TEMPLATE_REMOTE_ID,
            "desc_info.imgs",
            "detail block 2 has an unknown kind 'video'",
            id="unknown block kind",
        ),
    ],
)
def test_payload_error_names_the_field(snapshot, template_remote_id, field, message):
    with pytest.raises(PayloadError) as caught:
        build(snapshot, template_remote_id=template_remote_id)

    assert caught.value.field == field
    assert caught.value.message == message
    assert str(caught.value) == f"{field}: {message}"
    assert caught.value.asset_id is None


@pytest.mark.parametrize(
    ("asset_id", "field"),
    [
        pytest.param(11, "head_imgs[0]", id="main image"),
        pytest.param(14, "head_imgs[3]", id="head image"),
        pytest.param(15, "desc_info.imgs[0]", id="detail image"),
        pytest.param(16, "skus[0].thumb_img", id="sku image"),
    ],
)
def test_an_image_without_a_platform_url_is_a_payload_error_naming_the_asset(asset_id, field):
    image_urls = {key: url for key, url in IMAGE_URLS.items() if key != asset_id}

    with pytest.raises(PayloadError) as caught:
        build(tshirt(), image_urls=image_urls)

    assert caught.value.field == field
    assert caught.value.asset_id == asset_id
    assert caught.value.message == f"image asset {asset_id} has no Channels store URL (upload it first)"


@pytest.mark.parametrize(
    "url",
    [
        "http://mmbiz.qpic.cn/mmbiz/asset13/0",
        "https://mmecimage.cn/q/wx_demo_store/asset13",
        "https://evil.example/mmecimage.cn/p/asset13",
        "https://mmecimage.cn.evil.example/p/asset13",
        "ftp://mmecimage.cn/p/asset13",
    ],
)
def test_an_image_outside_mmecimage_is_a_payload_error_naming_the_asset(url):
    with pytest.raises(PayloadError) as caught:
        build(tshirt(), image_urls={**IMAGE_URLS, 13: url})

    assert caught.value.field == "head_imgs[2]"
    assert caught.value.asset_id == 13
    assert caught.value.message == "image asset 13 is not an mmecimage.cn/p/ link (upload it with resp_type=1)"


def test_an_http_mmecimage_link_is_accepted():
    payload = build(tshirt(), image_urls={**IMAGE_URLS, 13: "http://mmecimage.cn/p/wx/asset13"})

    assert payload["head_imgs"][2] == "http://mmecimage.cn/p/wx/asset13"
