"""The Tencent Ads emulator (reference §5, seed 003): OAuth, the common parameters, every field rule, the
seed's example verbatim and corrected, upserts, quotas and the response headers."""

import copy
import json
import time
from pathlib import Path

import pytest

from tests.unit.platforms.tencent_ads.builders import (
    DEMO_ACCOUNT_ID,
    SEED_CORRECTED,
    SEED_CURL_BODY,
    SEED_VERBATIM,
    AdsApi,
)

SALES_PATH = "/v1.1/product_salesinfos/add"


@pytest.fixture
def ads(server, http) -> AdsApi:
    return AdsApi(server.url, http)


def body_with(**item_changes):
    body = copy.deepcopy(SEED_CORRECTED)
    body["sku_sales_infos"][0].update(item_changes)
    return body


# --- OAuth ------------------------------------------------------------------------------------------------------


def test_refresh_issues_an_access_token_and_keeps_the_refresh_token(ads):
    answer = ads.oauth().json()

    assert answer["code"] == 0
    data = answer["data"]
    assert len(data["access_token"]) == 40
    assert data["refresh_token"] == "demo-ads-refresh-token"
    assert data["access_token_expires_in"] == 86400
    assert 0 < data["refresh_token_expires_in"] <= 30 * 86400


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"client_secret": "wrong-secret"}, 11012),
        ({"client_id": "nobody"}, 11012),
        ({"refresh_token": "not-the-token"}, 11013),
        ({"grant_type": "authorization_code"}, 31001),
    ],
)
def test_refused_refreshes(ads, changes, code):
    answer = ads.oauth(**changes).json()

    assert answer["code"] == code
    assert answer["message_cn"]
    assert answer["errors"][0]["code"] == code


def test_the_refresh_token_expires_after_thirty_days(ads, sandbox):
    sandbox.ctx.clock.advance(30 * 86400 + 1)

    assert ads.oauth().json()["code"] == 11013


# --- common parameters --------------------------------------------------------------------------------------


def test_the_corrected_seed_example_is_accepted_with_trace_and_rate_limit_headers(ads, sandbox, api):
    response = ads.add(SEED_CORRECTED)

    assert response.json() == {"code": 0, "message": "", "data": {}}
    assert len(response.headers["X-TSA-Trace-Id"]) == 32
    assert response.headers["X-RateLimit-Remaining"] == "99,99"
    stored = sandbox.tencent_ads.state("ads_demo_client")["sales_infos"]
    assert [(s["external_sku_id"], s["price"]["current_price"], s["price"]["sku_price"]) for s in stored] == [
        ("B23446", "78.00", "85.00")
    ]
    assert stored[0]["price"]["sku_promotions"] == [
        {"promotion_price": "80.00"},
        {"promotion_price": "81.00"},
        {"promotion_price": "83.00"},
    ]
    (applied,) = api.applied(appid="ads_demo_client", endpoint=SALES_PATH)
    assert applied["fields"]["account_id"] == DEMO_ACCOUNT_ID
    assert applied["fields"]["items"][0]["sku_stock_status"] == "ON_SALE"


def test_the_seed_example_verbatim_is_refused_for_its_channel(ads):
    code, message = ads.code(SEED_VERBATIM)

    assert code == 31001
    assert message.startswith(
        "invalid parameter: sku_sales_infos[0].sale_channel_name must be one of WECHAT_MINIPROGRAM"
    )
    assert "'wxapp'" in message


def test_the_seed_example_without_target_url_props_is_refused(ads):
    body = copy.deepcopy(SEED_VERBATIM)
    body["sku_sales_infos"][0]["sale_channel_name"] = "WECHAT_MINIPROGRAM"

    assert ads.code(body) == (31001, "invalid parameter: sku_sales_infos[0].target_url_props is required")


def test_the_seed_curl_fragments_and_form_bodies_are_refused(ads):
    curl = ads.code(raw=SEED_CURL_BODY.encode())
    form = ads.code(raw=b"account_id=10001234&data_warehouse_id=101", content_type="application/x-www-form-urlencoded")

    assert curl[0] == 31001
    assert "not one JSON object" in curl[1]
    assert form == (31001, "invalid parameter: the body must be JSON with Content-Type: application/json")


def test_a_nonce_is_never_accepted_twice_for_one_token(ads):
    assert ads.code(SEED_CORRECTED, nonce="n" * 32)[0] == 0

    assert ads.code(SEED_CORRECTED, nonce="n" * 32) == (11020, "The nonce has been used before")
    assert ads.code(SEED_CORRECTED, nonce="n" * 33)[0] == 31001
    assert ads.code(SEED_CORRECTED, nonce="")[0] == 31001


def test_the_timestamp_must_be_within_300_seconds(ads):
    now = int(time.time())

    assert ads.code(SEED_CORRECTED, timestamp=str(now - 290))[0] == 0
    assert ads.code(SEED_CORRECTED, timestamp=str(now - 400))[0] == 11021
    assert ads.code(SEED_CORRECTED, timestamp="soon")[0] == 11021


def test_a_timestamp_of_other_digits_is_refused_not_crashed(ads):
    assert ads.code(SEED_CORRECTED, timestamp="²")[0] == 11021
    fullwidth_now = str(int(time.time())).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert ads.code(SEED_CORRECTED, timestamp=fullwidth_now)[0] == 11021


@pytest.mark.parametrize(
    ("token", "code"),
    [("", 11005), ("short", 11004), ("A" * 40, 11002)],
)
def test_bad_access_tokens(ads, token, code):
    assert ads.code(SEED_CORRECTED, token=token)[0] == code


def test_an_access_token_expires_after_24_hours(ads, sandbox):
    ads.token()
    sandbox.ctx.clock.advance(86400)

    assert ads.code(SEED_CORRECTED)[0] == 11000


def test_unknown_account_or_warehouse(ads):
    assert ads.code({**SEED_CORRECTED, "account_id": 42})[0] == 31002
    assert ads.code({**SEED_CORRECTED, "data_warehouse_id": 999})[0] == 31003
    assert ads.code({**SEED_CORRECTED, "account_id": "10001234"}) == (
        31001,
        "invalid parameter: account_id must be an integer",
    )


# --- field rules ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"external_store_id": "店" * 11}, "sku_sales_infos[0].external_store_id must be 1 to 32 bytes, got 33"),
        ({"external_sku_id": "x" * 129}, "sku_sales_infos[0].external_sku_id must be 1 to 128 bytes, got 129"),
        ({"store_type": "MALL"}, "sku_sales_infos[0].store_type must be one of SHOP, WAREHOUSE, EC_WAREHOUSE"),
        ({"sku_status": "OLD"}, "sku_sales_infos[0].sku_status must be one of NEW, NORMAL, STOP"),
        ({"stock": {"sku_stock_status": "SOLD"}}, "sku_sales_infos[0].stock.sku_stock_status must be one of"),
        ({"stock": None}, "sku_sales_infos[0].stock is required"),
        ({"price": None}, "sku_sales_infos[0].price is required"),
        ({"price": [78, 85]}, "sku_sales_infos[0].price must be an object"),
        ({"price": {"current_price": 90, "sku_price": 85}}, "sku_sales_infos[0].price.current_price must be <="),
        ({"price": {"current_price": -1, "sku_price": 85}}, "sku_sales_infos[0].price.current_price must be >= 0"),
        ({"price": {"current_price": 1.234, "sku_price": 85}}, "price.current_price must have at most 2 decimals"),
        ({"price": {"current_price": "78", "sku_price": 85}}, "price.current_price must be a number"),
        ({"price": {"current_price": 1}}, "sku_sales_infos[0].price.sku_price is required"),
        (
            {"price": {"current_price": 1, "sku_price": 2, "sku_promotions": [{"promotion_price": 1}] * 51}},
            "sku_promotions must have at most 50 items, got 51",
        ),
        (
            {"target_url_props": {"target_url_miniprogram": "p" * 2049, "miniprogram_appid": "wx1"}},
            "target_url_miniprogram must be 1 to 2048 bytes, got 2049",
        ),
        (
            {"target_url_props": {"target_url_miniprogram": "p", "miniprogram_appid": "x" * 1025}},
            "miniprogram_appid must be 1 to 1024 bytes, got 1025",
        ),
        ({"labels": [{"name": "标" * 22}]}, "sku_sales_infos[0].labels[0].name must be 1 to 64 bytes, got 66"),
        ({"labels": [{"name": "新品", "start_time": "2025-01-01"}]}, "labels[0].start_time must be 18 to 20 bytes"),
        ({"colour": "red"}, "sku_sales_infos[0] has unknown field(s): colour"),
    ],
)
def test_field_rules(ads, changes, message):
    code, text = ads.code(body_with(**changes))

    assert code == 31001
    assert message in text


def test_labels_with_valid_times_are_accepted(ads):
    labels = [{"name": "新品", "start_time": "2025-01-01 00:00:00", "end_time": "2025-12-31 23:59:59"}]

    assert ads.code(body_with(labels=labels))[0] == 0


def test_at_most_fifty_items_per_call(ads):
    body = copy.deepcopy(SEED_CORRECTED)
    item = body["sku_sales_infos"][0]
    body["sku_sales_infos"] = [{**item, "external_sku_id": f"S{n}"} for n in range(51)]

    assert ads.code(body) == (31001, "invalid parameter: sku_sales_infos must have at most 50 items, got 51")
    body["sku_sales_infos"] = body["sku_sales_infos"][:50]
    assert ads.code(body)[0] == 0


def test_a_call_replaces_the_sales_info_of_the_skus_it_names(ads, sandbox):
    ads.add(SEED_CORRECTED)

    ads.add(body_with(stock={"sku_stock_status": "OFF_SALE"}, sku_status="STOP"))

    (stored,) = sandbox.tencent_ads.state("ads_demo_client")["sales_infos"]
    assert (stored["sku_status"], stored["stock"]["sku_stock_status"], stored["writes"]) == ("STOP", "OFF_SALE", 2)


# --- quotas and faults ------------------------------------------------------------------------------------------


def test_the_per_minute_quota_refuses_without_applying(ads, api, sandbox):
    api.control("POST", "config", {"tencent_ads_quota": {"per_minute": 2}})
    assert ads.add(SEED_CORRECTED).headers["X-RateLimit-Remaining"] == "99,50"
    assert ads.code(SEED_CORRECTED)[0] == 0

    refused = ads.add(SEED_CORRECTED)

    assert refused.json()["code"] == 11017
    assert refused.headers["X-TSA-Trace-Id"]
    assert len(api.applied(appid="ads_demo_client", endpoint=SALES_PATH)) == 2
    sandbox.ctx.clock.advance(61)
    assert ads.code(SEED_CORRECTED)[0] == 0


def test_an_injected_system_error_answers_code_10000(ads, api):
    api.control("POST", "faults", {"errcode_minus_one_next": 1, "paths": [SALES_PATH]})

    answer = ads.add(SEED_CORRECTED).json()

    assert answer["code"] == 10000
    assert set(answer) == {"code", "message", "message_cn", "errors", "data"}
    assert api.applied(appid="ads_demo_client", endpoint=SALES_PATH) == []


def test_reset_forgets_sales_infos_but_keeps_tokens(ads, api, sandbox):
    ads.add(SEED_CORRECTED)

    api.control("POST", "reset", {})

    assert sandbox.tencent_ads.state("ads_demo_client")["sales_infos"] == []
    assert ads.code(SEED_CORRECTED)[0] == 0


def test_sandbox_apps_are_clients_too(server, http, sandbox, api):
    ads = AdsApi(
        server.url, http, client=("wx_demo_store", "demo-store-secret"), refresh_token="wx_demo_store-refresh-token"
    )

    assert ads.code(SEED_CORRECTED)[0] == 0
    state = api.control("GET", "state", params={"appid": "wx_demo_store"})
    assert state["tencent_ads"]["sales_infos"][0]["external_sku_id"] == "B23446"


def test_the_golden_wire_text_of_the_corrected_seed_example_is_accepted(ads, sandbox):
    golden = Path(__file__).parents[2] / "platforms" / "tencent_ads" / "golden" / "seed_003_corrected.json"
    wire = golden.read_bytes()
    assert b'"current_price": 78.00' in wire

    assert ads.code(raw=wire) == (0, "")
    (stored,) = sandbox.tencent_ads.state("ads_demo_client")["sales_infos"]
    assert stored["price"]["daily_price"] == "80.00"


def test_text_without_utf8_bytes_is_a_parameter_error(ads):
    raw = json.dumps(body_with(external_sku_id="\ud800")).encode()

    assert ads.code(raw=raw) == (
        31001,
        "invalid parameter: sku_sales_infos[0].external_sku_id must be valid UTF-8 text",
    )


def test_refusals_carry_the_rate_limit_header_once_counted(ads, api):
    api.control("POST", "config", {"tencent_ads_quota": {"per_minute": 4}})
    assert ads.add(SEED_CORRECTED).headers["X-RateLimit-Remaining"] == "99,75"

    bad_body = ads.add(body_with(sku_status="OLD"))
    ads.add(SEED_CORRECTED, nonce="z" * 32)
    reused = ads.add(SEED_CORRECTED, nonce="z" * 32)
    ads.add(SEED_CORRECTED)
    over_quota = ads.add(SEED_CORRECTED)

    assert (bad_body.json()["code"], bad_body.headers["X-RateLimit-Remaining"]) == (31001, "99,50")
    assert (reused.json()["code"], reused.headers["X-RateLimit-Remaining"]) == (11020, "99,25")
    assert (over_quota.json()["code"], over_quota.headers["X-RateLimit-Remaining"]) == (11017, "99,0")


def test_a_refusal_after_a_quiet_minute_reports_the_minute_as_free(ads, sandbox):
    ads.add(SEED_CORRECTED)
    sandbox.ctx.clock.advance(61)

    stale = ads.add(SEED_CORRECTED, timestamp="soon")

    assert (stale.json()["code"], stale.headers["X-RateLimit-Remaining"]) == (11021, "99,100")
