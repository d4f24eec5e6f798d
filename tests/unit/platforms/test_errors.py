"""The error family (retryable / outcome_unknown per class) and the WeChat errcode mapping of reference §1.3."""

import pickle
from datetime import UTC, datetime

import pytest

from channels_sync.platforms.errors import (
    AuthError,
    PlatformError,
    ProtocolError,
    RateLimitedError,
    RejectedError,
    ServerError,
    SystemBusyError,
    TransportError,
)
from channels_sync.platforms.http import Timeouts
from channels_sync.platforms.wechat import WeChatJsonClient, seconds_until_next_beijing_day


@pytest.mark.parametrize(
    ("error", "retryable", "outcome_unknown"),
    [
        (TransportError("read timeout", outcome_unknown=True), True, True),
        (TransportError("could not connect", outcome_unknown=False), True, False),
        (ServerError("HTTP 502"), True, True),
        (ProtocolError("the answer is not a JSON object"), True, True),
        (SystemBusyError("system error"), True, True),
        (AuthError("invalid credential", errcode=40001), True, False),
        (AuthError("invalid appsecret", errcode=40125, config_error=True), False, False),
        (RateLimitedError("quota", errcode=45011, retry_after=60), True, False),
        (RejectedError(40097, "invalid args"), False, False),
    ],
)
def test_each_error_says_whether_it_may_heal_and_whether_the_call_may_have_applied(error, retryable, outcome_unknown):
    assert isinstance(error, PlatformError)
    assert error.retryable is retryable
    assert error.outcome_unknown is outcome_unknown


def test_system_busy_carries_errcode_minus_one_by_default():
    assert SystemBusyError().errcode == -1


def test_protocol_error_is_handled_like_a_server_error():
    assert issubclass(ProtocolError, ServerError)


def test_message_names_the_endpoint_status_errcode_and_errmsg():
    error = RejectedError(40097, "invalid args: status must be one of 0, 1, 2", endpoint="/merchant/getbystatus")
    no_answer = TransportError("could not connect (ConnectionError)", endpoint="/merchant/create")

    assert str(error) == "/merchant/getbystatus: errcode 40097, invalid args: status must be one of 0, 1, 2"
    assert str(ServerError("HTTP 502", endpoint="/merchant/del", http_status=502)) == (
        "/merchant/del: HTTP 502, HTTP 502"
    )
    assert str(no_answer) == "/merchant/create: could not connect (ConnectionError)"
    assert repr(error) == (
        "RejectedError(endpoint='/merchant/getbystatus', errcode=40097, "
        "errmsg='invalid args: status must be one of 0, 1, 2', http_status=None, outcome_unknown=False)"
    )


def test_errors_survive_pickling_with_every_attribute():
    error = RateLimitedError(
        "api minute-quota reach limit", retry_after=60.0, endpoint="/merchant/create", errcode=45011
    )

    copy = pickle.loads(pickle.dumps(error))

    assert type(copy) is RateLimitedError
    assert (copy.endpoint, copy.errcode, copy.errmsg, copy.retry_after) == (
        "/merchant/create",
        45011,
        "api minute-quota reach limit",
        60.0,
    )
    assert copy.retryable is True
    assert str(copy) == str(error)


# --- WeChat errcode mapping --------------------------------------------------------------------------------------


@pytest.fixture
def wechat() -> WeChatJsonClient:
    return WeChatJsonClient("https://api.weixin.qq.com", timeouts=Timeouts(connect=1, read=1))


@pytest.mark.parametrize(
    ("errcode", "error_class", "retryable", "outcome_unknown"),
    [
        (-1, SystemBusyError, True, True),
        (40001, AuthError, True, False),
        (40014, AuthError, True, False),
        (42001, AuthError, True, False),
        (40013, AuthError, False, False),
        (40125, AuthError, False, False),
        (40164, AuthError, False, False),
        (48001, AuthError, False, False),
        (61004, AuthError, False, False),
        (45035, AuthError, False, False),
        (45009, RateLimitedError, True, False),
        (45011, RateLimitedError, True, False),
        (40097, RejectedError, False, False),
        (41001, RejectedError, False, False),
        (9401020, RejectedError, False, False),
    ],
)
def test_wechat_errcodes_map_onto_the_family(wechat, errcode, error_class, retryable, outcome_unknown):
    error = wechat.error_for(errcode, "message", endpoint="/merchant/create", http_status=200)

    assert type(error) is error_class
    assert (error.errcode, error.errmsg, error.endpoint, error.http_status) == (
        errcode,
        "message",
        "/merchant/create",
        200,
    )
    assert error.retryable is retryable
    assert error.outcome_unknown is outcome_unknown


def test_minute_quota_heals_after_sixty_seconds(wechat):
    error = wechat.error_for(45011, "api minute-quota reach limit", endpoint="/merchant/create", http_status=200)

    assert error.retry_after == 60.0


def test_platform_quota_codes_are_added_by_a_subclass():
    class ChannelsLikeClient(WeChatJsonClient):
        quota_windows = {**WeChatJsonClient.quota_windows, 10020112: 30.0}

    client = ChannelsLikeClient("https://api.weixin.qq.com", timeouts=Timeouts(connect=1, read=1))

    error = client.error_for(10020112, "stock update too frequent", endpoint="/channels/ec/x", http_status=200)

    assert type(error) is RateLimitedError
    assert error.retry_after == 30.0


@pytest.mark.parametrize(
    ("now", "seconds"),
    [
        # 2024-06-11 15:00 UTC is 23:00 in Beijing: one hour to the reset.
        (datetime(2024, 6, 11, 15, 0, tzinfo=UTC), 3600.0),
        # 16:00 UTC is Beijing midnight itself: a whole day to the next one.
        (datetime(2024, 6, 11, 16, 0, tzinfo=UTC), 86400.0),
        (datetime(2024, 6, 11, 2, 30, 15, tzinfo=UTC), 48585.0),
    ],
)
def test_daily_quota_heals_at_the_next_beijing_midnight(now, seconds):
    assert seconds_until_next_beijing_day(now) == seconds
