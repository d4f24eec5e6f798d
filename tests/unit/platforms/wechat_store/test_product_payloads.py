"""Product bodies for WeChat Store V1.17 (API reference §2.2, §2.3): golden files and every PayloadError."""

import json
from dataclasses import replace

import pytest
from django.utils import translation

from channels_sync.platforms.wechat_store.parsers import (
    parse_product_info,
    product_fingerprint,
    remote_product_fingerprint,
)
from channels_sync.platforms.wechat_store.payloads import (
    PayloadError,
    UpdatePayload,
    product_payload,
    product_update_payload,
    stock_change_payload,
)
from products.selectors import DetailBlockSnapshot
from tests.unit.platforms.wechat_store.builders import (
    BLACK,
    DELUXE,
    IMAGE_URLS,
    STANDARD,
    TEMPLATE_REMOTE_ID,
    WHITE,
    camera,
    image_url,
    sku,
    tee,
)
from tests.unit.platforms.wechat_store.manual_examples import PRODUCT_INFO


def build(snapshot, template_remote_id=None, image_urls=IMAGE_URLS):
    return product_payload(snapshot, image_urls=image_urls, freight_template_remote_id=template_remote_id)


# --- Create bodies -------------------------------------------------------------------------------------------------


def test_multi_spec_product_with_express_list_matches_golden(golden):
    payload = build(camera())

    golden("product_multi_spec_express", payload)
    base = payload["product_base"]
    assert base["category_id"] == ["537074298"]
    assert base["property"] == [
        {"id": "1075741879", "vid": "1079760001"},
        {"id": "1075741880", "vid": "$3.0英寸"},
        {"id": "$产地", "vid": "$日本"},
    ]
    assert base["main_img"] == image_url(11)
    assert base["img"] == [image_url(11), image_url(12), image_url(13)]
    assert base["detail"] == [{"text": "轻巧机身，复古外观"}, {"img": image_url(14)}, {"text": "附赠 32G 存储卡"}]
    assert [s["sku_id"] for s in payload["sku_list"]] == [
        "1075741873:1079742386;$套装:$标准版",
        "1075741873:1079742386;$套装:$豪华版",
        "1075741873:1079742387;$套装:$标准版",
    ]
    assert [s["icon_url"] for s in payload["sku_list"]] == [image_url(15), "", ""]
    assert payload["delivery_info"] == {
        "delivery_type": 0,
        "template_id": 0,
        "express": [{"id": 10000028, "price": 1000}, {"id": 10000029, "price": 2000}],
    }


def test_sku_info_lists_specs_in_order_with_only_the_values_skus_use():
    # 银色 is a chosen value of 颜色, but no SKU uses it: declaring it would promise a SKU that does not exist.
    payload = build(camera())

    assert payload["product_base"]["sku_info"] == [
        {"id": "1075741873", "vid": ["1079742386", "1079742387"]},
        {"id": "$套装", "vid": ["$标准版", "$豪华版"]},
    ]


def test_sku_info_keeps_the_spec_value_order_not_the_sku_order():
    skus = (
        sku(13, [WHITE, DELUXE], price=1, original_price=2, stock=1),
        sku(11, [BLACK, STANDARD], price=1, original_price=2, stock=1),
    )

    payload = build(camera(skus=skus))

    assert payload["product_base"]["sku_info"] == [
        {"id": "1075741873", "vid": ["1079742386", "1079742387"]},
        {"id": "$套装", "vid": ["$标准版", "$豪华版"]},
    ]
    assert [s["sku_id"] for s in payload["sku_list"]] == [
        "1075741873:1079742387;$套装:$豪华版",
        "1075741873:1079742386;$套装:$标准版",
    ]


def test_uniform_spec_product_with_freight_template_matches_golden(golden):
    payload = build(tee(), template_remote_id=TEMPLATE_REMOTE_ID)

    golden("product_uniform_template", payload)
    assert payload["product_base"]["sku_info"] == []
    assert payload["sku_list"] == [
        {
            "sku_id": "",
            "price": 9900,
            "ori_price": 12900,
            "quantity": 10,
            "icon_url": "",
            "product_code": "TEE-001-U",
        }
    ]
    assert payload["delivery_info"] == {"delivery_type": 1, "template_id": 103312920}


def test_template_remote_id_held_as_a_string_is_sent_as_an_integer():
    payload = build(tee(), template_remote_id="103312920")

    assert payload["delivery_info"] == {"delivery_type": 1, "template_id": 103312920}


def test_post_free_product_omits_delivery_info(golden):
    # The manual: "isPostFree = 1, delivery_info may be omitted"; no template id is needed then.
    payload = build(tee(is_post_free=True), template_remote_id=None)

    golden("product_post_free", payload)
    assert "delivery_info" not in payload
    assert payload["attrext"] == {
        "isPostFree": 1,
        "isHasReceipt": 0,
        "isUnderGuaranty": 0,
        "isSupportReplace": 1,
        "location": {"country": "中国", "province": "广东省", "city": "广州市", "address": ""},
    }


def test_same_snapshot_gives_the_same_bytes_whatever_the_order_of_the_image_urls():
    reversed_urls = dict(reversed(list(IMAGE_URLS.items())))

    first = json.dumps(build(camera()), ensure_ascii=False)
    second = json.dumps(build(camera(), image_urls=reversed_urls), ensure_ascii=False)

    assert first == second


# --- Update bodies ---------------------------------------------------------------------------------------------------

REMOTE_FROZEN = {
    "name": "富士 X-T30 微单相机",
    "category_id": ["537074297"],
    "property": [{"id": "1075741879", "vid": "1079760001"}],
}


def update(snapshot, **kwargs):
    kwargs.setdefault("image_urls", IMAGE_URLS)
    kwargs.setdefault("freight_template_remote_id", None)
    return product_update_payload("pDF3iY6Kr_BV_CXaiYysoGqJhppQ", snapshot, **kwargs)


def test_update_of_a_never_listed_product_sends_every_local_field():
    result = update(camera(), listed_once=False, remote_frozen=REMOTE_FROZEN)

    assert result == UpdatePayload(
        body={"product_id": "pDF3iY6Kr_BV_CXaiYysoGqJhppQ", **build(camera())}, frozen_fields_differing=()
    )


def test_update_after_listing_keeps_the_remote_frozen_fields_and_reports_the_differences(golden):
    result = update(camera(), listed_once=True, remote_frozen=REMOTE_FROZEN)

    golden("product_update_frozen", result.body)
    assert result.frozen_fields_differing == ("name", "category_id", "property")
    base = result.body["product_base"]
    assert base["name"] == "富士 X-T30 微单相机"
    assert base["category_id"] == ["537074297"]
    assert base["property"] == [{"id": "1075741879", "vid": "1079760001"}]
    # Everything else follows the catalog.
    assert base["sku_info"] == build(camera())["product_base"]["sku_info"]
    assert result.body["sku_list"] == build(camera())["sku_list"]


def test_update_after_listing_reports_nothing_when_only_the_property_order_differs():
    local = build(camera())["product_base"]
    remote_frozen = {
        "name": local["name"],
        "category_id": local["category_id"],
        "property": list(reversed(local["property"])),
    }

    result = update(camera(), listed_once=True, remote_frozen=remote_frozen)

    assert result.frozen_fields_differing == ()
    assert result.body["product_base"]["property"] == list(reversed(local["property"]))


def test_update_after_listing_keeps_local_values_the_remote_copy_does_not_give():
    result = update(camera(), listed_once=True, remote_frozen={"name": "富士 X-T30 微单相机"})

    assert result.frozen_fields_differing == ("name",)
    assert result.body["product_base"]["category_id"] == ["537074298"]
    assert len(result.body["product_base"]["property"]) == 3


def test_update_after_listing_without_the_remote_copy_sends_local_values():
    result = update(camera(), listed_once=True, remote_frozen=None)

    assert result.frozen_fields_differing == ()
    assert result.body["product_base"]["name"] == "富士 X-T30 微单相机 套机"


def test_update_takes_frozen_fields_from_a_parsed_remote_product():
    remote = parse_product_info(PRODUCT_INFO)

    result = update(camera(), listed_once=True, remote_frozen=remote.frozen_fields())

    assert result.body["product_base"]["name"] == "testaddproduct"
    assert result.body["product_base"]["category_id"] == ["537074298"]
    assert result.body["product_base"]["property"] == [
        {"id": "品牌", "vid": "Fujifilm/富士"},
        {"id": "屏幕尺寸", "vid": "1.8英寸"},
        {"id": "防抖性能", "vid": "CCD防抖"},
    ]
    assert result.frozen_fields_differing == ("name", "property")


def test_update_keeps_the_remote_quantity_of_skus_the_remote_has():
    remote_quantities = {"$套装:$标准版;1075741873:1079742386": 17, "1075741873:1079742388;$套装:$标准版": 99}

    result = update(camera(), listed_once=False, remote_frozen=None, remote_quantities=remote_quantities)

    assert [s["quantity"] for s in result.body["sku_list"]] == [17, 5, 0]


# --- Stock (§2.3) ----------------------------------------------------------------------------------------------------


def test_positive_stock_delta_is_an_add():
    assert stock_change_payload("pDF3iY5EYkMxs4-tF8xedyES5GQI", "10000983:10000995;10001007:10001010", 20) == (
        "add",
        {
            "product_id": "pDF3iY5EYkMxs4-tF8xedyES5GQI",
            "sku_info": "10000983:10000995;10001007:10001010",
            "quantity": 20,
        },
    )


def test_negative_stock_delta_is_a_reduce_of_its_size():
    assert stock_change_payload("pDF3iY5EYkMxs4-tF8xedyES5GQI", "", -3) == (
        "reduce",
        {"product_id": "pDF3iY5EYkMxs4-tF8xedyES5GQI", "sku_info": "", "quantity": 3},
    )


@pytest.mark.parametrize("delta", [0, True, 1.5])
def test_stock_delta_must_be_a_non_zero_whole_number(delta):
    with pytest.raises(PayloadError) as caught:
        stock_change_payload("pDF3iY5EYkMxs4-tF8xedyES5GQI", "", delta)

    assert caught.value.field == "quantity"


# --- Fingerprint ------------------------------------------------------------------------------------------------------


def remote_copy_of(payload: dict, product_id: str) -> dict:
    """What merchant/get would return for a product created from ``payload``: detail becomes detail_html, and
    the platform may write a sku_id's pairs in another order."""
    base = {key: value for key, value in payload["product_base"].items() if key != "detail"}
    base["detail_html"] = "<p>…</p>"
    sku_list = [
        {**s, "sku_id": ";".join(reversed(s["sku_id"].split(";"))) if s["sku_id"] else ""}
        for s in reversed(payload["sku_list"])
    ]
    return {**payload, "product_id": product_id, "product_base": base, "sku_list": sku_list}


def test_fingerprint_of_a_payload_equals_that_of_the_snapshot_and_of_the_remote_copy():
    payload = build(camera())
    product_info = remote_copy_of(payload, "pDF3iYwktviE3BzU3BKiSWWi9Nkw")

    fingerprint = product_fingerprint(payload)

    assert fingerprint == product_fingerprint(camera())
    assert fingerprint == remote_product_fingerprint(product_info)
    assert fingerprint == parse_product_info(product_info).fingerprint()
    assert len(fingerprint) == 64


def test_fingerprint_of_a_uniform_product_matches_its_remote_copy():
    payload = build(tee(), template_remote_id=TEMPLATE_REMOTE_ID)

    assert product_fingerprint(payload) == remote_product_fingerprint(remote_copy_of(payload, "pX"))


@pytest.mark.parametrize(
    "other",
    [
        pytest.param(camera(title="富士 X-T30 微单相机"), id="name"),
        pytest.param(camera(skus=camera().skus[:2]), id="sku ids"),
        pytest.param(
            camera(skus=(replace(camera().skus[0], product_code="OTHER"), *camera().skus[1:])), id="product codes"
        ),
    ],
)
def test_fingerprint_tells_products_apart(other):
    assert product_fingerprint(other) != product_fingerprint(camera())


def test_fingerprint_ignores_stock_and_prices():
    other = camera(skus=tuple(replace(s, stock=s.stock + 1, price=s.price - 1) for s in camera().skus))

    assert product_fingerprint(other) == product_fingerprint(camera())


# --- PayloadError ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("snapshot", "template_remote_id", "field", "message"),
    [
        pytest.param(
            camera(wechat_store_category=None),
            None,
            "product_base.category_id",
            "Choose a WeChat Store category for the product.",
            id="no category",
        ),
        pytest.param(camera(title="  "), None, "product_base.name", "The product has no title.", id="no title"),
        pytest.param(
            camera(image_asset_ids=()), None, "product_base.main_img", "The product has no head image.", id="no image"
        ),
        pytest.param(camera(skus=()), None, "sku_list", "The product has no SKU.", id="no sku"),
        pytest.param(
            camera(express_fees=()),
            None,
            "delivery_info.express",
            "No express fee: add one, or use a freight template.",
            id="no express fee",
        ),
        pytest.param(
            tee(), None, "delivery_info.template_id", "freight template 7 is not on WeChat Store yet", id="no remote id"
        ),
        pytest.param(
            tee(freight_template_id=None),
            TEMPLATE_REMOTE_ID,
            "delivery_info.template_id",
            "Choose a freight template.",
            id="no template",
        ),
        pytest.param(
            tee(delivery_type=2),
            TEMPLATE_REMOTE_ID,
            "delivery_info.delivery_type",
            "unknown delivery type 2",
            id="unknown delivery type",
        ),
        pytest.param(
            tee(),
            "tpl-1",
            "delivery_info.template_id",
            "'tpl-1' is not a numeric remote id",
            id="template remote id not numeric",
        ),
        pytest.param(
            camera(skus=(sku(11, [BLACK], price=1, original_price=2, stock=1),)),
            None,
            "sku_list[0].sku_id",
            "SKU 11 must hold one value of each spec, in order (1075741873;$套装)",
            id="sku misses a spec",
        ),
        pytest.param(
            camera(skus=(sku(11, [STANDARD, BLACK], price=1, original_price=2, stock=1),)),
            None,
            "sku_list[0].sku_id",
            "SKU 11 must hold one value of each spec, in order (1075741873;$套装)",
            id="sku specs out of order",
        ),
        pytest.param(
            tee(skus=(sku(21, [BLACK], price=1, original_price=2, stock=1),)),
            TEMPLATE_REMOTE_ID,
            "sku_list[0].sku_id",
            "SKU 21 must hold one value of each spec, in order (none)",
            id="uniform product with a spec value",
        ),
        pytest.param(
            camera(
                skus=(sku(11, [BLACK, ("$套装", "$限定版", "套装", "限定版")], price=1, original_price=2, stock=1),)
            ),
            None,
            "sku_list[0].sku_id",
            "SKU 11 uses $套装:$限定版, not a chosen value of its spec",
            id="value not chosen",
        ),
        pytest.param(
            camera(
                skus=(
                    sku(11, [BLACK, STANDARD], price=1, original_price=2, stock=1),
                    sku(12, [BLACK, STANDARD], price=1, original_price=2, stock=1),
                )
            ),
            None,
            "sku_list[1].sku_id",
            "two SKUs have the combination 1075741873:1079742386;$套装:$标准版",
            id="repeated combination",
        ),
        pytest.param(
            camera(skus=(sku(11, [BLACK, STANDARD], price=2, original_price=2, stock=1),)),
            None,
            "sku_list[0].price",
            "SKU 11: the price must be above 0 and below the original price",
            id="price not below original",
        ),
        pytest.param(
            camera(detail_blocks=(DetailBlockSnapshot("image", "", None),)),
            None,
            "product_base.detail[0].img",
            "an image block has no image",
            id="image block without image",
        ),
        pytest.param(
            camera(detail_blocks=(DetailBlockSnapshot("video", "", None),)),
            None,
            "product_base.detail[0]",
            "unknown detail block kind 'video'",
            id="unknown block kind",
        ),
    ],
)
def test_payload_error_names_the_field(snapshot, template_remote_id, field, message):
    with translation.override("en"), pytest.raises(PayloadError) as caught:
        build(snapshot, template_remote_id=template_remote_id)

    assert caught.value.field == field
    assert caught.value.message == message
    assert str(caught.value) == f"{field}: {message}"
    assert caught.value.asset_id is None


@pytest.mark.parametrize(
    ("missing_asset", "field"),
    [
        pytest.param(11, "product_base.main_img", id="main image"),
        pytest.param(13, "product_base.img[2]", id="head image"),
        pytest.param(14, "product_base.detail[1].img", id="detail image"),
        pytest.param(15, "sku_list[0].icon_url", id="sku icon"),
    ],
)
def test_an_image_without_a_platform_url_is_a_payload_error_naming_the_asset(missing_asset, field):
    image_urls = {asset_id: url for asset_id, url in IMAGE_URLS.items() if asset_id != missing_asset}

    with pytest.raises(PayloadError) as caught:
        build(camera(), image_urls=image_urls)

    assert caught.value.field == field
    assert caught.value.asset_id == missing_asset
    assert caught.value.message == f"image asset {missing_asset} has no WeChat Store URL (upload it first)"


def test_payload_error_is_a_value_error():
    assert issubclass(PayloadError, ValueError)
