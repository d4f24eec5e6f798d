"""Mini-shop bodies (API reference §4, seed 001): golden files, seed 001's example rebuilt from a snapshot, the
§4 limits as PayloadErrors before anything is sent, and the parsers of get/get_list answers."""

from dataclasses import replace

import pytest

from channels_sync.platforms.minishop.payloads import (
    NO_BRAND_ID,
    EditStatus,
    PayloadError,
    ProductStatus,
    changes_only_prices_or_stock,
    parse_sku_list,
    parse_spu,
    product_payload,
    product_update_payload,
    stock_update_payload,
    with_remote_stock,
)
from products.selectors import CategorySnapshot
from tests.unit.platforms.channels.builders import sku
from tests.unit.platforms.minishop.builders import (
    IMAGE_URLS,
    SEED_IMAGE_URLS,
    TEMPLATE_REMOTE_ID,
    image_url,
    seed_console,
    tshirt,
)
from tests.unit.platforms.minishop.seed_examples import SEED_001_REQUEST


def build(snapshot, template_remote_id=TEMPLATE_REMOTE_ID, image_urls=IMAGE_URLS):
    return product_payload(snapshot, image_urls=image_urls, freight_template_remote_id=template_remote_id)


def test_the_seed_example_request_is_what_its_product_builds(golden):
    payload = build(seed_console(), template_remote_id="5189", image_urls=SEED_IMAGE_URLS)

    golden("seed_001_request", payload)
    assert payload == SEED_001_REQUEST


def test_multi_spec_product_matches_golden(golden):
    payload = build(tshirt())

    golden("product_tshirt", payload)
    assert payload["cats"] == [{"cat_id": 7231, "level": 1}, {"cat_id": 7245, "level": 2}, {"cat_id": 7262, "level": 3}]
    assert payload["brand_id"] == NO_BRAND_ID
    assert payload["head_img"] == [image_url(11), image_url(12), image_url(13), image_url(14)]
    assert payload["desc_info"] == {"imgs": [image_url(15)]}
    # Every property once by name: the WeChat Store's 材质 comes first, the Channels one is left out.
    assert payload["attrs"] == [{"attr_key": "材质", "attr_value": "纯棉"}, {"attr_key": "袖长", "attr_value": "短袖"}]
    assert payload["express_info"] == {"template_id": 5190}
    assert payload["model"] == "TS2024"


def test_skus_carry_codes_prices_images_and_attrs_in_the_snapshot_order():
    skus = build(tshirt())["skus"]

    assert [s["out_sku_id"] for s in skus] == ["TS-WH-M", "1-12", "TS-BK-M"]
    assert skus[0] == {
        "out_product_id": "DEMO-TSHIRT-001",
        "out_sku_id": "TS-WH-M",
        "thumb_img": image_url(16),
        "sale_price": 5900,
        "market_price": 9900,
        "stock_num": 40,
        "barcode": "6901234500001",
        "sku_code": "TS-WH-M",
        "sku_attrs": [{"attr_key": "颜色", "attr_value": "白色"}, {"attr_key": "尺码", "attr_value": "M"}],
    }
    # A SKU without an image shows the main image.
    assert skus[1]["thumb_img"] == image_url(11)


def test_an_update_names_the_product_and_keeps_the_shops_stock_of_known_skus(golden):
    payload = product_update_payload(
        "23423523452345235",
        tshirt(),
        image_urls=IMAGE_URLS,
        freight_template_remote_id=TEMPLATE_REMOTE_ID,
        remote_stock_by_out_sku_id={"TS-WH-M": 37, "1-12": 50},
    )

    golden("product_tshirt_update", payload)
    assert payload["product_id"] == 23423523452345235
    assert [s["stock_num"] for s in payload["skus"]] == [37, 50, 0]


@pytest.mark.parametrize(
    ("snapshot", "field", "message"),
    [
        (
            tshirt(skus=(sku(11, [], price=1_000_000_001, original_price=1_000_000_002, stock=1),)),
            "skus[0].sale_price",
            "SKU 11: 1000000001 fen is above the mini-shop's limit of 1000000000 fen",
        ),
        (
            tshirt(skus=(sku(11, [], price=100, original_price=1_000_000_001, stock=1),)),
            "skus[0].market_price",
            "SKU 11: 1000000001 fen is above the mini-shop's limit of 1000000000 fen",
        ),
        (
            tshirt(skus=(sku(11, [], price=100, original_price=200, stock=1, out_sku_id="X" * 33),)),
            "skus[0].out_sku_id",
            "SKU 11: longer than 32 characters",
        ),
        (
            tshirt(skus=(sku(11, [], price=100, original_price=200, stock=1, product_code="C" * 21),)),
            "skus[0].sku_code",
            "SKU 11: longer than 20 characters",
        ),
        (tshirt(skus=()), "skus", "the product has no SKU"),
        (
            tshirt(minishop_category=None),
            "cats",
            "no mini-shop category: choose one on the product (import the shop's categories)",
        ),
        (
            tshirt(minishop_category=CategorySnapshot("7245", "女装", ("7231", "7245"), 2)),
            "cats",
            "the mini-shop category must be on level 3 (it is on level 2)",
        ),
        (
            tshirt(delivery_type=0, freight_template_id=None),
            "express_info.template_id",
            "the mini-shop ships with freight templates only: choose a freight template",
        ),
        (tshirt(image_asset_ids=()), "head_img", "the product has no head image"),
    ],
)
def test_what_the_platform_would_refuse_is_a_payload_error_before_sending(snapshot, field, message):
    with pytest.raises(PayloadError) as raised:
        build(snapshot)

    assert (raised.value.field, raised.value.message) == (field, message)


@pytest.mark.parametrize("template_remote_id", [None, "", "(pushed before the product)"])
def test_a_template_not_bound_to_the_shop_is_a_payload_error(template_remote_id):
    with pytest.raises(PayloadError) as raised:
        build(tshirt(), template_remote_id=template_remote_id)

    assert raised.value.field == "express_info.template_id"
    assert raised.value.message == "freight template 7 is not bound to the mini-shop yet (import its templates)"


def test_an_image_without_a_shop_url_names_its_asset():
    with pytest.raises(PayloadError) as raised:
        build(tshirt(), image_urls={k: v for k, v in IMAGE_URLS.items() if k != 15})

    assert (raised.value.field, raised.value.asset_id) == ("desc_info.imgs[0]", 15)


def test_a_stock_delta_is_type_2_with_its_sign():
    assert stock_update_payload("23423523452345235", "9007199254740993", -3) == {
        "product_id": 23423523452345235,
        "sku_id": 9007199254740993,
        "type": 2,
        "stock_num": -3,
    }
    assert stock_update_payload("1", "2", 5)["stock_num"] == 5
    with pytest.raises(PayloadError, match="a stock change of 0 has nothing to send"):
        stock_update_payload("1", "2", 0)


def _draft_answer(body):
    """``body`` as spu/get (need_edit_spu 1) answers it: ids, states and each SKU's ids added."""
    skus = [{"product_id": 1, "sku_id": 100 + i, **sku} for i, sku in enumerate(body["skus"])]
    return {"product_id": 1, **body, "skus": skus, "status": 5, "edit_status": 4, "min_price": 5900}


def test_only_sku_price_and_stock_changes_are_free_of_the_quota():
    body = build(tshirt())
    draft = _draft_answer(body)
    repriced = {
        **body,
        "skus": [{**s, "sale_price": 1, "market_price": 2, "stock_num": 3} for s in body["skus"]],
    }
    retitled = {**body, "title": "新标题"}
    new_image = {**body, "skus": [{**body["skus"][0], "thumb_img": image_url(99)}, *body["skus"][1:]]}

    assert changes_only_prices_or_stock({"product_id": 1, **repriced}, draft) is True
    assert changes_only_prices_or_stock({k: v for k, v in body.items() if k != "skus"}, draft) is True
    assert changes_only_prices_or_stock(retitled, draft) is False
    assert changes_only_prices_or_stock(new_image, draft) is False
    assert changes_only_prices_or_stock({**body, "skus": body["skus"][:2]}, draft) is False
    assert changes_only_prices_or_stock({**body, "skus": body["skus"][::-1]}, draft) is False


def test_the_shops_stock_replaces_the_local_one_of_known_skus_only():
    body = build(tshirt())

    kept = with_remote_stock(body, {"TS-WH-M": 36, "unknown": 5})

    assert [s["stock_num"] for s in kept["skus"]] == [36, 50, 0]
    assert [s["stock_num"] for s in body["skus"]] == [40, 50, 0]
    assert {k: v for k, v in kept.items() if k != "skus"} == {k: v for k, v in body.items() if k != "skus"}


def test_a_spu_answer_is_read_with_ids_as_strings_and_its_states():
    spu = parse_spu(
        {
            "product_id": 23423523452345235,
            "out_product_id": "1234566",
            "title": "任天堂",
            "status": 0,
            "edit_status": 3,
            "audit_info": {"reject_reason": "主图不清晰"},
            "skus": [{"sku_id": 9007199254740993, "out_sku_id": "1024", "sale_price": 1300, "stock_num": 100}],
        }
    )

    assert spu.product_id == "23423523452345235"
    assert (spu.status, spu.edit_status, spu.reject_reason) == (
        ProductStatus.INITIAL,
        EditStatus.AUDIT_FAILED,
        "主图不清晰",
    )
    assert (spu.listed, spu.under_audit, spu.ever_listed) == (False, False, False)
    assert spu.sku_ids_by_out_sku_id() == {"1024": "9007199254740993"}
    assert spu.stock_by_sku_id() == {"9007199254740993": 100}


def test_a_sku_list_is_read_as_stock_by_sku_id():
    stock = parse_sku_list([{"sku_id": 1, "stock_num": 3}, {"sku_id": "2", "stock_num": 0}, {"sku_id": 3}])

    assert stock == {"1": 3, "2": 0}


def test_a_spu_without_product_id_is_a_shape_error():
    from channels_sync.platforms.minishop.payloads import ResponseShapeError

    with pytest.raises(ResponseShapeError, match=r"data.spu.product_id: is missing"):
        parse_spu({"title": "x"})


def test_the_builders_are_pure():
    assert build(tshirt()) == build(replace(tshirt()))
