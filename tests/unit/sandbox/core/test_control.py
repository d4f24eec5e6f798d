"""The control API (reset, applied log, state, config, clock), routing errors, determinism, concurrency and the
promise that secrets stay out of the logs."""

import json
import logging
import threading

import pytest
import requests

from sandbox import Sandbox
from sandbox.core.apps import AppRegistry
from sandbox.core.base import Request
from tests.unit.sandbox.wechat_store.builders import COLOUR, SIZE, SIZE_M, WHITE, tshirt_body, uniform_body

WHITE_M = f"{COLOUR}:{WHITE};{SIZE}:{SIZE_M}"


def test_info_lists_apps_and_routes(api):
    info = api.control("GET", "")

    assert info["apps"] == [
        "wx_demo_channels",
        "wx_demo_minishop",
        "wx_demo_store",
        "wx_test_channels",
        "wx_test_minishop",
        "wx_test_store",
    ]
    assert "POST /merchant/create" in info["routes"]
    assert "GET /merchant/express/getall" in info["routes"]
    assert "POST /cgi-bin/stable_token" in info["routes"]


def test_full_reset_clears_state_log_tokens_and_faults(api, images):
    token = api.token()
    api.create_product(uniform_body(images))
    api.control("POST", "faults", {"latency_ms": 5})
    last_seq = api.control("GET", "applied")["last_seq"]

    assert api.control("POST", "reset") == {"reset": "all"}

    assert api.state()["products"] == []
    assert api.state()["images"] == []
    assert api.applied() == []
    assert api.control("GET", "faults")["faults"]["latency_ms"] == 0
    assert api.post("/merchant/getbystatus", {"status": 0}, token=token)["errcode"] == 40014
    # seq keeps counting after a reset.
    api.upload(token=api.fetch_token())
    assert api.applied()[0]["seq"] == last_seq + 1


def test_reset_of_one_app_keeps_the_others(api, images):
    other_image = api.upload(appid="wx_test_store")
    api.create_product(uniform_body([other_image]), appid="wx_test_store")
    api.create_product(uniform_body(images))
    demo_token = api.token()

    api.control("POST", "reset", {"appid": "wx_test_store", "keep_tokens": True})

    assert api.state("wx_test_store")["products"] == []
    assert len(api.state()["products"]) == 1
    assert {e["appid"] for e in api.applied()} == {"wx_demo_store"}
    assert api.post("/merchant/getbystatus", {"status": 0}, appid="wx_test_store")["products_info"] == []
    assert api.post("/merchant/getbystatus", {"status": 0}, token=demo_token)["errcode"] == 0


def test_applied_can_be_filtered_and_paged(api, images):
    api.create_product(uniform_body(images), appid="wx_demo_store")
    every = api.applied()

    since = api.applied(since=every[1]["seq"])
    creates = api.applied(endpoint="/merchant/create", appid="wx_demo_store")

    assert [e["seq"] for e in every] == list(range(every[0]["seq"], every[0]["seq"] + 4))
    assert [e["endpoint"] for e in every] == ["/merchant/common/upload_img"] * 3 + ["/merchant/create"]
    assert since == every[2:]
    assert creates == every[3:]
    assert api.control_error("GET", "applied?since=x") == {
        "errcode": 40097,
        "errmsg": "invalid args: since must be a non-negative integer",
    }


def test_state_dumps_products_orders_and_the_rest(api, images):
    product_id = api.create_product(tshirt_body(images))
    api.list_product(product_id)
    order = api.control(
        "POST", "orders/generate", {"appid": "wx_demo_store", "product_id": product_id, "sku_info": WHITE_M}
    )["order"]

    state = api.control("GET", "state", params={"appid": "wx_demo_store"})

    assert state["appid"] == "wx_demo_store"
    store = state["wechat_store"]
    [product] = store["products"]
    assert (product["product_id"], product["name"], product["status"], product["ever_listed"]) == (
        product_id,
        "纯棉圆领T恤",
        1,
        True,
    )
    assert product["stock"][WHITE_M] == 9
    assert product["product_info"]["product_id"] == product_id
    assert store["orders"] == [order]
    assert (store["templates"], store["groups"], store["shelves"]) == ([], [], [])
    assert api.control_error("GET", "state") == {"errcode": 40097, "errmsg": "invalid args: appid is required"}


def test_config_changes_only_the_given_keys(api):
    before = api.control("GET", "config")

    after = api.control("POST", "config", {"token_ttl_seconds": 60, "apps": {"wx_new_shop": "new-secret"}})

    channels_config = {key: value for key, value in before.items() if key.startswith(("channels_", "minishop_"))}
    assert {key: value for key, value in before.items() if key not in channels_config} == {
        "apps": [
            "wx_demo_channels",
            "wx_demo_minishop",
            "wx_demo_store",
            "wx_test_channels",
            "wx_test_minishop",
            "wx_test_store",
        ],
        "event_url": None,
        "token_grace_seconds": 300,
        "token_ttl_seconds": 7200,
        "seed": 20240611,
    }
    assert after == {
        **before,
        "apps": [
            "wx_demo_channels",
            "wx_demo_minishop",
            "wx_demo_store",
            "wx_new_shop",
            "wx_test_channels",
            "wx_test_minishop",
            "wx_test_store",
        ],
        "token_ttl_seconds": 60,
    }
    token = api.session.get(
        api.url("/cgi-bin/token"),
        params={"grant_type": "client_credential", "appid": "wx_new_shop", "secret": "new-secret"},
        timeout=10,
    ).json()
    assert token["expires_in"] == 60


@pytest.mark.parametrize(
    ("body", "errmsg"),
    [
        ({"event_url": "ftp://x"}, "event_url must be an http(s) URL or null"),
        ({"token_grace_seconds": -1}, "token_grace_seconds must be a number >= 0"),
        ({"push_tokens": {"wx_nobody": "t"}}, "appid wx_nobody is not a sandbox app"),
        ({"colour": "blue"}, "unknown config key(s): colour"),
    ],
)
def test_bad_config_is_refused_whole(api, body, errmsg):
    answer = api.control_error("POST", "config", {"token_ttl_seconds": 5, **body})

    assert answer == {"errcode": 40097, "errmsg": f"invalid args: {errmsg}"}
    assert api.control("GET", "config")["token_ttl_seconds"] == 7200


def test_clock_moves_forward(api):
    before = api.control("GET", "clock")

    after = api.control("POST", "clock", {"advance_seconds": 3600})

    assert after["offset_seconds"] == 3600
    assert after["now"] - before["now"] >= 3600


def test_unknown_paths_and_wrong_methods(api):
    unknown = api.session.post(api.url("/merchant/nothing"), timeout=10)
    wrong_method = api.get("/merchant/create")
    control_wrong_method = api.session.get(api.url("/__sandbox__/reset"), timeout=10)

    assert unknown.status_code == 404
    assert unknown.json() == {"errcode": 40066, "errmsg": "invalid url"}
    assert wrong_method == {"errcode": 43002, "errmsg": "require POST method"}
    assert control_wrong_method.status_code == 400


def _run(sandbox, method, path, query=None, body=b""):
    dispatch = sandbox.dispatch(Request(method=method, path=path, query=query or {}, body=body))
    return dispatch.response


def test_the_same_seed_gives_the_same_ids():
    def first_ids():
        sandbox = Sandbox(apps=AppRegistry.default(environ={}), seed=7)
        token_response = _run(
            sandbox,
            "GET",
            "/cgi-bin/token",
            {"grant_type": "client_credential", "appid": "wx_demo_store", "secret": "demo-store-secret"},
        )
        token = json.loads(token_response.body)["access_token"]
        upload = _run(
            sandbox, "POST", "/merchant/common/upload_img", {"access_token": token, "filename": "a.png"}, b"x"
        )
        return token, upload.body

    assert first_ids() == first_ids()


def test_concurrent_stock_changes_are_neither_lost_nor_doubled(api, images):
    product_id = api.create_product(tshirt_body(images))
    token = api.token()
    errors = []

    def add_one():
        with requests.Session() as session:
            session.trust_env = False
            for _ in range(5):
                answer = session.post(
                    api.url("/merchant/stock/add"),
                    params={"access_token": token},
                    json={"product_id": product_id, "sku_info": WHITE_M, "quantity": 1},
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
    assert api.state()["products"][0]["stock"][WHITE_M] == 10 + 40
    effects = api.applied(endpoint="/merchant/stock/add")
    assert sorted(e["fields"]["stock_after"] for e in effects) == list(range(11, 51))
    assert len({e["seq"] for e in effects}) == 40


def test_secrets_and_tokens_stay_out_of_the_logs(api, caplog):
    caplog.set_level(logging.DEBUG, logger="sandbox")

    token = api.fetch_token()
    api.post("/merchant/category/getsub", {"cate_id": 1}, token=token)
    api.session.post(
        api.url("/cgi-bin/stable_token"),
        json={"grant_type": "client_credential", "appid": "wx_demo_store", "secret": "demo-store-secret"},
        timeout=10,
    )

    assert [record.getMessage() for record in caplog.records] == ["sandbox.call"] * 3
    logged = " ".join(repr(vars(record)) for record in caplog.records)
    assert "demo-store-secret" not in logged
    assert token not in logged
    assert "/merchant/category/getsub" in logged


def test_an_image_link_gives_its_own_png_every_time(api):
    link = "https://mmecimage.cn/p/wx_demo_channels/abc"

    first = api.session.get(api.url("/__sandbox__/image"), params={"url": link}, timeout=10)
    again = api.session.get(api.url("/__sandbox__/image"), params={"url": link}, timeout=10)
    other = api.session.get(api.url("/__sandbox__/image"), params={"url": link + "d"}, timeout=10)
    refused = api.session.get(api.url("/__sandbox__/image"), params={"url": "ftp://x"}, timeout=10)

    assert (first.status_code, first.headers["Content-Type"]) == (200, "image/png")
    assert first.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert first.content[16:24] == (16).to_bytes(4, "big") * 2  # IHDR width and height
    assert link.encode() in first.content
    assert again.content == first.content
    assert other.content != first.content
    assert (refused.status_code, refused.json()["errmsg"]) == (400, "invalid args: url must be an http(s) image link")


def test_links_of_the_same_uploaded_file_give_the_same_picture_and_other_files_another(api):
    first = api.upload("a.jpg", data=b"\xff\xd8\xff same")
    again = api.upload("b.jpg", data=b"\xff\xd8\xff same")
    other = api.upload("c.jpg", data=b"\xff\xd8\xff other")

    def picture(link):
        return api.session.get(api.url("/__sandbox__/image"), params={"url": link}, timeout=10).content

    assert first != again
    assert picture(first) == picture(again)
    assert picture(other) != picture(first)
    assert first.encode() not in picture(first)  # drawn from the upload, not from the link
