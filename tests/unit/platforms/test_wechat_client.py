"""WeChatApiClient against the emulator over HTTP: the one token refresh (reference §1.3, §7.2), errcode -1, 5xx,
dropped answers, timeouts, quota and configuration errors, and redaction of the token from records and logs.

The store client serves as the concrete client; ``group/add`` is the write of choice because it needs no uploaded
images, and the emulator's applied-effects log shows whether a failed call changed anything."""

import logging
import threading
import time

import pytest

from channels_sync.platforms.errors import (
    AuthError,
    RateLimitedError,
    RejectedError,
    ServerError,
    SystemBusyError,
    TransportError,
)
from channels_sync.platforms.http import Timeouts
from channels_sync.platforms.tokens import AccessTokenProvider
from channels_sync.platforms.wechat_store import WeChatStoreClient
from tests.unit.platforms.conftest import TIMEOUTS, Calls
from tests.unit.platforms.stubs import EMULATOR_POLICY
from tests.unit.sandbox.client import DEMO_APP

STABLE = "/cgi-bin/stable_token"
GROUP_ADD = "/merchant/group/add"
GROUP_GETALL = "/merchant/group/getall"
INVALID_CREDENTIAL = "invalid credential, access_token is invalid or not latest"


def _faults(control, **plan):
    control.control("POST", "faults", plan)


def _trail(calls: Calls) -> list[tuple[str, int | None]]:
    return [(record.endpoint, record.errcode) for record in calls]


# --- the one token refresh ----------------------------------------------------------------------------------------


def test_a_token_invalidated_mid_run_is_refreshed_once_and_the_call_succeeds(
    store_client, provider, token_cache, calls, control
):
    store_client.group_get_all()
    old = token_cache.get(provider.cache_key)
    _faults(control, invalidate_tokens=True)
    calls.clear()

    group_id = store_client.group_add("夏季新品")

    assert group_id == 1
    assert _trail(calls) == [(GROUP_ADD, 40001), (STABLE, None), (GROUP_ADD, 0)]
    assert calls[0].errmsg == INVALID_CREDENTIAL
    assert calls[0].error == "AuthError"
    new = token_cache.get(provider.cache_key)
    assert new is not None
    assert new != old
    assert [effect["endpoint"] for effect in control.applied()] == [GROUP_ADD]


@pytest.mark.parametrize(
    ("errcode", "errmsg"),
    [(40001, INVALID_CREDENTIAL), (40014, "invalid access_token"), (42001, "access_token expired")],
)
def test_each_token_errcode_causes_one_refresh_and_one_retry(store_client, calls, control, errcode, errmsg):
    store_client.group_get_all()
    _faults(control, errcode_next=1, errcode=errcode, errmsg=errmsg, paths=["/merchant/*"])
    calls.clear()

    assert store_client.group_get_all() == []

    assert _trail(calls) == [(GROUP_GETALL, errcode), (STABLE, None), (GROUP_GETALL, 0)]


def test_a_second_invalidation_in_the_same_call_is_an_auth_error(server, token_cache, http_session, control):
    calls = Calls()
    armed = threading.Event()

    def revoke_the_refreshed_token(record):
        calls.append(record)
        # The platform revokes the refreshed token too, before the client's retry reaches it.
        if record.endpoint == STABLE and armed.is_set():
            _faults(control, invalidate_tokens=True)

    provider = AccessTokenProvider(
        base_url=server.url,
        appid=DEMO_APP[0],
        secret=DEMO_APP[1],
        cache=token_cache,
        timeouts=TIMEOUTS,
        on_call=revoke_the_refreshed_token,
        session=http_session,
        host_policy=EMULATOR_POLICY,
    )
    store_client = WeChatStoreClient(
        server.url,
        tokens=provider,
        timeouts=TIMEOUTS,
        on_call=calls.append,
        session=http_session,
        host_policy=EMULATOR_POLICY,
    )
    store_client.group_get_all()
    _faults(control, invalidate_tokens=True)
    calls.clear()
    armed.set()

    with pytest.raises(AuthError) as caught:
        store_client.group_add("夏季新品")

    error = caught.value
    assert (error.endpoint, error.errcode, error.errmsg) == (GROUP_ADD, 40001, INVALID_CREDENTIAL)
    assert error.config_error is False
    assert error.retryable is True
    assert error.outcome_unknown is False
    assert _trail(calls) == [(GROUP_ADD, 40001), (STABLE, None), (GROUP_ADD, 40001)]
    assert control.applied() == []


def test_workers_that_see_40001_at_once_cause_a_single_refresh(server, token_cache, http_session, control):
    calls = Calls()
    clients = [
        WeChatStoreClient(
            server.url,
            tokens=AccessTokenProvider(
                base_url=server.url,
                appid=DEMO_APP[0],
                secret=DEMO_APP[1],
                cache=token_cache,
                timeouts=TIMEOUTS,
                on_call=calls.append,
                session=http_session,
                host_policy=EMULATOR_POLICY,
            ),
            timeouts=TIMEOUTS,
            on_call=calls.append,
            session=http_session,
            host_policy=EMULATOR_POLICY,
        )
        for _ in range(6)
    ]
    clients[0].group_get_all()
    # Every worker holds the same, now revoked, token; the refresh is slow enough for all of them to contend.
    _faults(control, invalidate_tokens=True, latency_ms=200, paths=[STABLE])
    calls.clear()
    barrier = threading.Barrier(len(clients))
    answers = []

    def worker(store_client: WeChatStoreClient) -> None:
        barrier.wait()
        answers.append(store_client.group_get_all())

    threads = [threading.Thread(target=worker, args=(store_client,)) for store_client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    assert answers == [[]] * 6
    assert len(calls.to(STABLE)) == 1
    # Each worker succeeds exactly once; those that sent the revoked token first saw 40001 once. A worker whose
    # thread starts after the refresh already uses the new token, so how many saw 40001 depends on scheduling.
    errcodes = [record.errcode for record in calls.to(GROUP_GETALL)]
    assert errcodes.count(0) == 6
    assert set(errcodes) == {0, 40001}
    assert len(errcodes) == 6 + errcodes.count(40001)


def test_a_configuration_error_is_neither_refreshed_nor_retried(store_client, calls, control):
    store_client.group_get_all()
    _faults(control, errcode_next=1, errcode=48001, errmsg="api unauthorized", paths=["/merchant/*"])
    calls.clear()

    with pytest.raises(AuthError) as caught:
        store_client.group_add("夏季新品")

    assert (caught.value.errcode, caught.value.errmsg, caught.value.config_error) == (48001, "api unauthorized", True)
    assert caught.value.retryable is False
    assert _trail(calls) == [(GROUP_ADD, 48001)]


def test_a_failed_token_request_means_the_api_call_was_never_sent(store_client, calls, control):
    _faults(control, http_5xx_next=1, paths=[STABLE])

    with pytest.raises(ServerError) as caught:
        store_client.group_add("夏季新品")

    assert (caught.value.endpoint, caught.value.http_status) == (STABLE, 502)
    assert caught.value.outcome_unknown is False
    assert _trail(calls) == [(STABLE, None)]
    assert control.applied() == []


# --- unknown outcomes ----------------------------------------------------------------------------------------------


def test_errcode_minus_one_is_system_busy_with_an_unknown_outcome_and_no_automatic_retry(store_client, calls, control):
    store_client.group_get_all()
    _faults(control, errcode_minus_one_next=1, paths=["/merchant/*"])
    calls.clear()

    with pytest.raises(SystemBusyError) as caught:
        store_client.group_add("夏季新品")

    error = caught.value
    assert (error.endpoint, error.errcode, error.errmsg, error.http_status) == (GROUP_ADD, -1, "system error", 200)
    assert error.outcome_unknown is True
    assert error.retryable is True
    assert _trail(calls) == [(GROUP_ADD, -1)]
    assert control.applied() == []


def test_http_5xx_is_a_server_error_with_an_unknown_outcome(store_client, calls, control):
    store_client.group_get_all()
    _faults(control, http_5xx_next=1, paths=["/merchant/*"])
    calls.clear()

    with pytest.raises(ServerError) as caught:
        store_client.group_add("夏季新品")

    error = caught.value
    assert (error.http_status, error.errcode, error.errmsg) == (502, None, "HTTP 502")
    assert error.outcome_unknown is True
    [record] = calls
    assert (record.http_status, record.error) == (502, "ServerError")
    assert record.response == "<html><body><h1>502 Bad Gateway</h1></body></html>"


def test_an_answer_dropped_after_applying_is_a_transport_error_with_an_unknown_outcome(store_client, control):
    store_client.group_get_all()
    _faults(control, drop_response_next=1, drop_mode="close", paths=[GROUP_ADD])

    with pytest.raises(TransportError) as caught:
        store_client.group_add("夏季新品")

    assert caught.value.outcome_unknown is True
    assert caught.value.errmsg.startswith("connection lost after sending (ConnectionError: ")
    [effect] = control.applied()
    assert (effect["endpoint"], effect["response_dropped"]) == (GROUP_ADD, True)
    # Reading the remote state shows the change was applied exactly once.
    assert store_client.group_get_all() == [{"group_id": 1, "group_name": "夏季新品"}]


def test_an_answer_replaced_by_a_gateway_timeout_is_a_server_error_with_an_unknown_outcome(store_client, control):
    store_client.group_get_all()
    _faults(control, drop_response_next=1, drop_mode="504", paths=[GROUP_ADD])

    with pytest.raises(ServerError) as caught:
        store_client.group_add("夏季新品")

    assert (caught.value.http_status, caught.value.errmsg, caught.value.outcome_unknown) == (504, "HTTP 504", True)
    assert [effect["response_dropped"] for effect in control.applied()] == [True]


def test_an_answer_slower_than_the_read_timeout_is_a_transport_error_with_an_unknown_outcome(
    server, provider, http_session, calls, control
):
    store_client = WeChatStoreClient(
        server.url,
        tokens=provider,
        timeouts=Timeouts(connect=1, read=0.2),
        on_call=calls.append,
        session=http_session,
        host_policy=EMULATOR_POLICY,
    )
    provider.get_token()
    _faults(control, latency_ms=600, paths=["/merchant/*"])

    with pytest.raises(TransportError) as caught:
        store_client.group_add("夏季新品")

    assert caught.value.errmsg == "read timeout (ReadTimeout: ReadTimeoutError)"
    assert caught.value.outcome_unknown is True
    # The platform went on and applied the call after the client stopped waiting: hence "unknown".
    deadline = time.monotonic() + 3
    while not control.applied() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [effect["endpoint"] for effect in control.applied()] == [GROUP_ADD]


def test_a_daily_quota_error_waits_until_the_next_beijing_day(store_client, control):
    store_client.group_get_all()
    _faults(control, errcode_next=1, errcode=45009, errmsg="reach max api daily quota limit", paths=["/merchant/*"])

    with pytest.raises(RateLimitedError) as caught:
        store_client.group_add("夏季新品")

    assert (caught.value.errcode, caught.value.errmsg) == (45009, "reach max api daily quota limit")
    assert 0 < caught.value.retry_after <= 86400
    assert control.applied() == []


# --- redaction -------------------------------------------------------------------------------------------------------


def test_records_log_lines_and_errors_never_carry_the_token_or_the_secret(
    store_client, provider, token_cache, calls, caplog
):
    with caplog.at_level(logging.DEBUG):
        store_client.group_get_all()
        with pytest.raises(RejectedError) as caught:
            store_client.group_delete(99)
    token = token_cache.get(provider.cache_key)

    ok, failed = calls.to(GROUP_GETALL)[0], calls.to("/merchant/group/del")[0]
    assert ok.query == {"access_token": "***"}
    assert (ok.method, ok.http_status, ok.errcode, ok.errmsg, ok.request, ok.error) == (
        "GET",
        200,
        0,
        "success",
        None,
        None,
    )
    assert ok.response == {"errcode": 0, "errmsg": "success", "groups_detail": []}
    assert ok.started_at.tzinfo is not None
    assert ok.duration_ms >= 0
    assert failed.request == {"group_id": 99}
    assert (failed.errcode, failed.errmsg, failed.error) == (
        40097,
        "invalid args: group_id 99 does not exist",
        # A rejection that names an id that does not exist is the typed one (a RejectedError the engine can heal).
        "RemoteMissingError",
    )
    log_lines = [record for record in caplog.records if record.name == "channels_sync.platforms"]
    assert [record.getMessage() for record in log_lines] == [
        "platform.call",
        "platform.token.refreshed",
        "platform.call",
        "platform.call.failed",
    ]
    assert (log_lines[3].endpoint, log_lines[3].errcode, log_lines[3].error) == (
        "/merchant/group/del",
        40097,
        "RemoteMissingError",
    )
    for text in [*(repr(record.__dict__) for record in caplog.records), *(repr(record) for record in calls)]:
        assert token not in text
        assert DEMO_APP[1] not in text
    assert token not in str(caught.value) + repr(caught.value)


# --- HTTP method and path -------------------------------------------------------------------------------------------


def test_an_unknown_path_is_a_rejection_with_the_platform_code(store_client):
    with pytest.raises(RejectedError) as caught:
        store_client.post("/merchant/nowhere", {})

    assert (caught.value.errcode, caught.value.errmsg, caught.value.http_status) == (40066, "invalid url", 404)


def test_the_wrong_http_method_is_rejected_by_the_platform(store_client):
    with pytest.raises(RejectedError) as caught:
        store_client.get("/merchant/create")

    assert (caught.value.errcode, caught.value.errmsg) == (43002, "require POST method")
