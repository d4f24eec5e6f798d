"""The JSON-over-HTTP base: redaction, the shared session, body encoding, HTTP statuses and transport failures.

A stub server (``stubs.py``) answers canned responses and records what it received, so that the exact bytes on the wire
and odd answers (not JSON, 429, redirects) can be checked; the emulator covers the platform behaviour elsewhere.
"""

import json
import logging
import socket
import threading

import pytest

from channels_sync.platforms.errors import (
    AuthError,
    DestinationRefusedError,
    ProtocolError,
    RateLimitedError,
    RejectedError,
    ServerError,
    TransportError,
)
from channels_sync.platforms.http import JSON_CONTENT_TYPE, JsonHttpClient, Timeouts, normalize_base_url
from channels_sync.platforms.redaction import redact, redact_text, truncate_for_record
from channels_sync.platforms.transport import new_session, shared_session
from channels_sync.platforms.wechat import WeChatApiClient
from tests.unit.platforms.stubs import EMULATOR_POLICY, TOKEN, Canned, StaticTokens, StubServer

FAST = Timeouts(connect=1.0, read=1.0)


# --- redaction ---------------------------------------------------------------------------------------------------


def test_redact_masks_sensitive_keys_at_any_depth_and_tokens_inside_urls():
    value = {
        "access_token": "abc",
        "Token": 7,
        "name": "纯棉T恤",
        "nested": [{"secret": "s3cr3t", "app_secret": {"deep": 1}}, {"refresh_token": None}],
        "url": "http://127.0.0.1/merchant/get?access_token=abc&filename=a.png",
        "appsecret": "x",
    }

    assert redact(value) == {
        "access_token": "***",
        "Token": "***",
        "name": "纯棉T恤",
        "nested": [{"secret": "***", "app_secret": "***"}, {"refresh_token": "***"}],
        "url": "http://127.0.0.1/merchant/get?access_token=***&filename=a.png",
        "appsecret": "***",
    }


def test_redact_text_masks_query_parameters_json_fields_and_literal_values():
    text = 'GET /x?secret=abc&token=def&mytoken=keep {"refresh_token": "zzz"} raw TOKEN-0123456789-abcdefghij'

    assert redact_text(text, literals=(TOKEN, "short")) == (
        'GET /x?secret=***&token=***&mytoken=keep {"refresh_token": "***"} raw ***'
    )


def test_redact_text_masks_the_oauth_client_secret_of_tencent_ads():
    text = "GET /oauth/token?client_id=ads_demo_client&client_secret=demo-ads-secret&grant_type=refresh_token"

    assert redact_text(text) == "GET /oauth/token?client_id=ads_demo_client&client_secret=***&grant_type=refresh_token"


def test_truncate_keeps_small_values_and_summarises_large_ones():
    small = {"a": 1}
    large = {"products_info": ["商品" * 10] * 100}

    truncated = truncate_for_record(large, max_chars=50)

    assert truncate_for_record(small) is small
    assert truncated == {
        "_truncated": True,
        "_chars": len(json.dumps(large, ensure_ascii=False)),
        "_preview": json.dumps(large, ensure_ascii=False)[:50],
    }


# --- configuration -----------------------------------------------------------------------------------------------


def test_base_url_is_trailing_slash_safe():
    assert normalize_base_url(" https://api.weixin.qq.com/ ") == "https://api.weixin.qq.com"
    assert normalize_base_url("http://127.0.0.1:8765//") == "http://127.0.0.1:8765"
    # Whether it may be called is the host policy's decision, at each call (tests/unit/platforms/test_hosts.py).
    assert normalize_base_url("api.weixin.qq.com") == "api.weixin.qq.com"


def test_timeouts_must_be_positive():
    assert Timeouts(connect=3.05, read=10).as_requests() == (3.05, 10)
    with pytest.raises(ValueError, match="timeouts must be positive"):
        Timeouts(connect=0, read=10)


def test_one_session_per_process_without_retries_or_cookies():
    session = shared_session()

    assert shared_session() is session
    adapter = session.get_adapter("https://api.weixin.qq.com")
    assert adapter.max_retries.total == 0
    assert adapter._pool_maxsize == 32
    assert session.cookies._policy.allowed_domains() == ()


def test_a_client_without_a_session_uses_the_shared_one():
    client = JsonHttpClient("https://api.weixin.qq.com", timeouts=FAST)

    assert client.session is shared_session()
    assert repr(client) == "JsonHttpClient(base_url='https://api.weixin.qq.com')"


# --- against a stub server ---------------------------------------------------------------------------------------


@pytest.fixture
def stub_client(stub, http_session, calls) -> WeChatApiClient:
    return WeChatApiClient(
        stub.url,
        tokens=StaticTokens(),
        timeouts=FAST,
        on_call=calls.append,
        session=http_session,
        host_policy=EMULATOR_POLICY,
    )


def test_json_body_is_utf8_with_chinese_kept_and_the_token_in_the_query(stub, stub_client):
    stub_client.post("/merchant/group/add", {"group_detail": {"group_name": "夏季新品", "product_list": []}})

    [request] = stub.received
    assert request.method == "POST"
    assert request.path == f"/merchant/group/add?access_token={TOKEN}"
    assert request.headers["Content-Type"] == JSON_CONTENT_TYPE
    assert request.body == '{"group_detail": {"group_name": "夏季新品", "product_list": []}}'.encode()


def test_a_query_string_inside_the_path_is_refused_before_sending(stub, stub_client, calls):
    with pytest.raises(ValueError, match="pass query parameters in params, not in the path"):
        stub_client.get("/merchant/get?product_id=p1")

    assert stub.received == []
    assert calls == []


def test_a_get_sends_no_body_and_no_content_type(stub, stub_client):
    stub_client.get("/merchant/express/getall")

    [request] = stub.received
    assert (request.method, request.path, request.body) == (
        "GET",
        f"/merchant/express/getall?access_token={TOKEN}",
        b"",
    )
    assert "Content-Type" not in request.headers


def test_a_json_answer_labelled_as_text_is_read_as_utf8(stub, stub_client):
    stub.answers.append(
        Canned(
            body='{"errcode":0,"errmsg":"success","group_name":"夏季"}'.encode(), headers={"Content-Type": "text/plain"}
        )
    )

    assert stub_client.post("/merchant/group/getbyid", {"group_id": 1})["group_name"] == "夏季"


def test_an_answer_that_is_not_json_is_a_protocol_error_with_an_unknown_outcome(stub, stub_client, calls):
    stub.answers.append(Canned(body=b"<html>maintenance</html>"))

    with pytest.raises(ProtocolError) as caught:
        stub_client.post("/merchant/create", {})

    assert (caught.value.http_status, caught.value.errcode, caught.value.errmsg) == (
        200,
        None,
        "the answer is not a JSON object",
    )
    assert caught.value.outcome_unknown is True
    assert calls[0].response == "<html>maintenance</html>"
    assert calls[0].error == "ProtocolError"


def test_http_429_is_rate_limited_for_the_retry_after_seconds(stub, stub_client):
    stub.answers.append(Canned(status=429, body=b"slow down", headers={"Retry-After": "17"}))

    with pytest.raises(RateLimitedError) as caught:
        stub_client.post("/merchant/create", {})

    assert (caught.value.http_status, caught.value.retry_after, caught.value.errmsg) == (429, 17.0, "too many requests")


def test_http_4xx_without_a_platform_code_is_a_rejection(stub, stub_client):
    stub.answers.append(Canned(status=404, body=b"not found"))

    with pytest.raises(RejectedError) as caught:
        stub_client.post("/merchant/nowhere", {})

    assert (caught.value.errcode, caught.value.errmsg, caught.value.http_status) == (None, "HTTP 404", 404)


def test_http_5xx_with_a_json_body_keeps_its_errcode(stub, stub_client):
    stub.answers.append(Canned(status=503, body=b'{"errcode":-1,"errmsg":"system error"}'))

    with pytest.raises(ServerError) as caught:
        stub_client.post("/merchant/create", {})

    assert (caught.value.http_status, caught.value.errcode, caught.value.errmsg) == (503, -1, "system error")
    assert caught.value.outcome_unknown is True


def test_a_token_echoed_in_an_errmsg_is_masked_in_the_error_and_the_record(stub, stub_client, calls):
    echo = Canned(body=f'{{"errcode":40014,"errmsg":"invalid access_token {TOKEN}"}}'.encode())
    stub.answers.extend([echo, echo])

    with pytest.raises(AuthError) as caught:
        stub_client.post("/merchant/del", {"product_id": "p1"})

    assert caught.value.errmsg == "invalid access_token ***"
    assert [record.errmsg for record in calls] == ["invalid access_token ***"] * 2
    assert calls[0].response == {"errcode": 40014, "errmsg": "invalid access_token ***"}
    assert TOKEN not in repr(calls) + str(caught.value)


def test_a_redirect_is_not_followed_and_fails_the_call_for_good(stub, stub_client, english):
    with StubServer() as elsewhere:
        stub.answers.append(Canned(status=307, body=b"", headers={"Location": f"{elsewhere.url}/steal"}))

        with pytest.raises(DestinationRefusedError) as caught:
            stub_client.post("/merchant/create", {"product_base": {}})

        assert [request.path for request in elsewhere.received] == []
    assert caught.value.errmsg == (
        "The answer is a redirect (HTTP 307), which is never followed: check the shop's base URL."
    )
    assert (caught.value.retryable, caught.value.outcome_unknown, caught.value.http_status) == (False, True, 307)
    assert len(stub.received) == 1


def test_a_failing_on_call_callback_does_not_fail_the_call(stub, http_session, caplog):
    def broken(record):
        raise RuntimeError("attempt table is gone")

    client = WeChatApiClient(
        stub.url,
        tokens=StaticTokens(),
        timeouts=FAST,
        on_call=broken,
        session=http_session,
        host_policy=EMULATOR_POLICY,
    )

    with caplog.at_level(logging.ERROR, logger="channels_sync.platforms"):
        answer = client.post("/merchant/del", {"product_id": "p1"})

    assert answer == {"errcode": 0, "errmsg": "success"}
    assert [record.getMessage() for record in caplog.records] == ["platform.on_call.failed"]


# --- transport failures -------------------------------------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_connection_refused_is_a_transport_error_that_certainly_did_not_apply(http_session, calls):
    client = WeChatApiClient(
        f"http://127.0.0.1:{_closed_port()}",
        tokens=StaticTokens(),
        timeouts=FAST,
        on_call=calls.append,
        session=http_session,
        host_policy=EMULATOR_POLICY,
    )

    with pytest.raises(TransportError) as caught:
        client.post("/merchant/create", {"product_base": {}})

    error = caught.value
    assert error.outcome_unknown is False
    assert error.retryable is True
    assert (error.endpoint, error.http_status, error.errcode) == ("/merchant/create", None, None)
    assert error.errmsg == "could not connect (ConnectionError: NewConnectionError)"
    # requests' own message holds the URL with the token; none of it may leak.
    assert TOKEN not in str(error)
    assert TOKEN not in repr(error)
    assert error.__suppress_context__ is True
    [record] = calls
    assert (record.http_status, record.response, record.error) == (None, None, "TransportError")


def test_a_connection_reset_after_sending_leaves_the_outcome_unknown(http_session):
    # A server that reads the request and closes the connection without answering.
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def accept_and_close() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)

    thread = threading.Thread(target=accept_and_close, daemon=True)
    thread.start()
    client = WeChatApiClient(
        f"http://127.0.0.1:{port}",
        tokens=StaticTokens(),
        timeouts=FAST,
        session=http_session,
        host_policy=EMULATOR_POLICY,
    )

    with pytest.raises(TransportError) as caught:
        client.post("/merchant/stock/reduce", {"product_id": "p1", "sku_info": "", "quantity": 1})

    thread.join(timeout=5)
    listener.close()
    assert caught.value.outcome_unknown is True
    assert caught.value.errmsg.startswith("connection lost after sending (ConnectionError: ")


def test_new_session_is_configured_like_the_shared_one():
    session = new_session()

    assert session.get_adapter("http://127.0.0.1").max_retries.total == 0
    assert session is not shared_session()
