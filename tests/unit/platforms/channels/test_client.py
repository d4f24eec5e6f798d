"""ChannelsClient against a canned-answer server: each endpoint's method, path, query and body on the wire, the
answer it reads, the per-endpoint prefix (API reference §3.2 "Conflict"), the image upload's query and multipart
body (§3.6), and the mapping of the store's quota and audit codes."""

import email.parser
import email.policy
import json
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from channels_sync.platforms.channels import (
    CHANNELS_PREFIX,
    SHOP_PREFIX,
    ChannelsClient,
    ProductDataType,
    StockDiffType,
)
from channels_sync.platforms.errors import ProtocolError, RateLimitedError, RejectedError
from channels_sync.platforms.http import CallRecord
from tests.unit.platforms.channels.seed_examples import SEED_000_REQUEST, SEED_000_RESPONSE
from tests.unit.platforms.conftest import TIMEOUTS
from tests.unit.platforms.stubs import EMULATOR_POLICY, TOKEN, Canned, Received, StaticTokens

OK = {"errcode": 0, "errmsg": "ok"}
IMG_URL = "https://mmecimage.cn/p/wx_demo_store/8f3a"


@pytest.fixture
def tokens() -> StaticTokens:
    return StaticTokens()


@pytest.fixture
def records() -> list[CallRecord]:
    return []


@pytest.fixture
def client(stub, http_session, tokens, records) -> ChannelsClient:
    return ChannelsClient(
        stub.url,
        tokens=tokens,
        timeouts=TIMEOUTS,
        session=http_session,
        on_call=records.append,
        host_policy=EMULATOR_POLICY,
    )


def answer(stub, payload: dict[str, Any]) -> None:
    stub.answers.append(Canned(body=json.dumps({**OK, **payload}, ensure_ascii=False).encode("utf-8")))


def path_and_query(received: Received) -> tuple[str, dict[str, list[str]]]:
    parts = urlsplit(received.path)
    return parts.path, parse_qs(parts.query)


def json_body(received: Received) -> Any:
    assert received.headers["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(received.body.decode("utf-8"))


# --- one row per endpoint of §3.2 -----------------------------------------------------------------------------------

ONLINE = {"product_id": "10000000123", "status": 5}
DRAFT = {"product_id": "10000000123", "edit_status": 2}
STOCK = {"normal_stock_num": 10, "limited_discount_stock_num": 0, "warehouse_stocks": [], "total_stock_num": 10}

Call = Callable[[ChannelsClient], Any]
ENDPOINTS: list[tuple[str, Call, dict[str, Any], str, dict[str, Any], Any]] = [
    (
        "product_add",
        lambda c: c.product_add({"out_product_id": "P1", "title": "纯棉T恤 女款"}),
        {"data": {"product_id": "10000000123", "create_time": "2024-06-11 10:00:00"}},
        "/channels/ec/product/add",
        {"out_product_id": "P1", "title": "纯棉T恤 女款"},
        ("10000000123", "2024-06-11 10:00:00"),
    ),
    (
        "product_add_and_list",
        lambda c: c.product_add({"title": "纯棉T恤 女款"}, listing=True),
        {"data": {"product_id": 10000000123, "create_time": "2024-06-11 10:00:00"}},
        "/channels/ec/product/add",
        {"title": "纯棉T恤 女款", "listing": 1},
        ("10000000123", "2024-06-11 10:00:00"),
    ),
    (
        "product_update",
        lambda c: c.product_update({"product_id": "10000000123", "title": "纯棉T恤 女款"}),
        {"data": {"product_id": "10000000123", "update_time": "2024-06-11 11:00:00"}},
        "/channels/ec/product/update",
        {"product_id": "10000000123", "title": "纯棉T恤 女款"},
        "2024-06-11 11:00:00",
    ),
    (
        "product_update_without_update_time",
        lambda c: c.product_update({"product_id": "10000000123"}),
        {},
        "/channels/ec/product/update",
        {"product_id": "10000000123"},
        "",
    ),
    (
        "product_auditfree",
        lambda c: c.product_auditfree({"product_id": "10000000123", "skus": [{"sku_id": "1", "sale_price": 100}]}),
        {},
        "/channels/ec/product/auditfree",
        {"product_id": "10000000123", "skus": [{"sku_id": "1", "sale_price": 100}]},
        None,
    ),
    (
        "product_get",
        lambda c: c.product_get("10000000123"),
        {"product": ONLINE, "edit_product": DRAFT, "sale_limit_info": {}},
        "/channels/ec/product/get",
        {"product_id": "10000000123", "data_type": 3},
        {"product": ONLINE, "edit_product": DRAFT, "sale_limit_info": {}},
    ),
    (
        "product_get_draft_of_a_never_listed_product",
        lambda c: c.product_get("10000000123", ProductDataType.DRAFT),
        {"edit_product": DRAFT},
        "/channels/ec/product/get",
        {"product_id": "10000000123", "data_type": 2},
        {"edit_product": DRAFT},
    ),
    (
        "product_list",
        lambda c: c.product_list(30, "k1", status=5),
        {"product_ids": ["10000000123", 10000000124], "next_key": "k2", "total_num": 2},
        "/channels/ec/product/list/get",
        {"page_size": 30, "next_key": "k1", "status": 5},
        (["10000000123", "10000000124"], "k2", 2),
    ),
    (
        "product_list_first_page",
        lambda c: c.product_list(),
        {"next_key": "", "total_num": 0},
        "/channels/ec/product/list/get",
        {"page_size": 10, "next_key": ""},
        ([], "", 0),
    ),
    (
        "product_delete",
        lambda c: c.product_delete("10000000123"),
        {},
        "/channels/ec/product/delete",
        {"product_id": "10000000123"},
        None,
    ),
    (
        "product_listing",
        lambda c: c.product_listing("10000000123"),
        {},
        "/channels/ec/product/listing",
        {"product_id": "10000000123"},
        None,
    ),
    (
        "product_delisting",
        lambda c: c.product_delisting("10000000123"),
        {},
        "/channels/ec/product/delisting",
        {"product_id": "10000000123"},
        None,
    ),
    (
        "product_audit_cancel",
        lambda c: c.product_audit_cancel("10000000123"),
        {},
        "/channels/ec/product/audit/cancel",
        {"product_id": "10000000123"},
        None,
    ),
    (
        "stock_get",
        lambda c: c.stock_get("10000000123", "3000000011"),
        {"data": STOCK},
        "/channels/ec/product/stock/get",
        {"product_id": "10000000123", "sku_id": "3000000011"},
        STOCK,
    ),
    (
        "stock_batchget",
        lambda c: c.stock_batchget(iter(["10000000123", "10000000124"])),
        {"data": {"spu_stock_list": []}},
        "/channels/ec/product/stock/batchget",
        {"product_ids": ["10000000123", "10000000124"]},
        {"spu_stock_list": []},
    ),
    (
        "stock_update",
        lambda c: c.stock_update("10000000123", "3000000011", StockDiffType.SUBTRACT, 3),
        {},
        "/channels/ec/product/stock/update",
        {"product_id": "10000000123", "sku_id": "3000000011", "diff_type": 2, "num": 3},
        None,
    ),
    (
        "freight_add",
        lambda c: c.freight_add({"name": "默认运费模板"}),
        {"template_id": "7000000001"},
        "/channels/ec/merchant/addfreighttemplate",
        {"freight_template": {"name": "默认运费模板"}},
        "7000000001",
    ),
    (
        "freight_update",
        lambda c: c.freight_update("7000000001", {"name": "默认运费模板", "template_id": "stale"}),
        {},
        "/channels/ec/merchant/updatefreighttemplate",
        {"freight_template": {"name": "默认运费模板", "template_id": "7000000001"}},
        None,
    ),
    (
        "freight_get_detail",
        lambda c: c.freight_get_detail("7000000001"),
        {"freight_template": {"template_id": "7000000001", "name": "默认运费模板"}},
        "/channels/ec/merchant/getfreighttemplatedetail",
        {"template_id": "7000000001"},
        {"template_id": "7000000001", "name": "默认运费模板"},
    ),
    (
        "freight_list",
        lambda c: c.freight_list(),
        {"template_id_list": ["7000000001", 7000000002]},
        "/channels/ec/merchant/getfreighttemplatelist",
        {"offset": 0, "limit": 20},
        ["7000000001", "7000000002"],
    ),
    (
        "category_children",
        lambda c: c.category_children(),
        {"cat_list": [{"cat_id": "1000", "f_cat_id": "0", "name": "服饰内衣"}]},
        "/channels/ec/category/availablesoncategories/get",
        {"f_cat_id": "0"},
        {"cat_list": [{"cat_id": "1000", "f_cat_id": "0", "name": "服饰内衣"}]},
    ),
    (
        "category_all",
        lambda c: c.category_all(),
        {"cats": [], "cats_v2": []},
        "/shop/ec/category/all",
        {},
        {"cats": [], "cats_v2": []},
    ),
    (
        "category_detail",
        lambda c: c.category_detail("1101"),
        {"info": {"cat_id": "1101", "name": "T恤"}, "attr": {"product_attr_list": []}},
        "/shop/ec/category/detail",
        {"cat_id": "1101"},
        {"info": {"cat_id": "1101", "name": "T恤"}, "attr": {"product_attr_list": []}},
    ),
    (
        "brand_list",
        lambda c: c.brand_list(),
        {"brands": [{"brand_id": "2100000101", "ch_name": "优衣库"}], "next_key": "", "continue_flag": False},
        "/shop/ec/brand/all",
        {"page_size": 30, "next_key": ""},
        {"brands": [{"brand_id": "2100000101", "ch_name": "优衣库"}], "next_key": "", "continue_flag": False},
    ),
    (
        "add_third_party_source",
        lambda c: c.add_third_party_source(SEED_000_REQUEST),
        SEED_000_RESPONSE,
        "/channels/ec/product/addproductthirdpartysource",
        SEED_000_REQUEST,
        "12345",
    ),
]


@pytest.mark.parametrize(
    ("call", "canned", "endpoint", "body", "result"),
    [
        pytest.param(call, canned, endpoint, body, result, id=name)
        for name, call, canned, endpoint, body, result in ENDPOINTS
    ],
)
def test_each_endpoint_posts_its_json_body_with_the_token_and_reads_its_answer(
    client, stub, records, call, canned, endpoint, body, result
):
    answer(stub, canned)

    assert call(client) == result

    [received] = stub.received
    assert received.method == "POST"
    assert path_and_query(received) == (endpoint, {"access_token": [TOKEN]})
    assert json_body(received) == body
    [record] = records
    assert (record.endpoint, record.query, record.error) == (endpoint, {"access_token": "***"}, None)


def test_product_add_with_listing_leaves_the_callers_body_alone(client, stub):
    body = {"title": "纯棉T恤 女款"}
    answer(stub, {"data": {"product_id": "10000000123", "create_time": ""}})

    client.product_add(body, listing=True)

    assert body == {"title": "纯棉T恤 女款"}


@pytest.mark.parametrize("page_size", [0, 31])
def test_product_list_page_size_is_1_to_30(client, stub, page_size):
    with pytest.raises(ValueError, match="page_size must be 1 to 30"):
        client.product_list(page_size)

    assert stub.received == []


# --- image upload (§3.6) --------------------------------------------------------------------------------------------


def multipart_parts(received: Received) -> list[EmailMessage]:
    content_type = received.headers["Content-Type"]
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + received.body
    )
    return list(message.iter_parts())


def test_image_upload_of_bytes_sends_multipart_media_with_the_types_and_size_in_the_query(client, stub, records):
    data = b"\xff\xd8\xff\xe0 not really a jpeg"
    answer(stub, {"pic_file": {"media_id": "m1", "pay_media_id": "p1", "img_url": IMG_URL}})

    url = client.image_upload_bytes(data, 640, 600, filename="主图.jpg")

    assert url == IMG_URL
    [received] = stub.received
    assert path_and_query(received) == (
        "/shop/ec/basics/img/upload",
        {"upload_type": ["0"], "resp_type": ["1"], "height": ["600"], "width": ["640"], "access_token": [TOKEN]},
    )
    assert received.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    [part] = multipart_parts(received)
    assert part.get_param("name", header="content-disposition") == "media"
    assert part.get_filename() == "主图.jpg"
    assert part.get_content_type() == "image/jpeg"
    assert part.get_content() == data
    # In the body they give 10020055 (reference §7.6): they travel in the query only.
    assert b"upload_type" not in received.body
    assert b"resp_type" not in received.body
    [record] = records
    assert record.request == f"<{len(received.body)} bytes, {received.headers['Content-Type']}>"
    assert record.query == {
        "upload_type": "0",
        "resp_type": "1",
        "height": "600",
        "width": "640",
        "access_token": "***",
    }


def test_image_upload_of_a_url_sends_it_as_json_with_the_types_in_the_query(client, stub):
    answer(stub, {"pic_file": {"img_url": IMG_URL}})

    url = client.image_upload_url("https://cdn.example.com/a.png")

    assert url == IMG_URL
    [received] = stub.received
    assert path_and_query(received) == (
        "/shop/ec/basics/img/upload",
        {"upload_type": ["1"], "resp_type": ["1"], "access_token": [TOKEN]},
    )
    assert json_body(received) == {"img_url": "https://cdn.example.com/a.png"}


# --- the /shop/ec/ vs /channels/ec/ prefix ---------------------------------------------------------------------------------


def test_default_prefixes_follow_the_current_docs(client):
    shop = {"category/all", "category/detail", "brand/all", "basics/img/upload"}

    for endpoint, prefix in ChannelsClient.path_prefixes.items():
        assert prefix == (SHOP_PREFIX if endpoint in shop else CHANNELS_PREFIX)
    assert client.path("brand/all") == "/shop/ec/brand/all"
    assert client.path("product/add") == "/channels/ec/product/add"


def test_a_shop_overrides_the_prefix_of_single_endpoints(stub, http_session, tokens):
    old_paths = ChannelsClient(
        stub.url,
        tokens=tokens,
        timeouts=TIMEOUTS,
        session=http_session,
        prefixes={"category/all": CHANNELS_PREFIX, "basics/img/upload": CHANNELS_PREFIX},
        host_policy=EMULATOR_POLICY,
    )
    answer(stub, {"cats": []})
    answer(stub, {"pic_file": {"img_url": IMG_URL}})

    old_paths.category_all()
    old_paths.image_upload_bytes(b"\x89PNG", 1, 1, filename="a.png")

    assert [path_and_query(received)[0] for received in stub.received] == [
        "/channels/ec/category/all",
        "/channels/ec/basics/img/upload",
    ]
    assert old_paths.path("brand/all") == "/shop/ec/brand/all"
    # The override is the instance's: the class and other shops keep the defaults.
    assert ChannelsClient.path_prefixes["category/all"] == SHOP_PREFIX


def test_a_subclass_overrides_the_prefix_mapping(stub, http_session, tokens):
    class OlderSdkPaths(ChannelsClient):
        path_prefixes = dict.fromkeys(ChannelsClient.path_prefixes, CHANNELS_PREFIX)

    client = OlderSdkPaths(
        stub.url, tokens=tokens, timeouts=TIMEOUTS, session=http_session, host_policy=EMULATOR_POLICY
    )

    assert client.path("category/detail") == "/channels/ec/category/detail"


@pytest.mark.parametrize(
    ("prefixes", "message"),
    [
        ({"product/create": CHANNELS_PREFIX}, "unknown Channels endpoint 'product/create'"),
        ({"brand/all": "shop/ec"}, "prefix 'shop/ec' must start with / and not end with /"),
        ({"brand/all": "/shop/ec/"}, "prefix '/shop/ec/' must start with / and not end with /"),
    ],
)
def test_a_bad_prefix_override_is_refused(stub, http_session, tokens, prefixes, message):
    with pytest.raises(ValueError, match=message):
        ChannelsClient(
            stub.url,
            tokens=tokens,
            timeouts=TIMEOUTS,
            session=http_session,
            prefixes=prefixes,
            host_policy=EMULATOR_POLICY,
        )


def test_path_of_an_unknown_endpoint_is_refused(client):
    with pytest.raises(ValueError, match="unknown Channels endpoint 'merchant/create'"):
        client.path("merchant/create")


# --- errcodes ----------------------------------------------------------------------------------------------------------


def fail(stub, errcode: int, errmsg: str) -> None:
    stub.answers.append(Canned(body=json.dumps({"errcode": errcode, "errmsg": errmsg}).encode()))


def test_the_add_update_quota_is_rate_limited_for_an_hour(client, stub):
    fail(stub, 10020066, "提审频率超限")

    with pytest.raises(RateLimitedError) as caught:
        client.product_add({"title": "纯棉T恤 女款"})

    error = caught.value
    assert (error.errcode, error.retry_after, error.endpoint) == (10020066, 3600.0, "/channels/ec/product/add")
    assert error.retryable is True
    assert error.outcome_unknown is False


def test_the_stock_frequency_limit_is_rate_limited_for_seconds(client, stub):
    fail(stub, 10020112, "sku库存更新频率超限")

    with pytest.raises(RateLimitedError) as caught:
        client.stock_update("10000000123", "3000000011", StockDiffType.ADD, 1)

    assert (caught.value.errcode, caught.value.retry_after) == (10020112, 5.0)


def test_a_product_under_audit_is_a_rejection(client, stub):
    fail(stub, 10020049, "商品审核中，请先撤回审核")

    with pytest.raises(RejectedError) as caught:
        client.product_update({"product_id": "10000000123"})

    error = caught.value
    assert (error.errcode, error.errmsg, error.http_status) == (10020049, "商品审核中，请先撤回审核", 200)
    assert error.retryable is False


def test_the_wechat_quotas_are_kept(client, stub):
    fail(stub, 45011, "api minute-quota reach limit")

    with pytest.raises(RateLimitedError) as caught:
        client.product_list()

    assert caught.value.retry_after == 60.0


def test_a_token_error_refreshes_once_and_repeats_the_call(client, stub, tokens):
    fail(stub, 40001, "invalid credential")
    answer(stub, {"template_id_list": []})

    assert client.freight_list() == []

    assert tokens.invalidated == [TOKEN]
    assert len(stub.received) == 2


# --- answers without the documented fields -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "canned", "errmsg"),
    [
        pytest.param(lambda c: c.product_add({}), {}, "success answer without the data object", id="add-without-data"),
        pytest.param(
            lambda c: c.product_add({}),
            {"data": {"product_id": "0", "create_time": ""}},
            "success answer without a valid product_id",
            id="add-with-product-id-0",
        ),
        pytest.param(
            lambda c: c.product_add({}),
            {"data": {"product_id": True}},
            "success answer without a valid product_id",
            id="add-with-boolean-id",
        ),
        pytest.param(
            lambda c: c.freight_add({}), {}, "success answer without a valid template_id", id="freight-add-without-id"
        ),
        pytest.param(
            lambda c: c.add_third_party_source({}),
            {"third_party_source_id": ""},
            "success answer without a valid third_party_source_id",
            id="declaration-without-id",
        ),
        pytest.param(
            lambda c: c.image_upload_url("https://cdn.example.com/a.png"),
            {"pic_file": {"media_id": "m1"}},
            "success answer without a valid pic_file.img_url",
            id="upload-without-img-url",
        ),
        pytest.param(
            lambda c: c.image_upload_url("https://cdn.example.com/a.png"),
            {},
            "success answer without the pic_file object",
            id="upload-without-pic-file",
        ),
        pytest.param(
            lambda c: c.product_get("1", ProductDataType.ONLINE),
            {"edit_product": DRAFT},
            "success answer without the product object",
            id="get-online-without-product",
        ),
        pytest.param(
            lambda c: c.product_get("1"),
            {"product": ONLINE},
            "success answer without the edit_product object",
            id="get-both-without-draft",
        ),
        pytest.param(
            lambda c: c.product_get("1"),
            {"product": [], "edit_product": DRAFT},
            "success answer without the product object",
            id="get-with-broken-product",
        ),
        pytest.param(
            lambda c: c.product_list(), {"product_ids": {}}, "product_ids is not a list", id="list-not-a-list"
        ),
        pytest.param(
            lambda c: c.product_list(),
            {"product_ids": [None]},
            "success answer without a valid product_ids",
            id="list-null-id",
        ),
        pytest.param(
            lambda c: c.product_list(), {"total_num": "2"}, "total_num is not an integer", id="list-total-text"
        ),
        pytest.param(
            lambda c: c.stock_get("1", "2"), {}, "success answer without the data object", id="stock-without-data"
        ),
        pytest.param(
            lambda c: c.freight_get_detail("7"),
            {},
            "success answer without the freight_template object",
            id="freight-get",
        ),
        pytest.param(lambda c: c.category_children(), {"cat_list": {}}, "cat_list is not a list", id="cat-list-object"),
        pytest.param(
            lambda c: c.category_detail("1"), {}, "success answer without the info object", id="detail-without-info"
        ),
        pytest.param(lambda c: c.brand_list(), {"brands": "x"}, "brands is not a list", id="brands-text"),
    ],
)
def test_a_success_without_the_documented_field_is_a_protocol_error_with_an_unknown_outcome(
    client, stub, call, canned, errmsg
):
    answer(stub, canned)

    with pytest.raises(ProtocolError) as caught:
        call(client)

    assert caught.value.errmsg == errmsg
    assert caught.value.outcome_unknown is True
