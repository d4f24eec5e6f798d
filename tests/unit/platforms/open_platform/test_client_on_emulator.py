"""OpenPlatformClient and the adapter against the emulator over HTTP: the built form is accepted, each documented
answer reaches the caller as the error family says, and the token never shows in a record or an error."""

import json

import pytest

from channels_sync.platforms.adapter import BindingState, Capability, ListingRequest, NotSupported, ShopConfig
from channels_sync.platforms.errors import (
    AuthError,
    PayloadError,
    ProtocolError,
    RateLimitedError,
    RejectedError,
    ServerError,
    SystemBusyError,
)
from channels_sync.platforms.open_platform.adapter import OpenPlatformAdapter
from channels_sync.platforms.open_platform.client import PUBLISH_PRODUCT_PATH, OpenPlatformClient
from channels_sync.platforms.open_platform.payloads import validate_form
from tests.unit.platforms.channels.builders import tshirt
from tests.unit.platforms.conftest import TIMEOUTS
from tests.unit.platforms.open_platform.builders import IMAGE_URLS, shop_options
from tests.unit.platforms.open_platform.seed_examples import SEED_004_TOKEN, seed_form
from tests.unit.platforms.stubs import EMULATOR_POLICY, Canned

TOKEN = "demo-open-token"
MERCHANT = "open_demo_merchant"


@pytest.fixture
def client(server, http_session, calls) -> OpenPlatformClient:
    return OpenPlatformClient(
        server.url + "/",
        token=TOKEN,
        timeouts=TIMEOUTS,
        on_call=calls.append,
        session=http_session,
        host_policy=EMULATOR_POLICY,
    )


@pytest.fixture
def adapter(server, calls) -> OpenPlatformAdapter:
    shop = ShopConfig(
        platform="open_platform",
        app_id=MERCHANT,
        app_secret=TOKEN,
        base_url=server.url,
        shop_id=1,
        options=shop_options(),
    )
    return OpenPlatformAdapter(shop, on_call=calls.append)


def products(sandbox, merchant=MERCHANT) -> list[dict]:
    return sandbox.open_platform.snapshot(merchant)["products"]


def test_the_seed_example_is_accepted_through_the_client(server, http_session, sandbox):
    client = OpenPlatformClient(
        server.url, token=SEED_004_TOKEN, timeouts=TIMEOUTS, session=http_session, host_policy=EMULATOR_POLICY
    )

    client.publish_product(seed_form(token=None))

    assert [p["supplierSpu"] for p in products(sandbox, "open_example_merchant")] == ["SPU12345"]


def test_a_built_product_is_published_then_updated_under_its_supplier_spu(adapter, sandbox, control):
    payload = adapter.product_payload(
        snapshot=tshirt(), image_urls=IMAGE_URLS, freight_template_remote_id=None, binding=None, remote=None
    )

    remote_id = adapter.product_create(payload=payload, snapshot=tshirt())
    adapter.product_update(remote_id=remote_id, payload=payload)

    assert remote_id == "DEMO-TSHIRT-001"
    (stored,) = products(sandbox)
    assert stored["publishes"] == 2
    assert stored["skus"] == {
        "TS-WH-M": {"quantity": 40, "agreementPrice": 53.1},
        "DEMO-TSHIRT-001-12": {"quantity": 50, "agreementPrice": 62.1},
        "TS-BK-M": {"quantity": 0, "agreementPrice": 53.1},
    }
    assert [a["fields"]["created"] for a in control.applied(appid=MERCHANT)] == [True, False]


def test_the_call_record_shows_the_form_with_the_token_masked(client, calls):
    client.publish_product(seed_form(token=None))

    (record,) = calls
    assert (record.endpoint, record.method, record.http_status, record.errcode, record.error) == (
        PUBLISH_PRODUCT_PATH,
        "POST",
        200,
        200,
        None,
    )
    assert record.request["token"] == "***"
    assert record.request["supplierSpu"] == "SPU12345"
    assert record.request["skuList"][0]["supplierSku"] == "SKU12345"
    assert record.response == {"success": True, "code": 200, "message": "操作成功"}
    assert TOKEN not in json.dumps(record.request, ensure_ascii=False) + repr(record) + repr(client)


def test_a_parameter_error_is_a_rejection_with_the_platform_code_and_message(client, calls):
    with pytest.raises(RejectedError) as caught:
        client.publish_product(seed_form(token=None, salesWay="RETAIL"))

    error = caught.value
    assert (error.errcode, error.retryable, error.outcome_unknown) == (400, False, False)
    assert error.errmsg.startswith("参数错误: salesWay must be one of")
    assert calls[0].errcode == 400


def test_an_unknown_token_is_a_configuration_error_and_never_shown(server, http_session, calls):
    secret = "wrong-token-value-123"
    client = OpenPlatformClient(
        server.url,
        token=secret,
        timeouts=TIMEOUTS,
        on_call=calls.append,
        session=http_session,
        host_policy=EMULATOR_POLICY,
    )

    with pytest.raises(AuthError) as caught:
        client.publish_product(seed_form(token=None))

    assert (caught.value.errcode, caught.value.config_error, caught.value.retryable) == (401, True, False)
    assert secret not in str(caught.value) + repr(caught.value)
    assert secret not in json.dumps(calls[0].request) + json.dumps(calls[0].response, ensure_ascii=False)


def test_too_frequent_waits_for_its_window(client, control):
    control.control("POST", "faults", {"errcode_next": 1, "errcode": 429, "errmsg": "请求过于频繁"})

    with pytest.raises(RateLimitedError) as caught:
        client.publish_product(seed_form(token=None))

    assert (caught.value.errcode, caught.value.retry_after, caught.value.retryable) == (429, 60.0, True)


def test_a_system_error_leaves_the_outcome_unknown(client, control):
    control.control("POST", "faults", {"errcode_minus_one_next": 1})

    with pytest.raises(SystemBusyError) as caught:
        client.publish_product(seed_form(token=None))

    assert (caught.value.errcode, caught.value.outcome_unknown, caught.value.retryable) == (500, True, True)


def test_an_http_5xx_leaves_the_outcome_unknown(client, control):
    control.control("POST", "faults", {"http_5xx_next": 1})

    with pytest.raises(ServerError) as caught:
        client.publish_product(seed_form(token=None))

    assert caught.value.outcome_unknown is True


def test_an_answer_without_the_documented_shape_is_a_protocol_error(stub, http_session):
    stub.answers.append(Canned(body=b'{"ok": true}'))
    client = OpenPlatformClient(
        stub.url, token=TOKEN, timeouts=TIMEOUTS, session=http_session, host_policy=EMULATOR_POLICY
    )

    with pytest.raises(ProtocolError):
        client.publish_product(seed_form(token=None))


def test_the_form_goes_out_urlencoded_with_the_token_field(stub, http_session):
    stub.answers.append(Canned(body='{"success":true,"code":200,"message":"操作成功"}'.encode()))
    client = OpenPlatformClient(
        stub.url, token=TOKEN, timeouts=TIMEOUTS, session=http_session, host_policy=EMULATOR_POLICY
    )

    client.publish_product({"supplierSpu": "中文 SPU", "token": "ignored"})

    (request,) = stub.received
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded; charset=utf-8"
    assert request.body == b"token=demo-open-token&supplierSpu=%E4%B8%AD%E6%96%87+SPU"


BOUND = BindingState(remote_id="X", listed_once=False, last_pushed_payload=None)


def test_list_delist_and_delete_are_refused_before_any_call(adapter, calls, english):
    for call in (
        lambda: adapter.product_set_listed(remote_id="X", listed=True),
        lambda: adapter.product_set_listed(remote_id="X", listed=False),
        lambda: adapter.product_delete(remote_id="X"),
        # The engine's calls come to the same refusals.
        lambda: adapter.set_listing(ListingRequest(binding=BOUND, listed=False), services=None),
        lambda: adapter.delete(BOUND),
        lambda: adapter.stock_read(remote_id="X", sku_key=""),
    ):
        with pytest.raises(NotSupported) as caught:
            call()
        assert caught.value.errmsg.startswith("The open platform has no")
        assert caught.value.retryable is False
    assert calls == []


def test_a_changed_supplier_spu_is_refused_on_update(adapter, calls):
    payload = adapter.product_payload(
        snapshot=tshirt(), image_urls=IMAGE_URLS, freight_template_remote_id=None, binding=None, remote=None
    )

    with pytest.raises(PayloadError) as caught:
        adapter.product_update(remote_id="OLD-CODE", payload=payload)

    assert caught.value.field == "supplierSpu"
    assert calls == []


def test_the_remote_state_is_what_the_last_publish_implies(adapter):
    state = adapter.product_get(remote_id="DEMO-TSHIRT-001")

    assert (state.exists, state.listed, state.status) == (True, None, "published")
    assert adapter.product_find(payload=None, snapshot=tshirt()) is None
    assert Capability.STOCK_IN_PAYLOAD in adapter.capabilities
    assert Capability.DRAFT not in adapter.capabilities


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"categoryId": "²"}, "参数错误: categoryId must be a positive integer"),
        ({"categoryId": "9223372036854775808"}, "参数错误: categoryId must be a positive integer"),
        ({"deliveryTimeliness": "1e1"}, "参数错误: deliveryTimeliness must be a number > 0"),
        ({"salesWay": None}, "参数错误: salesWay is required"),
        ({"deliveryTimeliness": None}, "参数错误: deliveryTimeliness is required"),
    ],
)
def test_the_pre_send_check_and_the_emulator_refuse_the_same_forms(client, changes, message):
    form = seed_form(token=None, **changes)

    with pytest.raises(PayloadError):
        validate_form(form)
    with pytest.raises(RejectedError) as caught:
        client.publish_product(form)

    assert (caught.value.errcode, caught.value.errmsg) == (400, message)
