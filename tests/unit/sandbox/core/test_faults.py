"""Fault injection (design §6): each fault type, path filters, and the proof that a dropped answer was applied
exactly once."""

import time

import pytest
import requests

from tests.unit.sandbox.wechat_store.builders import COLOUR, SIZE, SIZE_M, WHITE, tshirt_body

WHITE_M = f"{COLOUR}:{WHITE};{SIZE}:{SIZE_M}"
STOCK_ADD = "/merchant/stock/add"
SYSTEM_ERROR = {"errcode": -1, "errmsg": "system error"}


@pytest.fixture
def product_id(api, images):
    return api.create_product(tshirt_body(images))


def _add(api, product_id, quantity=5):
    return api.raw("POST", STOCK_ADD, json={"product_id": product_id, "sku_info": WHITE_M, "quantity": quantity})


def _stock(api):
    return api.state()["products"][0]["stock"][WHITE_M]


def _stock_effects(api):
    return api.applied(endpoint=STOCK_ADD)


def test_no_faults_by_default(api):
    assert api.control("GET", "faults")["faults"] == {
        "latency_ms": 0,
        "error_rate": 0.0,
        "errcode_minus_one_next": 0,
        "http_5xx_next": 0,
        "drop_response_next": 0,
        "drop_mode": "close",
        "errcode_next": 0,
        "errcode": 45009,
        "errmsg": "reach max api daily quota limit",
        "paths": [],
    }


def test_errcode_minus_one_next_answers_system_error_without_applying(api, product_id):
    api.token()
    api.control("POST", "faults", {"errcode_minus_one_next": 2, "path": STOCK_ADD})

    first, second, third = (_add(api, product_id).json() for _ in range(3))

    assert (first, second) == (SYSTEM_ERROR, SYSTEM_ERROR)
    assert third == {"errcode": 0, "errmsg": "success"}
    assert _stock(api) == 15
    assert [e["fields"]["quantity"] for e in _stock_effects(api)] == [5]


def test_the_path_filter_spares_other_paths(api, product_id):
    api.control("POST", "faults", {"errcode_minus_one_next": 1, "paths": ["/merchant/stock/*"]})

    other = api.post("/merchant/get", {"product_id": product_id})
    stock = _add(api, product_id).json()

    assert other["errcode"] == 0
    assert stock == SYSTEM_ERROR
    assert api.control("GET", "faults")["faults"]["errcode_minus_one_next"] == 0


def test_http_5xx_next_answers_502_without_applying(api, product_id):
    api.token()
    api.control("POST", "faults", {"http_5xx_next": 1, "path": STOCK_ADD})

    failed = _add(api, product_id)
    passed = _add(api, product_id)

    assert failed.status_code == 502
    assert passed.json()["errcode"] == 0
    assert _stock(api) == 15
    assert len(_stock_effects(api)) == 1


def test_error_rate_one_fails_every_call_and_zero_none(api, product_id):
    api.token()
    api.control("POST", "faults", {"error_rate": 1, "path": STOCK_ADD})
    failures = [_add(api, product_id).json() for _ in range(3)]
    api.control("POST", "faults", {"error_rate": 0, "path": STOCK_ADD})
    success = _add(api, product_id).json()

    assert failures == [SYSTEM_ERROR] * 3
    assert success["errcode"] == 0
    assert _stock(api) == 15


def test_error_rate_is_a_probability(api, product_id):
    api.token()
    api.control("POST", "faults", {"error_rate": 0.5, "path": STOCK_ADD})

    answers = [_add(api, product_id, quantity=1).json()["errcode"] for _ in range(40)]

    assert set(answers) == {0, -1}
    assert _stock(api) == 10 + answers.count(0)
    assert len(_stock_effects(api)) == answers.count(0)


def test_drop_response_applies_the_change_exactly_once_and_closes_the_connection(api, product_id):
    api.token()
    api.control("POST", "faults", {"drop_response_next": 1, "path": STOCK_ADD})

    with pytest.raises(requests.ConnectionError):
        _add(api, product_id, quantity=7)
    after = _add(api, product_id, quantity=1)

    assert after.json() == {"errcode": 0, "errmsg": "success"}
    assert _stock(api) == 18
    effects = _stock_effects(api)
    assert [(e["fields"]["quantity"], e["fields"]["stock_after"], e["response_dropped"]) for e in effects] == [
        (7, 17, True),
        (1, 18, False),
    ]
    assert effects[0]["seq"] < effects[1]["seq"]


def test_drop_response_in_504_mode(api, product_id):
    api.token()
    api.control("POST", "faults", {"drop_response_next": 1, "drop_mode": "504", "path": STOCK_ADD})

    dropped = _add(api, product_id, quantity=2)

    assert dropped.status_code == 504
    assert "errcode" not in dropped.text
    assert _stock(api) == 12
    [effect] = _stock_effects(api)
    assert effect["response_dropped"] is True


def test_a_dropped_create_leaves_exactly_one_product(api, images):
    api.token()
    api.control("POST", "faults", {"drop_response_next": 1, "path": "/merchant/create"})

    with pytest.raises(requests.ConnectionError):
        api.raw("POST", "/merchant/create", json=tshirt_body(images))

    products = api.state()["products"]
    [effect] = api.applied(endpoint="/merchant/create")
    assert [product["product_id"] for product in products] == [effect["fields"]["product_id"]]


def test_invalidate_tokens_revokes_every_live_token(api, product_id):
    old = api.token()
    other = api.token("wx_test_store")

    answer = api.control("POST", "faults", {"invalidate_tokens": True})

    assert answer["tokens_invalidated"] == 2
    invalid = {"errcode": 40001, "errmsg": "invalid credential, access_token is invalid or not latest"}
    assert api.post("/merchant/get", {"product_id": product_id}, token=old) == invalid
    assert api.post("/merchant/getbystatus", {"status": 0}, token=other) == invalid
    assert api.post("/merchant/get", {"product_id": product_id}, token=api.fetch_token())["errcode"] == 0


def test_errcode_next_answers_a_chosen_code(api, product_id):
    api.token()
    api.control("POST", "faults", {"errcode_next": 1, "errcode": 45011, "errmsg": "api minute-quota reach limit"})

    limited = _add(api, product_id).json()

    assert limited == {"errcode": 45011, "errmsg": "api minute-quota reach limit"}
    assert _stock(api) == 10


def test_latency_delays_the_answer(api, product_id):
    api.token()
    api.control("POST", "faults", {"latency_ms": 300, "path": STOCK_ADD})

    started = time.monotonic()
    answer = _add(api, product_id).json()
    elapsed = time.monotonic() - started

    assert answer["errcode"] == 0
    assert elapsed >= 0.3


def test_faults_without_a_path_also_hit_the_token_endpoint(api):
    api.control("POST", "faults", {"errcode_minus_one_next": 1})

    answer = api.session.get(
        api.url("/cgi-bin/token"),
        params={"grant_type": "client_credential", "appid": "wx_demo_store", "secret": "demo-store-secret"},
        timeout=10,
    ).json()

    assert answer == SYSTEM_ERROR


def test_faults_never_hit_control_endpoints(api):
    api.control("POST", "faults", {"http_5xx_next": 3, "errcode_minus_one_next": 3, "error_rate": 1})

    assert api.control("GET", "state", params={"appid": "wx_demo_store"})["appid"] == "wx_demo_store"
    assert api.control("GET", "faults")["faults"]["http_5xx_next"] == 3


def test_a_new_plan_replaces_the_old_one_and_delete_clears(api):
    api.control("POST", "faults", {"http_5xx_next": 3, "latency_ms": 10})
    replaced = api.control("POST", "faults", {"drop_response_next": 1})["faults"]
    cleared = api.control("DELETE", "faults")["faults"]

    assert (replaced["http_5xx_next"], replaced["latency_ms"], replaced["drop_response_next"]) == (0, 0, 1)
    assert cleared["drop_response_next"] == 0


@pytest.mark.parametrize(
    ("plan", "errmsg"),
    [
        ({"error_rate": 1.5}, "error_rate must be a number from 0 to 1"),
        ({"http_5xx_next": -1}, "http_5xx_next must be an integer >= 0"),
        ({"drop_mode": "reset"}, "drop_mode must be one of close, 504"),
        ({"paths": "/merchant/*"}, "path must be a string and paths a list of strings"),
        ({"chaos": True}, "unknown fault option(s): chaos"),
    ],
)
def test_bad_fault_plans_are_refused(api, plan, errmsg):
    assert api.control_error("POST", "faults", plan) == {"errcode": 40097, "errmsg": f"invalid args: {errmsg}"}
    assert api.control("GET", "faults")["faults"]["drop_mode"] == "close"
