"""The Channels store on the shared framework: tokens of the store's own AppID, fault injection on its paths, the
applied-effects log, state dumps, resets, configuration, determinism and concurrency."""

import json
import threading

import pytest
import requests

from sandbox import Sandbox
from sandbox.core.apps import AppRegistry
from sandbox.core.base import Request
from tests.unit.sandbox.channels.builders import CHANNELS_APP, CHANNELS_TEST_APP, tshirt_body
from tests.unit.sandbox.wechat_store.builders import uniform_body

ADD = "/channels/ec/product/add"
STOCK = "/channels/ec/product/stock/update"
SYSTEM_ERROR = {"errcode": -1, "errmsg": "system error"}


@pytest.fixture
def body(channel_images, template_id):
    return tshirt_body(channel_images, template_id)


def test_the_stores_own_appid_gets_tokens_from_both_token_endpoints(channels):
    basic = channels.session.get(
        channels.url("/cgi-bin/token"),
        params={"grant_type": "client_credential", "appid": CHANNELS_APP[0], "secret": CHANNELS_APP[1]},
        timeout=10,
    ).json()
    stable = channels.session.post(
        channels.url("/cgi-bin/stable_token"),
        json={"grant_type": "client_credential", "appid": CHANNELS_TEST_APP[0], "secret": CHANNELS_TEST_APP[1]},
        timeout=10,
    ).json()

    assert channels.ok("/shop/ec/brand/all", token=basic["access_token"])["brands"]
    assert channels.ok("/shop/ec/brand/all", token=stable["access_token"])["brands"]
    assert channels.call("/shop/ec/brand/all", token="forged") == {"errcode": 40014, "errmsg": "invalid access_token"}
    channels.control("POST", "clock", {"advance_seconds": 7200})
    assert channels.call("/shop/ec/brand/all", token=basic["access_token"]) == {
        "errcode": 42001,
        "errmsg": "access_token expired",
    }


def test_info_lists_the_channels_routes_on_both_prefixes(channels):
    routes = channels.control("GET", "")["routes"]

    assert "POST /channels/ec/product/add" in routes
    assert "POST /shop/ec/category/detail" in routes
    assert "POST /channels/ec/category/detail" in routes
    assert "GET /channels/ec/category/all" in routes
    assert "POST /shop/ec/basics/img/upload" in routes
    assert "POST /shop/ec/product/add" not in routes
    assert "POST /channels/ec/order/delivery/send" in routes
    assert "POST /__sandbox__/channels/orders/generate" in routes
    # 34 routes under /channels/ec (category/all also by GET; 5 of orders, 5 of after-sales with rejectreason/get), 6 under /shop/ec.
    assert len([route for route in routes if route.split()[1].startswith("/channels/ec/")]) == 34
    assert len([route for route in routes if route.split()[1].startswith("/shop/ec/")]) == 6


def test_a_system_error_fault_on_a_channels_path_applies_nothing(channels, body):
    product_id = channels.listed(body)
    white_m = channels.sku_ids(product_id)[0]
    channels.control("POST", "faults", {"errcode_minus_one_next": 2, "path": "/channels/ec/product/stock/*"})
    update = {"product_id": product_id, "sku_id": white_m, "diff_type": 1, "num": 5}

    first, second, third = (channels.call(STOCK, update) for _ in range(3))

    assert (first, second) == (SYSTEM_ERROR, SYSTEM_ERROR)
    assert third == {"errcode": 0, "errmsg": "ok"}
    assert [e["fields"]["stock_after"] for e in channels.applied(endpoint=STOCK)] == [105]


def test_an_injected_quota_errcode_and_a_502(channels, body):
    channels.control(
        "POST", "faults", {"errcode_next": 1, "errcode": 10020066, "errmsg": "提审频率达到限制", "path": ADD}
    )

    quota = channels.call(ADD, body)
    channels.control("POST", "faults", {"http_5xx_next": 1, "paths": ["/channels/ec/*"]})
    gateway = channels.raw("POST", ADD, json=body)

    assert quota == {"errcode": 10020066, "errmsg": "提审频率达到限制"}
    assert gateway.status_code == 502
    assert channels.shop()["products"] == []


def test_a_shop_prefix_fault_spares_the_channels_prefix(channels):
    channels.control("POST", "faults", {"errcode_minus_one_next": 1, "path": "/shop/ec/*"})

    channels_answer = channels.call("/channels/ec/category/detail", {"cat_id": "1101"})
    shop_answer = channels.call("/shop/ec/category/detail", {"cat_id": "1101"})

    assert channels_answer["errcode"] == 0
    assert shop_answer == SYSTEM_ERROR


@pytest.mark.parametrize("drop_mode", ["close", "504"])
def test_a_lost_add_answer_was_applied_once_and_is_found_by_out_product_id(channels, body, drop_mode):
    channels.token()
    channels.control("POST", "faults", {"drop_response_next": 1, "drop_mode": drop_mode, "path": ADD})

    if drop_mode == "close":
        with pytest.raises(requests.ConnectionError):
            channels.raw("POST", ADD, json=body)
    else:
        assert channels.raw("POST", ADD, json=body).status_code == 504

    [effect] = channels.applied(endpoint=ADD)
    assert effect["response_dropped"] is True
    found = [
        product_id
        for product_id in channels.ok("/channels/ec/product/list/get", {"status": 0})["product_ids"]
        if channels.draft(product_id)["out_product_id"] == body["out_product_id"]
    ]
    assert found == [effect["fields"]["product_id"]]


def test_the_state_dump_has_a_section_per_platform(channels, body, channel_images):
    product_id = channels.add(body)
    legacy_image = channels.session.post(
        channels.url("/merchant/common/upload_img"),
        params={"access_token": channels.token(), "filename": "a.png"},
        data=b"png",
        timeout=10,
    ).json()["image_url"]
    channels.ok("/channels/ec/product/stock/batchget", {"product_ids": [product_id]})

    state = channels.control("GET", "state", params={"appid": CHANNELS_APP[0]})

    assert set(state) == {"appid", "wechat_store", "channels"}
    assert state["wechat_store"]["images"] == [legacy_image]
    shop = state["channels"]
    [product] = shop["products"]
    assert (product["product_id"], product["out_product_id"], product["status"], product["edit_status"]) == (
        product_id,
        "local-tee-001",
        0,
        2,
    )
    assert product["pending"]["stage"] == "audit"
    assert product["product"] is None
    assert product["edit_product"]["title"] == body["title"]
    assert sorted(product["stock"].values()) == [50, 100]
    assert shop["images"] == channel_images
    assert [template["name"] for template in shop["templates"]] == ["全国包邮(偏远除外)"]
    assert shop["quota"] == {"hour_used": 1, "day_used": 1, "hour": 200, "day": 1000}
    assert [push["event"] for push in shop["pushes"]] == ["product_spu_update"]


def test_reset_of_one_app_forgets_its_shop_and_pending_audits(channels, body):
    channels.add(body)
    other_image = [channels.image(index, appid=CHANNELS_TEST_APP[0]) for index in range(4)]
    template = channels.ok(
        "/channels/ec/merchant/addfreighttemplate",
        {
            "freight_template": {
                "name": "包邮",
                "valuation_type": "PIECE",
                "send_time": "SendTime_FOUR_HOUR",
                "address_info": {"province_name": "浙江省"},
                "shipping_method": "FREE",
            }
        },
        appid=CHANNELS_TEST_APP[0],
    )["template_id"]
    other = channels.add(tshirt_body(other_image, template), appid=CHANNELS_TEST_APP[0])

    channels.control("POST", "reset", {"appid": CHANNELS_APP[0], "keep_tokens": True})
    channels.advance(60)

    assert channels.shop()["products"] == []
    assert channels.shop()["images"] == []
    assert {e["appid"] for e in channels.applied()} == {CHANNELS_TEST_APP[0]}
    assert [e["fields"]["product_id"] for e in channels.applied(endpoint="audit")] == [other]
    assert channels.draft(other, appid=CHANNELS_TEST_APP[0])["edit_status"] == 4


def test_a_full_reset_clears_every_platform_and_keeps_the_configuration(channels, body):
    channels.add(body)
    channels.configure(channels_quota={"hour": 3})

    channels.control("POST", "reset")

    assert channels.shop()["products"] == []
    assert channels.applied() == []
    assert channels.control("GET", "config")["channels_quota"] == {"hour": 3, "day": 1000}
    assert channels.call("/shop/ec/brand/all")["errcode"] == 40014  # the cached token was forgotten


def test_a_config_body_with_one_bad_channels_key_changes_nothing(channels):
    answer = channels.control_error(
        "POST", "config", {"token_ttl_seconds": 5, "channels_quota": {"hour": 1}, "channels_audit": {"outcome": "?"}}
    )

    config = channels.control("GET", "config")
    assert answer["errcode"] == 40097
    assert (config["token_ttl_seconds"], config["channels_quota"]["hour"]) == (7200, 200)
    assert config["channels_event_url"] is None
    assert config["channels_stock_rate"] == {"per_sku_per_second": 10}
    assert channels.control_error("POST", "config", {"channels_speed": 1})["errmsg"] == (
        "invalid args: unknown config key(s): channels_speed"
    )


def _run(sandbox, method, path, query=None, body=b""):
    return sandbox.dispatch(Request(method=method, path=path, query=query or {}, body=body)).response


def test_the_same_seed_gives_the_same_channels_ids():
    def first_ids():
        sandbox = Sandbox(apps=AppRegistry.default(environ={}), seed=11)
        token = json.loads(
            _run(
                sandbox,
                "GET",
                "/cgi-bin/token",
                {"grant_type": "client_credential", "appid": CHANNELS_APP[0], "secret": CHANNELS_APP[1]},
            ).body
        )["access_token"]
        query = {"access_token": token}
        template = _run(
            sandbox,
            "POST",
            "/channels/ec/merchant/addfreighttemplate",
            query,
            json.dumps(
                {
                    "freight_template": {
                        "name": "包邮",
                        "valuation_type": "PIECE",
                        "send_time": "SendTime_FOUR_HOUR",
                        "address_info": {"province_name": "浙江省"},
                        "shipping_method": "FREE",
                    }
                }
            ).encode(),
        )
        link = _run(
            sandbox,
            "POST",
            "/channels/ec/basics/img/upload",
            {**query, "upload_type": "1", "resp_type": "1"},
            b'{"img_url": "https://cdn.example.com/a.jpg"}',
        )
        return token, template.body, link.body

    assert first_ids() == first_ids()


def test_concurrent_stock_deltas_are_neither_lost_nor_doubled(channels, body):
    channels.configure(channels_stock_rate={"per_sku_per_second": 1000})
    product_id = channels.listed(body)
    white_m = channels.sku_ids(product_id)[0]
    token = channels.token()
    errors = []

    def add_one():
        with requests.Session() as session:
            session.trust_env = False
            for _ in range(5):
                answer = session.post(
                    channels.url(STOCK),
                    params={"access_token": token},
                    json={"product_id": product_id, "sku_id": white_m, "diff_type": 1, "num": 1},
                    timeout=10,
                ).json()
                if answer["errcode"] != 0:
                    errors.append(answer)

    threads = [threading.Thread(target=add_one) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert channels.shop()["products"][0]["stock"][white_m] == 100 + 40
    assert sorted(e["fields"]["stock_after"] for e in channels.applied(endpoint=STOCK)) == list(range(101, 141))


def test_the_legacy_store_is_unchanged_for_a_channels_app(channels, images):
    # Any app may call either platform; each platform keeps its own state per app.
    legacy = channels.session.post(
        channels.url("/merchant/create"),
        params={"access_token": channels.token()},
        json=uniform_body(
            [
                channels.session.post(
                    channels.url("/merchant/common/upload_img"),
                    params={"access_token": channels.token(), "filename": "a.png"},
                    data=b"png",
                    timeout=10,
                ).json()["image_url"]
            ]
        ),
        timeout=10,
    ).json()

    assert legacy["errcode"] == 0
    assert channels.shop()["products"] == []
    assert (
        channels.control("GET", "state", params={"appid": CHANNELS_APP[0]})["wechat_store"]["products"][0]["product_id"]
        == legacy["product_id"]
    )
