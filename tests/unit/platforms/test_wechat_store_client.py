"""WeChatStoreClient against the emulator over HTTP: every endpoint of reference §2.1 succeeds with the documented
answer, and answers a business rejection with its errcode and errmsg (changing nothing)."""

from collections.abc import Callable
from typing import Any

import pytest

from channels_sync.platforms.errors import ProtocolError, RejectedError
from channels_sync.platforms.wechat_store import OrderStatus, ProductFilter, ProductListing, WeChatStoreClient
from tests.unit.platforms.conftest import TIMEOUTS
from tests.unit.platforms.stubs import EMULATOR_POLICY, Canned, StaticTokens
from tests.unit.sandbox.client import DEMO_APP
from tests.unit.sandbox.wechat_store.builders import (
    APPAREL_BRAND,
    COLOUR,
    MATERIAL,
    SIZE,
    SIZE_L,
    SIZE_M,
    TSHIRT,
    WHITE,
    template_body,
    tshirt_body,
)

WHITE_M = f"{COLOUR}:{WHITE};{SIZE}:{SIZE_M}"
WHITE_L = f"{COLOUR}:{WHITE};{SIZE}:{SIZE_L}"
FIRST_TEMPLATE_ID = 103312920


@pytest.fixture
def images(store_client: WeChatStoreClient) -> list[str]:
    """Main, extra and detail images uploaded through the client."""
    return [store_client.upload_image(f"image-{index}.jpg", b"\xff\xd8\xff" + bytes([index])) for index in range(3)]


@pytest.fixture
def product_id(store_client: WeChatStoreClient, images: list[str]) -> str:
    return store_client.product_create(tshirt_body(images))


@pytest.fixture
def listed_product_id(store_client: WeChatStoreClient, product_id: str) -> str:
    store_client.product_set_status(product_id, ProductListing.LIST)
    return product_id


def _template(name: str = "全国包邮以外") -> dict[str, Any]:
    return template_body(name)["delivery_template"]


def _generate_order(control, product_id: str, sku_info: str = WHITE_M, **fields: Any) -> str:
    body = {"appid": DEMO_APP[0], "product_id": product_id, "sku_info": sku_info, **fields}
    return control.control("POST", "orders/generate", body)["order"]["order_id"]


def _applied(control) -> list[str]:
    return [effect["endpoint"] for effect in control.applied()]


# --- 7. images -----------------------------------------------------------------------------------------------------


def test_upload_image_sends_raw_bytes_with_the_filename_in_the_query(store_client, calls, control):
    image_url = store_client.upload_image("主图.png", b"\x89PNG\r\n\x1a\nfake")

    assert image_url.startswith("http://mmbiz.qpic.cn/mmbiz/")
    assert image_url.endswith("/0")
    [record] = calls.to("/merchant/common/upload_img")
    assert record.request == "<12 bytes, image/png>"
    assert record.query == {"filename": "主图.png", "access_token": "***"}
    [effect] = control.applied()
    assert effect["fields"] == {"image_url": image_url, "filename": "主图.png", "size": 12}


# --- 1. products ---------------------------------------------------------------------------------------------------


def test_product_create_get_and_update(store_client, images):
    product_id = store_client.product_create(tshirt_body(images))

    created = store_client.product_get(product_id)
    renamed = tshirt_body(images)
    renamed["product_base"]["name"] = "纯棉圆领T恤 2024款"
    store_client.product_update(product_id, renamed)
    updated = store_client.product_get(product_id)

    assert product_id.startswith("pDF3iY")
    assert len(product_id) == 28
    assert created["product_id"] == product_id
    assert created["product_base"]["name"] == "纯棉圆领T恤"
    assert "detail" not in created["product_base"]
    assert created["product_base"]["detail_html"].startswith('<p style="margin-bottom:11px;margin-top:11px;">')
    assert {sku["sku_id"]: sku["quantity"] for sku in created["sku_list"]} == {
        f"{COLOUR}:{colour};{SIZE}:{size}": 10 for colour in (WHITE, "10000996") for size in (SIZE_M, SIZE_L)
    }
    assert updated["product_base"]["name"] == "纯棉圆领T恤 2024款"


def test_product_listing_and_filters_by_status(store_client, product_id):
    off_before = store_client.product_get_by_status(ProductFilter.OFF_SHELF)
    store_client.product_set_status(product_id, ProductListing.LIST)
    on_shelf = store_client.product_get_by_status(ProductFilter.ON_SHELF)
    store_client.product_set_status(product_id, ProductListing.DELIST)
    every = store_client.product_get_by_status()

    assert [(product["product_id"], product["status"]) for product in off_before] == [(product_id, 2)]
    assert [(product["product_id"], product["status"]) for product in on_shelf] == [(product_id, 1)]
    assert [(product["product_id"], product["status"]) for product in every] == [(product_id, 2)]
    assert on_shelf[0]["product_base"]["name"] == "纯棉圆领T恤"


def test_product_delete(store_client, product_id, control):
    store_client.product_delete(product_id)

    assert store_client.product_get_by_status(ProductFilter.ALL) == []
    assert _applied(control)[-1] == "/merchant/del"


# --- 1.7-1.9 categories ----------------------------------------------------------------------------------------------


def test_category_tree_spec_table_and_properties(store_client):
    roots = store_client.category_get_sub()
    sku_table = store_client.category_get_sku(TSHIRT)
    properties = store_client.category_get_property(int(TSHIRT))

    assert roots == [
        {"id": "537000001", "name": "数码"},
        {"id": "537000002", "name": "服饰"},
        {"id": "537000003", "name": "食品"},
    ]
    assert [(row["id"], row["name"]) for row in sku_table] == [(COLOUR, "颜色"), (SIZE, "尺码")]
    assert sku_table[1]["value_list"] == [
        {"id": "10001008", "name": "S"},
        {"id": SIZE_M, "name": "M"},
        {"id": SIZE_L, "name": "L"},
        {"id": "10001011", "name": "XL"},
    ]
    assert [(row["id"], row["name"]) for row in properties] == [
        (APPAREL_BRAND, "品牌"),
        (MATERIAL, "材质"),
        ("10002003", "领型"),
        ("10002004", "袖长"),
    ]
    assert properties[0]["property_value"][0] == {"id": "50867", "name": "UNIQLO/优衣库"}


# --- 2. stock --------------------------------------------------------------------------------------------------------


def test_stock_add_and_reduce_send_deltas(store_client, product_id, control):
    store_client.stock_add(product_id, WHITE_M, 5)
    store_client.stock_reduce(product_id, WHITE_M, 3)

    skus = {sku["sku_id"]: sku["quantity"] for sku in store_client.product_get(product_id)["sku_list"]}
    assert skus[WHITE_M] == 12
    assert skus[WHITE_L] == 10
    stock_effects = [
        effect["fields"] for effect in control.applied() if effect["endpoint"].startswith("/merchant/stock")
    ]
    assert stock_effects == [
        {"product_id": product_id, "sku_info": WHITE_M, "quantity": 5, "stock_after": 15},
        {"product_id": product_id, "sku_info": WHITE_M, "quantity": 3, "stock_after": 12},
    ]


# --- 3. postage templates -------------------------------------------------------------------------------------------


def test_express_template_lifecycle(store_client):
    template_id = store_client.express_add(_template())
    fetched = store_client.express_get_by_id(template_id)
    store_client.express_update(template_id, _template("偏远地区另计"))
    listed = store_client.express_get_all()
    store_client.express_delete(template_id)

    assert template_id == FIRST_TEMPLATE_ID
    assert fetched == {"Id": FIRST_TEMPLATE_ID, **_template()}
    assert listed == [{"Id": FIRST_TEMPLATE_ID, **_template("偏远地区另计")}]
    assert store_client.express_get_all() == []


# --- 4. groups -------------------------------------------------------------------------------------------------------


def test_group_lifecycle(store_client, images, product_id):
    other_id = store_client.product_create(tshirt_body(images))

    group_id = store_client.group_add("夏季新品", [product_id])
    store_client.group_rename(group_id, "夏季热卖")
    store_client.group_modify_products(group_id, add=[other_id], remove=[product_id])
    detail = store_client.group_get_by_id(group_id)
    every = store_client.group_get_all()
    store_client.group_delete(group_id)

    assert group_id == 1
    assert detail == {"group_id": 1, "group_name": "夏季热卖", "product_list": [other_id]}
    assert every == [{"group_id": 1, "group_name": "夏季热卖"}]
    assert store_client.group_get_all() == []


def test_group_modify_products_needs_a_change(store_client, calls):
    with pytest.raises(ValueError, match="group_modify_products needs products to add or remove"):
        store_client.group_modify_products(1)

    assert calls == []


def test_group_modify_products_sends_removals_then_additions(store_client, product_id, calls):
    group_id = store_client.group_add("夏季新品")

    store_client.group_modify_products(group_id, add=[product_id], remove=[product_id])

    assert calls.to("/merchant/group/productmod")[0].request == {
        "group_id": group_id,
        "product": [{"product_id": product_id, "mod_action": 0}, {"product_id": product_id, "mod_action": 1}],
    }


# --- 5. shelves ------------------------------------------------------------------------------------------------------


def test_shelf_lifecycle(store_client, images, calls):
    group_id = store_client.group_add("夏季新品")
    one_group = [{"group_info": {"group_id": group_id, "filter": {"count": 2}}, "eid": 1}]
    background = [{"group_infos": {"groups": [{"group_id": group_id}], "img_background": images[2]}, "eid": 5}]

    shelf_id = store_client.shelf_add("首页", one_group, shelf_banner=images[0])
    fetched = store_client.shelf_get_by_id(shelf_id)
    store_client.shelf_update(shelf_id, "首页（夏季）", background)
    listed = store_client.shelf_get_all()
    store_client.shelf_delete(shelf_id)

    assert shelf_id == 1
    assert fetched == {
        "shelf_info": {"module_infos": one_group},
        "shelf_banner": images[0],
        "shelf_name": "首页",
        "shelf_id": 1,
    }
    # Control 5 has no banner, so none is sent (shelf/mod, not shelf/add: reference §2.8).
    [update] = calls.to("/merchant/shelf/mod")
    assert update.request == {"shelf_id": 1, "shelf_data": {"module_infos": background}, "shelf_name": "首页（夏季）"}
    assert calls.to("/merchant/shelf/add")[0].request["shelf_banner"] == images[0]
    assert [(shelf["shelf_id"], shelf["shelf_name"], shelf["shelf_info"]) for shelf in listed] == [
        (1, "首页（夏季）", {"module_infos": background})
    ]
    assert store_client.shelf_get_all() == []


# --- 6. orders -------------------------------------------------------------------------------------------------------


def test_order_read_filter_ship_and_close(store_client, listed_product_id, control, calls):
    shipped_id = _generate_order(control, listed_product_id, create_time=1700000000)
    closed_id = _generate_order(control, listed_product_id, WHITE_L, create_time=1700003600)

    order = store_client.order_get_by_id(shipped_id)
    waiting = store_client.order_get_by_filter(status=OrderStatus.AWAITING_SHIPMENT)
    early = store_client.order_get_by_filter(begin_time=1700000000, end_time=1700000001)
    store_client.order_set_delivery(shipped_id, delivery_company="003shunfeng", delivery_track_no="SF1234567890")
    store_client.order_close(closed_id)

    assert (order["order_id"], order["order_status"], order["product_id"], order["product_sku"]) == (
        shipped_id,
        2,
        listed_product_id,
        WHITE_M,
    )
    assert [item["order_id"] for item in waiting] == [shipped_id, closed_id]
    assert [item["order_id"] for item in early] == [shipped_id]
    assert calls.to("/merchant/order/getbyfilter")[1].request == {"begintime": 1700000000, "endtime": 1700000001}
    shipped = store_client.order_get_by_id(shipped_id)
    assert (shipped["order_status"], shipped["delivery_company"], shipped["delivery_id"]) == (
        3,
        "003shunfeng",
        "SF1234567890",
    )
    assert store_client.order_get_by_id(closed_id)["order_status"] == 6
    assert [item["order_id"] for item in store_client.order_get_by_filter(status=OrderStatus.SHIPPED)] == [shipped_id]


def test_set_delivery_without_logistics_sends_no_company(store_client, listed_product_id, control, calls):
    order_id = _generate_order(control, listed_product_id)

    store_client.order_set_delivery(order_id, need_delivery=False)

    assert calls.to("/merchant/order/setdelivery")[0].request == {"order_id": order_id, "need_delivery": 0}
    assert store_client.order_get_by_id(order_id)["order_status"] == 3


def test_set_delivery_with_a_company_outside_the_list(store_client, listed_product_id, control):
    order_id = _generate_order(control, listed_product_id)

    store_client.order_set_delivery(order_id, delivery_company="德邦物流", delivery_track_no="DPK001", is_others=True)

    [effect] = [effect for effect in control.applied() if effect["endpoint"] == "/merchant/order/setdelivery"]
    assert effect["fields"] == {
        "order_id": order_id,
        "need_delivery": 1,
        "delivery_company": "德邦物流",
        "delivery_track_no": "DPK001",
        "is_others": 1,
    }


# --- rejections --------------------------------------------------------------------------------------------------------

NO_PRODUCT = "invalid args: product_id pNOPE does not exist"

Call = Callable[[WeChatStoreClient, list[str]], Any]
REJECTIONS: list[tuple[str, Call, int, str]] = [
    (
        "product_create",
        lambda c, images: c.product_create(
            tshirt_body(images, sku_list=[{"sku_id": WHITE_M, "price": 12900, "ori_price": 12900, "quantity": 1}])
        ),
        40097,
        "invalid args: sku_list[0].price must be lower than ori_price",
    ),
    ("product_delete", lambda c, images: c.product_delete("pNOPE"), 40097, NO_PRODUCT),
    ("product_update", lambda c, images: c.product_update("pNOPE", tshirt_body(images)), 40097, NO_PRODUCT),
    ("product_get", lambda c, images: c.product_get("pNOPE"), 40097, NO_PRODUCT),
    (
        "product_get_by_status",
        lambda c, images: c.product_get_by_status(7),
        40097,
        "invalid args: status must be one of 0, 1, 2",
    ),
    ("product_set_status", lambda c, images: c.product_set_status("pNOPE", ProductListing.LIST), 40097, NO_PRODUCT),
    (
        "category_get_sub",
        lambda c, images: c.category_get_sub("999"),
        40097,
        "invalid args: cate_id 999 is not a known category",
    ),
    (
        "category_get_sku",
        lambda c, images: c.category_get_sku("999"),
        40097,
        "invalid args: cate_id 999 is not a known category",
    ),
    (
        "category_get_property",
        lambda c, images: c.category_get_property("999"),
        40097,
        "invalid args: cate_id 999 is not a known category",
    ),
    ("stock_add", lambda c, images: c.stock_add("pNOPE", "", 1), 40097, NO_PRODUCT),
    ("stock_reduce", lambda c, images: c.stock_reduce("pNOPE", "", 1), 40097, NO_PRODUCT),
    (
        "express_add",
        lambda c, images: c.express_add({**_template(), "Assumer": 2}),
        40097,
        "invalid args: delivery_template.Assumer must be one of 0, 1",
    ),
    ("express_delete", lambda c, images: c.express_delete(1), 40097, "invalid args: template_id 1 does not exist"),
    (
        "express_update",
        lambda c, images: c.express_update(1, _template()),
        40097,
        "invalid args: template_id 1 does not exist",
    ),
    (
        "express_get_by_id",
        lambda c, images: c.express_get_by_id(1),
        40097,
        "invalid args: template_id 1 does not exist",
    ),
    (
        "group_add",
        lambda c, images: c.group_add("夏季新品", ["pNOPE"]),
        40097,
        "invalid args: group_detail.product_list[0] pNOPE is not an existing product",
    ),
    ("group_delete", lambda c, images: c.group_delete(99), 40097, "invalid args: group_id 99 does not exist"),
    ("group_rename", lambda c, images: c.group_rename(99, "x"), 40097, "invalid args: group_id 99 does not exist"),
    (
        "group_modify_products",
        lambda c, images: c.group_modify_products(99, add=["pNOPE"]),
        40097,
        "invalid args: group_id 99 does not exist",
    ),
    ("group_get_by_id", lambda c, images: c.group_get_by_id(99), 40097, "invalid args: group_id 99 does not exist"),
    (
        "shelf_add",
        lambda c, images: c.shelf_add("首页", []),
        40097,
        "invalid args: shelf_data.module_infos must not be empty",
    ),
    ("shelf_delete", lambda c, images: c.shelf_delete(99), 40097, "invalid args: shelf_id 99 does not exist"),
    (
        "shelf_update",
        lambda c, images: c.shelf_update(99, "首页", []),
        40097,
        "invalid args: shelf_id 99 does not exist",
    ),
    ("shelf_get_by_id", lambda c, images: c.shelf_get_by_id(99), 40097, "invalid args: shelf_id 99 does not exist"),
    ("order_get_by_id", lambda c, images: c.order_get_by_id("1"), 40097, "invalid args: order_id 1 does not exist"),
    (
        "order_get_by_filter",
        lambda c, images: c.order_get_by_filter(begin_time=-1),
        40097,
        "invalid args: begintime must be >= 0",
    ),
    (
        "order_set_delivery",
        lambda c, images: c.order_set_delivery("1", delivery_company="003shunfeng", delivery_track_no="SF1"),
        40097,
        "invalid args: order_id 1 does not exist",
    ),
    ("order_close", lambda c, images: c.order_close("1"), 40097, "invalid args: order_id 1 does not exist"),
    (
        "upload_image",
        lambda c, images: c.upload_image("notes.txt", b"hello"),
        40005,
        "invalid file type: filename must end with .jpg, .jpeg, .png, .gif, .bmp",
    ),
]


@pytest.mark.parametrize(
    ("call", "errcode", "errmsg"),
    [pytest.param(call, errcode, errmsg, id=name) for name, call, errcode, errmsg in REJECTIONS],
)
def test_every_endpoint_answers_a_rejection_with_its_errcode_and_errmsg(
    store_client, images, control, call, errcode, errmsg
):
    applied_before = control.applied()

    with pytest.raises(RejectedError) as caught:
        call(store_client, images)

    error = caught.value
    assert (error.errcode, error.errmsg, error.http_status) == (errcode, errmsg, 200)
    assert error.retryable is False
    assert error.outcome_unknown is False
    assert control.applied() == applied_before


@pytest.mark.parametrize(
    ("call", "endpoint"),
    [
        (lambda c: c.express_get_all(), "/merchant/express/getall"),
        (lambda c: c.group_get_all(), "/merchant/group/getall"),
        (lambda c: c.shelf_get_all(), "/merchant/shelf/getall"),
    ],
    ids=["express_get_all", "group_get_all", "shelf_get_all"],
)
def test_the_argument_free_reads_surface_a_platform_rejection_too(store_client, control, calls, call, endpoint):
    # They take no input to get wrong, so the emulator's fault injection answers the business error.
    store_client.category_get_sub()
    control.control(
        "POST", "faults", {"errcode_next": 1, "errcode": 50002, "errmsg": "user limited", "paths": [endpoint]}
    )

    with pytest.raises(RejectedError) as caught:
        call(store_client)

    assert (caught.value.endpoint, caught.value.errcode, caught.value.errmsg) == (endpoint, 50002, "user limited")
    assert calls.to(endpoint)[0].method == "GET"


@pytest.mark.parametrize(
    ("call", "answer", "errmsg"),
    [
        (
            lambda c: c.product_create({}),
            b'{"errcode":0,"errmsg":"success"}',
            "success answer without a valid product_id",
        ),
        (
            lambda c: c.express_add({}),
            b'{"errcode":0,"errmsg":"success","template_id":"7"}',
            "success answer without a valid template_id",
        ),
        (
            lambda c: c.upload_image("a.png", b"x"),
            b'{"errcode":0,"errmsg":"success","url":"http://x"}',
            "success answer without a valid image_url",
        ),
        (
            lambda c: c.product_get("p1"),
            b'{"errcode":0,"errmsg":"success"}',
            "success answer without the product_info object",
        ),
        (
            lambda c: c.group_get_all(),
            b'{"errcode":0,"errmsg":"success","groups_detail":{}}',
            "groups_detail is not a list",
        ),
    ],
    ids=[
        "create-without-id",
        "template-id-not-int",
        "upload-without-image-url",
        "get-without-object",
        "list-not-a-list",
    ],
)
def test_a_success_without_the_documented_field_is_a_protocol_error_with_an_unknown_outcome(
    stub, http_session, call, answer, errmsg
):
    stub.answers.append(Canned(body=answer))
    client = WeChatStoreClient(
        stub.url, tokens=StaticTokens(), timeouts=TIMEOUTS, session=http_session, host_policy=EMULATOR_POLICY
    )

    with pytest.raises(ProtocolError) as caught:
        call(client)

    assert caught.value.errmsg == errmsg
    assert caught.value.outcome_unknown is True


def test_an_empty_list_left_out_of_a_read_is_an_empty_list(stub, http_session):
    stub.answers.append(Canned(body=b'{"errcode":0,"errmsg":"success"}'))
    client = WeChatStoreClient(
        stub.url, tokens=StaticTokens(), timeouts=TIMEOUTS, session=http_session, host_policy=EMULATOR_POLICY
    )

    assert client.order_get_by_filter(status=OrderStatus.AWAITING_SHIPMENT) == []
