"""publishProduct form fields (API reference §6, seed 004): golden files, option merging, prices in Decimal and
every PayloadError of the pre-send validation."""

import json
from dataclasses import replace
from decimal import Decimal

import pytest
from django.utils import translation

from channels_sync.platforms.errors import PayloadError
from channels_sync.platforms.open_platform.payloads import (
    compact_json,
    merged_options,
    product_form,
    supplier_sku_for,
    validate_form,
    yuan,
)
from products.selectors import DetailBlockSnapshot
from tests.unit.platforms.channels.builders import gift_card, sku, tshirt
from tests.unit.platforms.open_platform.builders import IMAGE_URLS, SALES_CHANNEL, image_url, shop_options
from tests.unit.platforms.open_platform.seed_examples import SEED_004_REQUEST, seed_form


def build(snapshot=None, **options):
    return product_form(snapshot or tshirt(), image_urls=IMAGE_URLS, options=shop_options(**options))


def decoded(form: dict) -> dict:
    """The form with its JSON-string fields decoded (numbers as Decimal, as the platform would read them)."""
    return {
        key: json.loads(value, parse_float=Decimal)
        if key in ("salesChannelList", "mediaList", "attributeList", "skuList")
        else value
        for key, value in form.items()
    }


# --- Golden files --------------------------------------------------------------------------------------------------


def test_the_seed_example_request_is_kept_verbatim_and_passes_the_pre_send_validation(golden):
    golden("seed_004_example_form", seed_form())

    validate_form(seed_form(token=None))
    assert SEED_004_REQUEST["salesChannelList"].endswith('"salesRegionList":["区域1", "区域2"]}]')


def test_multi_spec_product_matches_golden(golden):
    form = build()

    golden("product_tshirt_form", form)
    assert list(form)[:4] == ["supplierSpu", "spuName", "spuImage", "categoryId"]
    assert "token" not in form
    assert form["supplierSpu"] == "DEMO-TSHIRT-001"
    assert form["spuImage"] == image_url(11)
    assert form["categoryId"] == "1001"
    assert form["deliveryTimeliness"] == "48"
    assert form["timePeriodType"] == "HOUR"
    assert form["description"] == "100% 精梳棉，亲肤透气。\n30℃ 以下水洗。"
    assert form["pcIntroduction"] == (
        f'<p>100% 精梳棉，亲肤透气。</p><img src="{image_url(15)}"/><p>30℃ 以下水洗。</p>'
    )
    assert form["appIntroduction"] == form["pcIntroduction"]


def test_uniform_spec_product_matches_golden(golden):
    form = build(gift_card())

    golden("product_gift_card_form", form)
    (only,) = decoded(form)["skuList"]
    assert only["skuSpecs"] == [{"specsCode": "default", "specsName": "规格", "specsValue": "默认"}]
    assert only["supplierSku"] == "GIFT-100-21"
    assert "weight" not in only
    assert "upc" not in only
    # No detail blocks: the short title is empty, so the title describes it.
    assert form["description"] == "星礼卡 电子礼品卡 100元"
    assert form["pcIntroduction"] == "<p>星礼卡 电子礼品卡 100元</p>"


def test_joint_operation_merchant_sends_price_checks_and_matches_golden(golden):
    form = build(
        is_joint_operation=True,
        check_price_url="https://price.example.com/check/TS",
        check_price_attachment="核价单-2025.pdf",
    )

    golden("product_tshirt_joint_operation_form", form)
    first = decoded(form)["skuList"][0]
    assert first["checkPriceMsgList"] == [
        {
            "outCheckPrice": Decimal("53.10"),
            "attachment": "核价单-2025.pdf",
            "outCheckPriceUrl": "https://price.example.com/check/TS",
        }
    ]


# --- Fields --------------------------------------------------------------------------------------------------------


def test_json_strings_are_compact_deterministic_and_keep_chinese():
    form = build()

    assert form["salesChannelList"] == (
        '[{"salesChannel":"CHANNEL_1","displayTimeStart":"2025-01-01 00:00:00","displayTimeEnd":"2025-12-31 23:59:59",'
        '"sevenDaysForReturn":1,"salesRegionList":["华东","华南"]}]'
    )
    assert form["attributeList"] == (
        '[{"attributeName":"材质","attributeValue":"纯棉","sorting":1},'
        '{"attributeName":"袖长","attributeValue":"短袖","sorting":2}]'
    )
    assert build() == form


def test_media_list_has_the_main_picture_first_then_carousel_pictures():
    media = decoded(build())["mediaList"]

    assert [(m["mediaType"], m["sorting"], m["mediaUrl"]) for m in media] == [
        ("MAIN_PICTURE", 1, image_url(11)),
        ("CAROUSEL_PICTURE", 2, image_url(12)),
        ("CAROUSEL_PICTURE", 3, image_url(13)),
        ("CAROUSEL_PICTURE", 4, image_url(14)),
    ]
    assert media[0]["mediaName"] == "asset11.jpg"


def test_media_types_follow_the_options():
    media = decoded(build(main_media_type="VIDEO_PICTURE", extra_media_type="VIDEO"))["mediaList"]

    assert [m["mediaType"] for m in media] == ["VIDEO_PICTURE", "VIDEO", "VIDEO", "VIDEO"]


def test_skus_carry_codes_names_images_prices_stock_weight_barcode_and_specs():
    skus = decoded(build())["skuList"]

    assert skus[0] == {
        "supplierSku": "TS-WH-M",
        "skuName": "纯棉圆领短袖T恤 女款 宽松百搭 白色 M",
        "skuImage": image_url(16),
        "saleUnit": "件",
        "agreementPrice": Decimal("53.10"),
        "referencePrice": Decimal("99.00"),
        "minDeliveryQuantity": 1,
        "quantity": 40,
        "weight": Decimal("0.220"),
        "upc": "6901234500001",
        "skuSpecs": [
            {"specsCode": "颜色:白色", "specsName": "颜色", "specsValue": "白色", "sorting": 1},
            {"specsCode": "尺码:M", "specsName": "尺码", "specsValue": "M", "sorting": 2},
        ],
    }
    # Without an out_sku_id or code: "<out_product_id>-<SKU id>"; without an image: the main image.
    assert (skus[1]["supplierSku"], skus[1]["skuImage"]) == ("DEMO-TSHIRT-001-12", image_url(11))
    assert skus[2]["quantity"] == 0


def test_supplier_sku_prefers_the_out_sku_id_then_the_product_code():
    snapshot = tshirt()
    coded = sku(5, [], price=100, original_price=100, stock=1, product_code="CODE-5")

    assert supplier_sku_for(snapshot, snapshot.skus[0]) == "TS-WH-M"
    assert supplier_sku_for(snapshot, coded) == "CODE-5"


@pytest.mark.parametrize(
    ("fen", "percent", "expected"),
    [
        (5900, Decimal(90), Decimal("53.10")),
        (1, Decimal(50), Decimal("0.01")),  # 0.005 rounds half up
        (333, Decimal("33.33"), Decimal("1.11")),
        (1999, Decimal(100), Decimal("19.99")),
        (10, Decimal("0.01"), Decimal("0.00")),
    ],
)
def test_prices_are_yuan_with_two_decimals_without_float_drift(fen, percent, expected):
    assert yuan(fen, percent) == expected
    assert str(yuan(fen, percent)) == str(expected)


def test_prices_are_written_with_their_exact_decimals():
    assert compact_json({"agreementPrice": Decimal("0.10"), "n": 3}) == '{"agreementPrice":0.10,"n":3}'
    assert '"agreementPrice":53.10,"referencePrice":99.00' in build()["skuList"]


def test_reference_price_falls_back_to_the_sale_price_and_percentages_default_to_100():
    snapshot = replace(tshirt(), skus=(sku(1, [], price=1234, original_price=0, stock=3),))

    (only,) = decoded(build(snapshot, agreement_price_percent=None, reference_price_percent=None))["skuList"]

    assert (only["agreementPrice"], only["referencePrice"]) == (Decimal("12.34"), Decimal("12.34"))


def test_keyword_falls_back_to_the_title_and_time_unit_to_day():
    form = build(keyword=None, time_period_type=None)

    assert (form["keyword"], form["timePeriodType"]) == ("纯棉圆领短袖T恤 女款 宽松百搭", "DAY")


def test_product_overrides_win_over_shop_defaults_and_blank_overrides_do_not():
    options = merged_options(
        shop_options(),
        {"category_id": 2001, "sale_unit": "箱", "brand_name": "", "is_joint_operation": True},
    )

    form = product_form(tshirt(), image_urls=IMAGE_URLS, options=options)

    assert (form["categoryId"], form["brandName"]) == ("2001", "演示品牌")
    assert decoded(form)["skuList"][0]["saleUnit"] == "箱"
    # Whether the merchant is a joint-operation one is the shop's, not the product's.
    assert "checkPriceMsgList" not in decoded(form)["skuList"][0]


def test_sales_channel_keys_are_sent_in_the_documented_order_whatever_the_stored_order():
    channel = decoded(build(sales_channels=[dict(reversed(list(SALES_CHANNEL.items())))]))["salesChannelList"][0]

    assert list(channel) == [
        "salesChannel",
        "displayTimeStart",
        "displayTimeEnd",
        "sevenDaysForReturn",
        "salesRegionList",
    ]


# --- PayloadErrors: nothing is sent ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"category_id": None}, "categoryId"),
        ({"brand_name": None}, "brandName"),
        ({"sales_way": None}, "salesWay"),
        ({"sales_way": "RETAIL"}, "salesWay"),
        ({"settlement_way": "MONTHLY"}, "settlementWay"),
        ({"delivery_way": "SF_DELIVERY"}, "deliveryWay"),
        ({"delivery_timeliness": None}, "deliveryTimeliness"),
        ({"delivery_timeliness": 0}, "deliveryTimeliness"),
        ({"time_period_type": "WEEK"}, "timePeriodType"),
        ({"sales_channels": None}, "salesChannelList"),
        ({"sales_channels": [{**SALES_CHANNEL, "salesChannel": ""}]}, "salesChannelList[0].salesChannel"),
        (
            {"sales_channels": [{**SALES_CHANNEL, "displayTimeStart": "2025/01/01"}]},
            "salesChannelList[0].displayTimeStart",
        ),
        (
            {"sales_channels": [{**SALES_CHANNEL, "displayTimeEnd": "2024-12-31 23:59:59"}]},
            "salesChannelList[0].displayTimeEnd",
        ),
        ({"sales_channels": [{**SALES_CHANNEL, "sevenDaysForReturn": 2}]}, "salesChannelList[0].sevenDaysForReturn"),
        ({"sales_channels": [{**SALES_CHANNEL, "salesRegionList": []}]}, "salesChannelList[0].salesRegionList"),
        ({"sale_unit": None}, "skuList[0].saleUnit"),
        ({"min_delivery_quantity": None}, "skuList[0].minDeliveryQuantity"),
        ({"main_media_type": "GIF"}, "mediaList[0].mediaType"),
        ({"agreement_price_percent": "0"}, "agreement_price_percent"),
        ({"reference_price_percent": "120"}, "reference_price_percent"),
        ({"is_joint_operation": True}, "skuList[0].checkPriceMsgList[0].attachment"),
    ],
)
def test_a_missing_or_invalid_field_is_refused_before_sending_with_its_name(options, field, english):
    with pytest.raises(PayloadError) as caught:
        build(**options)

    assert caught.value.field == field
    assert caught.value.message.startswith(f"{field}: ")


def test_catalog_problems_are_refused_with_the_field_named():
    with pytest.raises(PayloadError) as no_image:
        build(replace(tshirt(), image_asset_ids=()))
    with pytest.raises(PayloadError) as no_sku:
        build(replace(tshirt(), skus=()))
    with pytest.raises(PayloadError) as free:
        build(replace(tshirt(), skus=(sku(1, [], price=0, original_price=0, stock=1),)))
    with pytest.raises(PayloadError) as twice:
        build(
            replace(
                tshirt(),
                skus=(
                    sku(1, [("颜色", "白色")], price=100, original_price=100, stock=1, out_sku_id="X"),
                    sku(2, [("颜色", "黑色")], price=100, original_price=100, stock=1, out_sku_id="X"),
                ),
            )
        )
    with pytest.raises(PayloadError) as unuploaded:
        product_form(tshirt(), image_urls={11: image_url(11)}, options=shop_options())

    assert no_image.value.field == "spuImage"
    assert no_sku.value.field == "skuList"
    assert free.value.field == "skuList[0].agreementPrice"
    assert twice.value.field == "skuList[1].supplierSku"
    assert (unuploaded.value.field, unuploaded.value.asset_id) == ("pcIntroduction[1]", 15)


def test_an_image_detail_block_without_url_is_refused():
    snapshot = replace(tshirt(), detail_blocks=(DetailBlockSnapshot("image", "", 99),))

    with pytest.raises(PayloadError) as caught:
        product_form(snapshot, image_urls={i: image_url(i) for i in (11, 12, 13, 14, 16)}, options=shop_options())

    assert caught.value.asset_id == 99


def test_the_messages_are_translated():
    with translation.override("zh-hans"), pytest.raises(PayloadError) as caught:
        build(category_id=None)

    assert caught.value.message.startswith("categoryId: ")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"spuName": None}, "spuName"),
        ({"categoryId": "abc"}, "categoryId"),
        ({"deliveryTimeliness": "-1"}, "deliveryTimeliness"),
        ({"mediaList": "not json"}, "mediaList"),
        ({"mediaList": "{}"}, "mediaList"),
        ({"mediaList": "[]"}, "mediaList"),
        ({"skuList": '[{"supplierSku":"A"}]'}, "skuList[0].skuName"),
        ({"attributeList": '[{"attributeName":"颜色"}]'}, "attributeList[0].attributeValue"),
        # categoryId is a Long written in ASCII digits: "²" passes str.isdigit() but not int().
        ({"categoryId": "²"}, "categoryId"),
        ({"categoryId": "0"}, "categoryId"),
        ({"categoryId": "9223372036854775808"}, "categoryId"),
        # deliveryTimeliness is read as the emulator reads it: a plain decimal number.
        ({"deliveryTimeliness": "1e1"}, "deliveryTimeliness"),
        ({"deliveryTimeliness": " 24"}, "deliveryTimeliness"),
        ({"deliveryTimeliness": "٢٤"}, "deliveryTimeliness"),
        ({"deliveryTimeliness": "NaN"}, "deliveryTimeliness"),
        ({"deliveryTimeliness": "24\n"}, "deliveryTimeliness"),
        ({"categoryId": "1\n"}, "categoryId"),
    ],
)
def test_validate_form_names_the_offending_field_of_a_form(changes, field):
    with pytest.raises(PayloadError) as caught:
        validate_form(seed_form(token=None, **{k: (v if v is not None else "") for k, v in changes.items()}))

    assert caught.value.field == field


def test_validate_form_requires_price_checks_only_for_joint_operation_merchants():
    skus = json.loads(SEED_004_REQUEST["skuList"])
    del skus[0]["checkPriceMsgList"]
    form = seed_form(token=None, skuList=json.dumps(skus, ensure_ascii=False))

    validate_form(form)
    with pytest.raises(PayloadError) as caught:
        validate_form(form, joint_operation=True)

    assert caught.value.field == "skuList[0].checkPriceMsgList"


def _seed_skus(**changes) -> str:
    """Seed 004's skuList with ``changes`` applied to its SKU, as JSON text (``json.dumps`` writes NaN as is)."""
    (item,) = json.loads(SEED_004_REQUEST["skuList"])
    item.update(changes)
    return json.dumps([item], ensure_ascii=False)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"agreementPrice": float("nan")}, "skuList[0].agreementPrice"),
        ({"referencePrice": float("inf")}, "skuList[0].referencePrice"),
        ({"quantity": 1.5}, "skuList[0].quantity"),
        (
            {"skuAttributeList": [{"attributeName": "a", "attributeValue": "b", "sorting": "1"}]},
            "skuList[0].skuAttributeList[0].sorting",
        ),
    ],
)
def test_validate_form_checks_sku_numbers_as_the_seed_types_them(changes, field):
    with pytest.raises(PayloadError) as caught:
        validate_form(seed_form(token=None, skuList=_seed_skus(**changes)))

    assert caught.value.field == field


def test_validate_form_accepts_the_largest_long_category_and_a_decimal_timeliness():
    validate_form(seed_form(token=None, categoryId="9223372036854775807", deliveryTimeliness="0.5"))


@pytest.mark.parametrize("field", ["salesWay", "settlementWay", "deliveryWay", "deliveryTimeliness"])
def test_the_fields_seed_004s_table_marks_required_are_required(field):
    # §6's prose lists them after "optional"; the seed's parameter table (the primary source) says "yes".
    with pytest.raises(PayloadError) as caught:
        validate_form(seed_form(token=None, **{field: None}))

    assert caught.value.field == field
