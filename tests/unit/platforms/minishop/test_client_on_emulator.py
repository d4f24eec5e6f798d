"""MiniShopClient and the payload builders against the emulator over HTTP (``channels_sync/sandbox/minishop.py``):
every §4 endpoint, the bodies the builders make are accepted, and the platform's codes reach the caller as the
error family says (-1, -2, 9401001, 9401002, 9401020, 9401021, 9401023, 100002, 100004)."""

import pytest

from channels_sync.platforms.errors import AuthError, RateLimitedError, RejectedError, SystemBusyError
from channels_sync.platforms.minishop import MiniShopClient, StockUpdateType
from channels_sync.platforms.minishop.payloads import (
    EditStatus,
    ProductStatus,
    parse_sku_list,
    parse_spu,
    product_payload,
    product_update_payload,
    stock_update_payload,
)
from tests.unit.platforms.conftest import TIMEOUTS
from tests.unit.platforms.minishop.builders import TEMPLATE_REMOTE_ID, tshirt
from tests.unit.platforms.minishop.seed_examples import SEED_001_REQUEST
from tests.unit.platforms.stubs import EMULATOR_POLICY

ASSET_IDS = (11, 12, 13, 14, 15, 16)


@pytest.fixture
def image_urls(minishop) -> dict[int, str]:
    return {
        asset_id: minishop.image_upload_bytes(b"\x89PNG" + bytes([asset_id]), 640, 600, filename=f"{asset_id}.png")
        for asset_id in ASSET_IDS
    }


@pytest.fixture
def product_id(minishop, image_urls) -> str:
    body = product_payload(tshirt(), image_urls=image_urls, freight_template_remote_id=TEMPLATE_REMOTE_ID)
    product_id, _ = minishop.spu_add(body)
    return product_id


def advance(control, seconds: float = 61) -> None:
    control.control("POST", "clock", {"advance_seconds": seconds})


def test_the_seed_example_is_accepted_and_its_numeric_id_comes_back_as_a_string(minishop):
    product_id, create_time = minishop.spu_add(SEED_001_REQUEST)

    assert product_id == "23423523452345235"
    assert len(create_time) == 19
    assert minishop.spu_get(out_product_id="1234566")["product_id"] == 23423523452345235


def test_images_upload_with_the_types_in_the_query(image_urls, calls):
    upload = calls.to("/product/img/upload")[0]

    assert all(url.startswith("https://mmbiz.qpic.cn/mini_shop/wx_demo_minishop/") for url in image_urls.values())
    assert (upload.query["upload_type"], upload.query["resp_type"], upload.query["width"]) == ("0", "1", "640")


def test_add_list_audit_stock_and_delist(minishop, control, audit_delay, product_id):
    added = parse_spu(minishop.spu_get(product_id=product_id))
    minishop.spu_listing(product_id)
    auditing = parse_spu(minishop.spu_get(product_id=product_id))
    advance(control)
    listed = parse_spu(minishop.spu_get(product_id=product_id, need_edit_spu=False))
    white_m = listed.sku_ids_by_out_sku_id()["TS-WH-M"]
    minishop.stock_update(**_stock(stock_update_payload(product_id, white_m, -3)))
    stock = parse_sku_list(minishop.sku_get_list(product_id))
    minishop.spu_delisting(product_id)
    delisted = parse_spu(minishop.spu_get(product_id=product_id))

    assert (added.status, added.edit_status) == (ProductStatus.INITIAL, EditStatus.EDITING)
    assert auditing.edit_status == EditStatus.UNDER_AUDIT
    assert (listed.status, listed.title) == (ProductStatus.LISTED, "纯棉圆领短袖T恤 女款 宽松百搭")
    assert stock[white_m] == 37
    assert delisted.status == ProductStatus.DELISTED_BY_MERCHANT
    effects = [
        (e["fields"]["type"], e["fields"]["stock_num"])
        for e in control.applied()
        if e["endpoint"] == "/product/stock/update"
    ]
    assert effects == [(2, -3)]


def _stock(body):
    return {
        "product_id": str(body["product_id"]),
        "sku_id": str(body["sku_id"]),
        "update_type": body["type"],
        "stock_num": body["stock_num"],
    }


def test_an_update_body_keeps_the_sku_ids_and_the_shops_stock(minishop, image_urls, product_id):
    current = parse_spu(minishop.spu_get(product_id=product_id))
    body = product_update_payload(
        product_id,
        tshirt(title="纯棉圆领短袖T恤 女款 新款"),
        image_urls=image_urls,
        freight_template_remote_id=TEMPLATE_REMOTE_ID,
        remote_stock_by_out_sku_id={sku.out_sku_id: sku.stock_num for sku in current.skus},
    )

    minishop.spu_update(body)
    updated = parse_spu(minishop.spu_get(product_id=product_id))

    assert updated.title == "纯棉圆领短袖T恤 女款 新款"
    assert updated.sku_ids_by_out_sku_id() == current.sku_ids_by_out_sku_id()


def test_sku_endpoints_and_a_full_stock_overwrite(minishop, product_id, calls):
    sku = {
        "out_sku_id": "TS-RD-M",
        "thumb_img": "https://mmbiz.qpic.cn/mini_shop/x/red",
        "sale_price": 5900,
        "market_price": 9900,
        "stock_num": 3,
        "barcode": "",
        "sku_code": "",
        "sku_attrs": [{"attr_key": "颜色", "attr_value": "红色"}, {"attr_key": "尺码", "attr_value": "M"}],
    }

    red = minishop.sku_add(product_id, sku)
    batch = minishop.sku_batch_add(
        [
            {**sku, "out_product_id": "DEMO-TSHIRT-001", "out_sku_id": "TS-BL-M"},
            {**sku, "product_id": product_id, "out_sku_id": "TS-GR-M"},
        ]
    )
    minishop.sku_update(product_id, red, {"sale_price": 4900})
    minishop.stock_update(product_id, red, StockUpdateType.SET, 9)
    skus = {s["out_sku_id"]: s for s in minishop.sku_get_list(product_id)}

    assert set(batch) == {"TS-BL-M", "TS-GR-M"}
    # The string id of the second SKU went out as the JSON number the shop takes.
    assert calls.to("/product/sku/batch_add")[0].request["skus"][1]["product_id"] == int(product_id)
    assert (skus["TS-RD-M"]["sale_price"], skus["TS-RD-M"]["stock_num"]) == (4900, 9)
    assert str(skus["TS-RD-M"]["sku_id"]) == red


def test_a_full_overwrite_needs_a_positive_stock_and_is_refused_before_sending(minishop, product_id, calls):
    sku_id = parse_spu(minishop.spu_get(product_id=product_id)).sku_ids_by_out_sku_id()["TS-WH-M"]

    with pytest.raises(ValueError, match=r"^type 1 \(full overwrite\) needs stock_num > 0, not 0$"):
        minishop.stock_update(product_id, sku_id, StockUpdateType.SET, 0)
    with pytest.raises(ValueError, match="is not a valid StockUpdateType"):
        minishop.stock_update(product_id, sku_id, 3, 5)
    minishop.stock_update(product_id, sku_id, StockUpdateType.DELTA, -40)

    assert [(c.request["type"], c.request["stock_num"]) for c in calls.to("/product/stock/update")] == [(2, -40)]
    assert parse_sku_list(minishop.sku_get_list(product_id))[sku_id] == 0


def test_categories_and_freight_templates_come_back_with_string_ids(minishop):
    roots = minishop.category_get()
    children = minishop.category_get("6033")
    templates = minishop.freight_templates()

    assert roots[0] == {"cat_id": "6033", "f_cat_id": "0", "name": "数码"}
    assert children == [{"cat_id": "6057", "f_cat_id": "6033", "name": "游戏设备"}]
    assert templates[0] == {"template_id": "5189", "name": "全国包邮", "valuation_type": 1}


def test_the_platforms_business_codes_are_rejections_with_errcode_and_errmsg(
    minishop, control, audit_delay, product_id
):
    with pytest.raises(RejectedError) as exists:
        minishop.spu_add(SEED_001_REQUEST | {"out_product_id": "DEMO-TSHIRT-001", "skus": []})
    with pytest.raises(RejectedError) as bad:
        minishop.spu_add(SEED_001_REQUEST | {"out_product_id": "NEW", "skus": [], "cats": []})
    with pytest.raises(RejectedError) as missing:
        minishop.spu_get(product_id="1")
    minishop.spu_listing(product_id)
    with pytest.raises(RejectedError) as not_editable:
        minishop.spu_delete(product_id)
    with pytest.raises(RejectedError) as no_product:
        minishop.stock_update("1", "1", StockUpdateType.DELTA, 1)
    with pytest.raises(RejectedError) as no_sku:
        minishop.stock_update(product_id, "1", StockUpdateType.DELTA, 1)

    assert (exists.value.errcode, exists.value.errmsg) == (
        9401001,
        "SPU with out_product_id DEMO-TSHIRT-001 already exists",
    )
    assert (bad.value.errcode, bad.value.errmsg) == (9401020, "invalid param: cats must not be empty")
    assert (missing.value.errcode, missing.value.errmsg) == (9401002, "product_id 1 does not exist")
    assert not_editable.value.errcode == 9401023
    assert (no_product.value.errcode, no_sku.value.errcode) == (100002, 100004)
    assert str(bad.value) == "/product/spu/add: HTTP 200, errcode 9401020, invalid param: cats must not be empty"


def test_minus_1_is_system_busy_with_an_unknown_outcome(minishop, control):
    control.control("POST", "faults", {"errcode_minus_one_next": 1, "paths": ["/product/spu/add"]})

    with pytest.raises(SystemBusyError) as raised:
        minishop.spu_add(SEED_001_REQUEST)

    assert (raised.value.errcode, raised.value.outcome_unknown, raised.value.retryable) == (-1, True, True)


def test_no_permission_is_a_configuration_error(minishop, control):
    control.control("POST", "config", {"minishop_no_permission": ["wx_demo_minishop"]})

    with pytest.raises(AuthError) as raised:
        minishop.category_get()

    assert (raised.value.errcode, raised.value.config_error, raised.value.retryable) == (9401021, True, False)
    assert raised.value.errmsg.startswith("the app has no permission for this mini-shop API")


class _LongToken:
    def get_token(self) -> str:
        return "t" * 600

    def invalidate(self, failed_token: str) -> bool:
        return False


def test_a_token_too_long_is_a_configuration_error_with_a_clear_message(server, http_session):
    client = MiniShopClient(
        server.url, tokens=_LongToken(), timeouts=TIMEOUTS, session=http_session, host_policy=EMULATOR_POLICY
    )

    with pytest.raises(AuthError) as raised:
        client.freight_templates()

    assert (raised.value.errcode, raised.value.config_error) == (-2, True)
    assert raised.value.errmsg == "the access token is too long: check the shop's app id and secret (token too long)"


def test_the_shops_quota_answers_are_rate_limits(minishop, control):
    control.control("POST", "config", {"minishop_quota": {"hour": 0}})

    with pytest.raises(RateLimitedError) as raised:
        minishop.spu_add(SEED_001_REQUEST)

    assert (raised.value.errcode, raised.value.retry_after) == (45011, 60.0)
    assert raised.value.errmsg == "add+update quota reached: 0/0 in the last hour"
