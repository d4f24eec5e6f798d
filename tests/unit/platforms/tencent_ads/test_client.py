"""The Tencent Ads client and OAuth token provider against the emulator over HTTP: common parameters, the error
family, token refresh and sharing, call records without secrets."""

import copy
import json
import logging
import time

import pytest

from channels_sync.platforms.errors import AuthError, RateLimitedError, RejectedError, SystemBusyError
from channels_sync.platforms.tencent_ads.client import SALESINFOS_ADD_PATH, TencentAdsClient
from channels_sync.platforms.tencent_ads.tokens import AdsTokenProvider, ads_token_cache_key
from tests.unit.platforms.conftest import TIMEOUTS
from tests.unit.platforms.stubs import EMULATOR_POLICY
from tests.unit.platforms.tencent_ads.builders import DEMO_CLIENT, DEMO_REFRESH_TOKEN, SEED_CORRECTED

OAUTH = "/oauth/token"


def make_provider(server, cache, session, calls, *, secret=DEMO_CLIENT[1], refresh_token=DEMO_REFRESH_TOKEN):
    return AdsTokenProvider(
        base_url=server.url,
        client_id=DEMO_CLIENT[0],
        client_secret=secret,
        refresh_token=refresh_token,
        cache=cache,
        timeouts=TIMEOUTS,
        on_call=calls.append,
        session=session,
        host_policy=EMULATOR_POLICY,
    )


@pytest.fixture
def ads_provider(server, token_cache, http_session, calls):
    return make_provider(server, token_cache, http_session, calls)


@pytest.fixture
def client(server, ads_provider, http_session, calls):
    return TencentAdsClient(
        server.url,
        tokens=ads_provider,
        timeouts=TIMEOUTS,
        on_call=calls.append,
        session=http_session,
        host_policy=EMULATOR_POLICY,
    )


def faults(http_session, server, **plan):
    http_session.post(f"{server.url}/__sandbox__/faults", json=plan, timeout=5).raise_for_status()


def test_salesinfos_add_sends_fresh_common_parameters_and_records_the_trace_id(client, calls, sandbox):
    assert client.salesinfos_add(SEED_CORRECTED) == {}
    client.salesinfos_add(SEED_CORRECTED)

    oauth, first, second = calls
    assert (oauth.endpoint, first.endpoint) == (OAUTH, SALESINFOS_ADD_PATH)
    assert first.query["access_token"] == "***"
    assert len(first.query["nonce"]) == 32
    assert first.query["nonce"] != second.query["nonce"]
    assert abs(int(first.query["timestamp"]) - time.time()) < 5
    assert first.request == SEED_CORRECTED
    assert len(first.response["_headers"]["X-TSA-Trace-Id"]) == 32
    assert first.response["_headers"]["X-RateLimit-Remaining"]
    assert sandbox.tencent_ads.state("ads_demo_client")["sales_infos"][0]["writes"] == 2


def test_no_secret_or_token_in_any_record(client, calls):
    client.salesinfos_add(SEED_CORRECTED)
    token = client.tokens.get_token()

    text = json.dumps([record.__dict__ for record in calls], default=str)
    for secret in (DEMO_CLIENT[1], DEMO_REFRESH_TOKEN, token):
        assert secret not in text
    assert calls[0].query["client_secret"] == "***"
    assert calls[0].query["refresh_token"] == "***"
    assert calls[0].response["data"]["access_token"] == "***"


def test_an_expired_token_is_refreshed_and_the_call_repeated_once(client, calls, sandbox):
    client.salesinfos_add(SEED_CORRECTED)
    sandbox.ctx.clock.advance(86400)

    client.salesinfos_add(SEED_CORRECTED)

    assert [(r.endpoint, r.errcode) for r in calls] == [
        (OAUTH, 0),
        (SALESINFOS_ADD_PATH, 0),
        (SALESINFOS_ADD_PATH, 11000),
        (OAUTH, 0),
        (SALESINFOS_ADD_PATH, 0),
    ]
    assert calls[2].query["nonce"] != calls[4].query["nonce"]


def test_a_token_refused_twice_is_a_retryable_auth_error(client, http_session, server):
    faults(
        http_session,
        server,
        errcode_next=2,
        errcode=11002,
        errmsg="access_token is invalid",
        paths=[SALESINFOS_ADD_PATH],
    )

    with pytest.raises(AuthError) as error:
        client.salesinfos_add(SEED_CORRECTED)

    assert (error.value.errcode, error.value.retryable) == (11002, True)


def test_two_providers_on_one_cache_refresh_once(server, token_cache, http_session, calls):
    first = make_provider(server, token_cache, http_session, calls)
    second = make_provider(server, token_cache, http_session, calls)

    assert first.get_token() == second.get_token()
    assert [r.endpoint for r in calls] == [OAUTH]


def test_each_authorisation_of_one_client_has_its_own_token(server, token_cache, http_session, calls):
    first = make_provider(server, token_cache, http_session, calls)
    other_account = make_provider(server, token_cache, http_session, calls, refresh_token="other-account-refresh")

    assert first.cache_key != other_account.cache_key
    assert first.cache_key == ads_token_cache_key(server.url, DEMO_CLIENT[0], DEMO_REFRESH_TOKEN)
    # Neither key nor any cached value holds the refresh token itself.
    assert DEMO_REFRESH_TOKEN not in first.cache_key
    first.get_token()
    assert DEMO_REFRESH_TOKEN not in repr(token_cache.get(first.cache_key))
    assert DEMO_REFRESH_TOKEN not in repr(token_cache.get(first.refresh_key))


@pytest.mark.parametrize(
    ("code", "error_class", "retry_after"),
    [
        (10000, SystemBusyError, None),
        (10001, RateLimitedError, 300.0),
        (11016, RateLimitedError, 1.0),
        (11017, RateLimitedError, 60.0),
        (11019, RateLimitedError, 1.0),
        (11008, RateLimitedError, 60.0),
    ],
)
def test_platform_codes_map_onto_the_error_family(client, http_session, server, code, error_class, retry_after):
    faults(http_session, server, errcode_next=1, errcode=code, errmsg="limited", paths=[SALESINFOS_ADD_PATH])

    with pytest.raises(error_class) as error:
        client.salesinfos_add(SEED_CORRECTED)

    assert error.value.errcode == code
    assert error.value.retryable is True
    if retry_after is not None:
        assert error.value.retry_after == retry_after
    if code == 10000:
        assert error.value.outcome_unknown is True


def test_a_daily_limit_waits_for_the_next_beijing_day(client, http_session, server):
    faults(http_session, server, errcode_next=1, errcode=11018, errmsg="daily", paths=[SALESINFOS_ADD_PATH])

    with pytest.raises(RateLimitedError) as error:
        client.salesinfos_add(SEED_CORRECTED)

    assert 0 < error.value.retry_after <= 86400


def test_out_of_scope_is_a_configuration_error(client, http_session, server):
    faults(http_session, server, errcode_next=1, errcode=11014, errmsg="out of scope", paths=[SALESINFOS_ADD_PATH])

    with pytest.raises(AuthError) as error:
        client.salesinfos_add(SEED_CORRECTED)

    assert (error.value.config_error, error.value.retryable) == (True, False)


def test_a_reused_nonce_is_sent_once_more_with_a_new_one(client, calls, http_session, server):
    faults(
        http_session,
        server,
        errcode_next=1,
        errcode=11020,
        errmsg="The nonce has been used before",
        paths=[SALESINFOS_ADD_PATH],
    )

    client.salesinfos_add(SEED_CORRECTED)

    tries = calls.to(SALESINFOS_ADD_PATH)
    assert [r.errcode for r in tries] == [11020, 0]
    assert tries[0].query["nonce"] != tries[1].query["nonce"]


def test_a_business_rejection_carries_the_platform_code_and_message(client):
    body = copy.deepcopy(SEED_CORRECTED)
    body["sku_sales_infos"][0]["sale_channel_name"] = "wxapp"

    with pytest.raises(RejectedError) as error:
        client.salesinfos_add(body)

    assert error.value.errcode == 31001
    assert error.value.errmsg.startswith("invalid parameter: sku_sales_infos[0].sale_channel_name must be one of")
    assert error.value.retryable is False


@pytest.mark.parametrize(
    ("secret", "refresh_token", "code"), [("wrong", DEMO_REFRESH_TOKEN, 11012), (DEMO_CLIENT[1], "stale", 11013)]
)
def test_refused_refreshes_are_configuration_errors_and_nothing_is_sent(
    server, token_cache, http_session, calls, secret, refresh_token, code
):
    provider = make_provider(server, token_cache, http_session, calls, secret=secret, refresh_token=refresh_token)
    client = TencentAdsClient(
        server.url,
        tokens=provider,
        timeouts=TIMEOUTS,
        on_call=calls.append,
        session=http_session,
        host_policy=EMULATOR_POLICY,
    )

    with pytest.raises(AuthError) as error:
        client.salesinfos_add(SEED_CORRECTED)

    assert (error.value.errcode, error.value.config_error, error.value.outcome_unknown) == (code, True, False)
    assert calls.to(SALESINFOS_ADD_PATH) == []
    assert secret not in str(error.value)
    assert refresh_token not in repr(error.value)


def test_the_repeat_after_a_refused_token_has_a_new_timestamp_and_nonce(
    server, ads_provider, http_session, calls, sandbox
):
    ticks = iter([time.time() - 10, time.time()])
    client = TencentAdsClient(
        server.url,
        tokens=ads_provider,
        timeouts=TIMEOUTS,
        on_call=calls.append,
        session=http_session,
        clock=lambda: next(ticks),
        host_policy=EMULATOR_POLICY,
    )
    faults(http_session, server, errcode_next=1, errcode=11000, errmsg="expired", paths=[SALESINFOS_ADD_PATH])

    client.salesinfos_add(SEED_CORRECTED)

    refused, repeated = calls.to(SALESINFOS_ADD_PATH)
    assert (refused.errcode, repeated.errcode) == (11000, 0)
    assert int(repeated.query["timestamp"]) - int(refused.query["timestamp"]) in (9, 10, 11)
    assert refused.query["nonce"] != repeated.query["nonce"]


def test_the_client_secret_is_masked_in_the_http_library_log(ads_provider, caplog):
    # urllib3 logs each request line with its query at DEBUG; the refresh puts client_secret there.
    with caplog.at_level(logging.DEBUG, logger="urllib3.connectionpool"):
        ads_provider.get_token()

    lines = [record.getMessage() for record in caplog.records if record.name == "urllib3.connectionpool"]
    assert any("/oauth/token?" in line and "client_secret=***" in line for line in lines)
    assert not any(DEMO_CLIENT[1] in line or DEMO_REFRESH_TOKEN in line for line in lines)
